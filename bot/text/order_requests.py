"""What a buyer's words say about their order request: a new address, the kind of quality problem,
whether they ask how far a refund has got.

Keyword rules over one message, kept apart from the dialogue so they are tested on their own. They
only read the message; what to do with an order is bot.orders' business.
"""

from __future__ import annotations

import re
from typing import Optional

# 地址改成… / 帮我改为… / 寄到…: a change verb, then the address (tried first: 地址写错了 帮我改成X
# means X). Else 新地址：… / 收货地址是…: a label, then the address.
_CHANGE_CUE = re.compile(r"(?:改成|改为|改到|换成|更改为|更新为|寄到|送到)\s*[:：]?\s*(?P<address>.+)$")
_LABEL_CUE = re.compile(r"(?:收货|收件|新的?|送货)?地址(?:是|为)?\s*[:：]?\s*(?P<address>.+)$")
# An address names a place: a province/city/district/street/number word.
_PLACE = re.compile(r"省|市|区|县|镇|乡|街道|路|街|巷|号|栋|幢|单元|室|村|小区|大厦|\[地址")
MIN_ADDRESS_CHARS = 6

_COMPLAINT_KINDS = (
    ("missing_item", re.compile(r"少发|漏发|少了|没收到.{0,4}(?:件|条|个)|只收到|缺了|少一")),
    ("wrong_item", re.compile(r"发错|寄错|不是我(?:买|拍|要)的|错了(?:颜色|尺码|码|款)|颜色不对|尺码不对|码数不对|款式不对")),
    ("color_difference", re.compile(r"色差|颜色(?:差|不一样|跟图片)|和图片(?:颜色)?不一样|跟图片(?:颜色)?不一样")),
    ("damaged", re.compile(r"破|坏|洞|开线|脱线|掉扣|扣子掉|污|脏|染色|起球|断|裂|瑕疵|线头|烂")),
)

_REFUND_PROGRESS = re.compile(
    r"退款.{0,6}(?:到账|进度|到哪|多久|什么时候|几天|怎么还没|还没到|没到|处理)|(?:钱|款).{0,4}(?:什么时候|多久|怎么还没).{0,4}(?:退|到)"
)


def new_address(text: str) -> Optional[str]:
    """The new delivery address a buyer gives (地址改成浙江省杭州市…), or None.

    Meant for a message answering an address question or asking for an address change.

    Args:
        text: the message.

    Returns:
        The address as written (trimmed), when the message gives one that names a place.
    """
    match = _CHANGE_CUE.search(text or "") or _LABEL_CUE.search(text or "")
    candidate = match["address"].strip(" ，,。.") if match else (text or "").strip()
    # After a cue one place word will do; a bare message must look like an address (two of them:
    # 发货时间是几号 is not one).
    needed = 1 if match else 2
    if len(candidate) >= MIN_ADDRESS_CHARS and len(_PLACE.findall(candidate)) >= needed:
        return candidate
    return None


def complaint_kind(text: str) -> str:
    """The kind of quality complaint: ``missing_item``, ``wrong_item``, ``color_difference``,
    ``damaged`` or ``other``."""
    for kind, pattern in _COMPLAINT_KINDS:
        if pattern.search(text or ""):
            return kind
    return "other"


def asks_refund_progress(text: str) -> bool:
    """Whether the buyer asks how far a refund has got (退款什么时候到账 / 钱怎么还没退)."""
    return bool(_REFUND_PROGRESS.search(text or ""))
