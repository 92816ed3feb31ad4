"""Garment sizes in a buyer's message, normalised to the labels the catalogue uses.

Canonical forms: S, M, L, XS, XXS, XL, 2XL..7XL (XXL and 2xl both give 2XL), 均码 (均码, 通码,
F码, free size), GB labels such as 160/84A, and numeric 码 sizes as their number (27码 -> 27
for trouser waists, 38码 -> 38 for shoes, 110码 for children's wear).

Decisions on ambiguous forms:

* 大码 and 小码 are not sizes: on Taobao 大码 means plus-size clothing (有大码吗), and both are
  relative ("a bigger/smaller size"). The label forms are: 小号 -> S, 中码/中号 -> M, 大号 -> L,
  加大码/加大号 -> XL, 加加大(码/号) -> 2XL. 加大一码 ("one size up") is not a size.
* A single letter is a size only when no other latin letter touches it and no digit or dot comes
  before it unless 码 follows: M码, 要L, 160m码, but not the m of 165cm or 1.65m, nor the M of EMS.
* ``165/100`` without a body-type letter is a height and weight, not a GB size; 160/84A and
  170/92码 are sizes.
* ``28号`` is a date (28号发货), so numeric sizes need 码 after them (27码), a cue before them
  (鞋码39) or 腰 for trouser waists (29腰).
"""

from __future__ import annotations

import re
from typing import List

from bot.text.mentions import PRIORITY_EXPLICIT, Mention

_LETTER_SIZE = re.compile(
    r"(?<![a-z.])(?P<size>[2-7]\s?xl|x{1,6}l|x{0,2}s|m|l)(?P<suffix>\s?(?:码|号))?(?![a-z])",
    re.IGNORECASE,
)
_WORD_SIZES = [
    (re.compile(r"均码|通码|统码|均号|(?<![a-z])f码|free\s?size|one\s?size", re.IGNORECASE), "均码"),
    (re.compile(r"加加大(?:码|号)?"), "2XL"),
    (re.compile(r"(?<!加)加大(?:码|号)"), "XL"),
    (re.compile(r"中(?:码|号)"), "M"),
    (re.compile(r"(?<![加多])大号"), "L"),  # 买多大号 asks "which size"
    (re.compile(r"小号"), "S"),
]
_GB_SIZE = re.compile(
    r"(?<![\d.])(?P<height>[89]\d|1\d\d)/(?P<chest>\d{2,3})(?:(?P<type>[abcy])(?P<s1>码|号)?|(?P<s2>码|号))(?![a-z\d])",
    re.IGNORECASE,
)
_NUMERIC = r"2[4-9]|3\d|4[0-8]|7[3-9]|[89]\d|1[0-6]\d|170"
_NUMERIC_SIZE = re.compile(
    rf"(?<![\d.])(?P<n>{_NUMERIC})\s?码"  # 27码, 38码, 110码
    rf"|(?:鞋码|尺码|码数|码子)\s*(?:是|穿)?\s*[:：]?\s*(?P<m>{_NUMERIC})(?![\d.])"  # 鞋码39
    r"|(?<![\d.])(?P<w>2[4-9]|3[0-8])\s?腰(?!围)"  # 29腰: a trouser waist size
)

#: Size words written in Chinese, for the jieba dictionary.
SIZE_WORDS = ("均码", "通码", "加大码", "加大号", "加加大码", "加加大号", "中码", "中号", "大号", "小号")


def canonical_letter_size(label: str) -> str:
    """Canonical form of a letter size: ``xxl`` -> ``2XL``, ``2 xl`` -> ``2XL``, ``m`` -> ``M``.

    Args:
        label: a letter size as written, without 码.

    Returns:
        The catalogue's spelling.
    """
    label = re.sub(r"\s", "", label).upper()
    if label.endswith("XL"):
        if label[0].isdigit():
            return label
        count = label.count("X")
        return "XL" if count == 1 else f"{count}XL"
    return label


def find_sizes(text: str) -> List[Mention]:
    """Garment sizes: S/M/L/XL/2XL..., 均码, 加大码, 160/84A, 27码 and 38码.

    Args:
        text: the message, already half-width (see ``to_halfwidth``).

    Returns:
        Candidate size mentions; the span includes a trailing 码/号.
    """
    found = []
    for match in _LETTER_SIZE.finditer(text):
        if match.start() > 0 and text[match.start() - 1].isdigit() and not match["suffix"]:
            continue  # the m of 1.65m; but 160m码 is 160 and M码
        value = canonical_letter_size(match["size"])
        found.append(Mention(match.start(), match.end(), "size", text[match.start() : match.end()], value))
    for pattern, value in _WORD_SIZES:
        for match in pattern.finditer(text):
            found.append(Mention(match.start(), match.end(), "size", match.group(), value, PRIORITY_EXPLICIT))
    for match in _GB_SIZE.finditer(text):
        value = f"{match['height']}/{match['chest']}{(match['type'] or '').upper()}"
        found.append(Mention(match.start(), match.end(), "size", match.group(), value))
    for match in _NUMERIC_SIZE.finditer(text):
        group = next(name for name in ("n", "m", "w") if match[name])
        start = match.start() if group != "m" else match.start(group)
        found.append(Mention(start, match.end(), "size", text[start : match.end()], match[group]))
    return found
