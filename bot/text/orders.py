"""Order numbers in a buyer's message: 16 to 19 digits on Taobao/Tmall, or digits after 订单号.

Decisions on ambiguous forms:

* Any run of 16-19 digits is an order number (Taobao and Tmall order numbers have that length).
* After a cue (订单号, 订单编号, 单号) a shorter run of 6-20 digits is an order number too, as buyers
  sometimes paste part of it; 快递单号 / 物流单号 / 运单号 are tracking numbers, not orders.
* A mobile number (11 digits starting 1[3-9]) is never an order number.
* The value is the digit string (leading zeros kept).
"""

from __future__ import annotations

import re
from typing import List

from bot.text.mentions import PRIORITY_CUE, PRIORITY_EXPLICIT, Mention

_BARE = re.compile(r"(?<!\d)\d{16,19}(?!\d)")
_CUED = re.compile(
    r"(?<!快递)(?<!物流)(?<!运)(?:订单号码?|订单编号|订单|单号)\s*(?:是|为)?\s*[:：]?\s*(?P<num>\d{6,20})(?!\d)"
)
_MOBILE = re.compile(r"1[3-9]\d{9}")


def is_mobile_number(digits: str) -> bool:
    """Whether a digit string is a mainland mobile number (11 digits, 1[3-9]...)."""
    return bool(_MOBILE.fullmatch(digits))


def find_order_ids(text: str) -> List[Mention]:
    """Order numbers.

    Args:
        text: the message, already half-width (see ``to_halfwidth``).

    Returns:
        Candidate order_id mentions; the value is the digit string.
    """
    found = []
    for match in _BARE.finditer(text):
        found.append(
            Mention(match.start(), match.end(), "order_id", match.group(), match.group(), PRIORITY_EXPLICIT)
        )
    for match in _CUED.finditer(text):
        digits = match["num"]
        if is_mobile_number(digits):
            continue
        found.append(Mention(match.start("num"), match.end("num"), "order_id", digits, digits, PRIORITY_CUE))
    return found
