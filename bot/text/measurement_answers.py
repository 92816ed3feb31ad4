"""A bare number answering a measurement question (哦 160 / 是170 / 九十八): read by what was asked.

On its own 160 is nothing: a price, a quantity, a height or 160 斤. After "身高多少呢" it is a height,
after "体重多少呢" a weight, and right after a size answer (不对 是170) the size of the number says
which measurement is being corrected. The entity extractor sees one message and cannot know what
was asked, so the dialogue asks this module with the question in hand.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple

from bot.text.body import BARE_HEIGHT_RANGE, unitless_weight_kg
from bot.text.numerals import NUMBER_PATTERN, parse_number, to_halfwidth

_NUMBER = re.compile(NUMBER_PATTERN)
#: Anything else in the message that makes the number something other than a measurement.
_OTHER_UNIT = re.compile(r"元|块|件|条|个|号|天|点|:|：|%|折|单|码")


def bare_measurement(
    text: str, asking: Optional[str] = None, height_cm: Optional[float] = None
) -> Optional[Tuple[str, float]]:
    """The measurement a message of one bare number gives, in the context of the question asked.

    Args:
        text: the buyer's message, e.g. ``哦 160`` or ``不对 是170``.
        asking: ``"height"`` or ``"weight"`` when the assistant just asked for it; None right
            after a size answer (a correction of either).
        height_cm: the buyer's height when known, to read a unit-less weight as kg or 斤.

    Returns:
        ``("height", cm)`` or ``("weight", kg)``, or None when the message holds no single bare
        number or the number cannot be that measurement.
    """
    text = to_halfwidth(text or "")
    numbers = [m for m in _NUMBER.finditer(text) if parse_number(m.group(0)) is not None]
    if len(numbers) != 1 or _OTHER_UNIT.search(text):
        return None
    value = float(parse_number(numbers[0].group(0)))  # type: ignore[arg-type]
    if value < 3:
        value *= 100  # 1.65 (metres)
    # Asked for, any number is the answer; the form judges and says plainly when it is not believable.
    if asking == "height":
        return ("height", value)
    if asking == "weight":
        return ("weight", unitless_weight_kg(value, height_cm))
    if BARE_HEIGHT_RANGE[0] <= value <= BARE_HEIGHT_RANGE[1]:
        return ("height", value)
    if 25 <= value < BARE_HEIGHT_RANGE[0]:
        return ("weight", unitless_weight_kg(value, height_cm))
    return None
