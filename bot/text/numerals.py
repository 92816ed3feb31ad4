"""Numbers as buyers type them: Arabic, Chinese (一百二十, 两千五, 一六五) and full-width digits."""

from __future__ import annotations

import re
from typing import List, Optional, Tuple, Union

Number = Union[int, float]

_DIGITS = {
    char: value
    for value, chars in enumerate(
        ["零〇", "一壹", "二贰两", "三叁", "四肆", "五伍", "六陆", "七柒", "八捌", "九玖"]
    )
    for char in chars
}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_MYRIAD = {"万": 10_000}

#: Chinese digits (一 .. 九, 零, 两 and the financial forms), for building regexes.
CN_DIGIT_CHARS = "".join(_DIGITS)
#: Chinese digits and units (十 百 千 万), for building regexes.
CN_NUMERAL_CHARS = CN_DIGIT_CHARS + "".join(_UNITS) + "".join(_MYRIAD)

#: One number as written: Arabic (``165``, ``1.65``, ``2千``) or Chinese (``一百二十``, ``一点五``).
#: ``点`` is only a decimal point when a digit follows it (``便宜一点`` is "a bit cheaper").
NUMBER_PATTERN = (
    rf"(?:\d+(?:\.\d+)?[{''.join(_UNITS)}万]*"
    rf"|[{CN_NUMERAL_CHARS}]+(?:点[{CN_DIGIT_CHARS}]+)?)"
)

_TOKEN = re.compile(rf"\d+(?:\.\d+)?|[{CN_NUMERAL_CHARS}]")

# Full-width forms typed by Chinese input methods (１６５, ＸＬ): U+FF01..U+FF5E map to ASCII by a
# fixed offset, one character for one, so offsets into the text do not move. ￥ (U+FFE5) stays.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20  # ideographic space


def to_halfwidth(text: str) -> str:
    """Map full-width ASCII (１６５ｃｍ, ＸＬ) to half-width, keeping every character's offset.

    Args:
        text: the buyer's message.

    Returns:
        A string of the same length with full-width letters, digits and punctuation narrowed.
    """
    return text.translate(_HALFWIDTH)


def _as_number(value: float) -> Number:
    return int(value) if float(value).is_integer() else round(value, 6)


def parse_number(text: str, digit_by_digit: bool = True) -> Optional[Number]:
    """Parse one number written in Arabic or Chinese numerals, or a mix of both.

    Handles ``165``, ``1.65``, ``一百二十``, ``一百二`` (= 120, the elided unit buyers write),
    ``两千五`` (= 2500), ``一百零五``, ``十五``, ``一万二``, ``2千``, ``1.5万``, ``一点五``,
    digit-by-digit readings such as ``一六五`` (= 165), and approximate ranges written with two
    consecutive digits before a unit, read as their midpoint: ``七八十`` (70-80 = 75),
    ``一百一二十`` (110-120 = 115), ``一百二三`` (120-130 = 125).

    Args:
        text: the numeral alone, without units such as 斤 or 元.
        digit_by_digit: accept ``一六五`` as 165 (usual for heights, odd for money or weight).

    Returns:
        An int when the value is whole, else a float; None when the text is not a number.
    """
    text = to_halfwidth(text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return _as_number(float(text))
    if "点" in text:
        whole, _, fraction = text.partition("点")
        whole_value = parse_number(whole, digit_by_digit)
        if whole_value is None or not fraction or any(ch not in _DIGITS for ch in fraction):
            return None
        return _as_number(float(f"{int(whole_value)}." + "".join(str(_DIGITS[ch]) for ch in fraction)))
    tokens = _TOKEN.findall(text)
    if "".join(tokens) != text:
        return None
    if len(tokens) > 1 and all(t in _DIGITS for t in tokens):
        if not digit_by_digit:
            return None
        return int("".join(str(_DIGITS[t]) for t in tokens))
    return _parse_with_units(tokens)


def _parse_with_units(tokens: List[str]) -> Optional[Number]:
    total = 0.0  # completed 万 sections
    section = 0.0  # value below 万 so far
    pending: Optional[float] = None  # a digit waiting for its unit
    pending_digit: Optional[int] = None  # that digit when it was one Chinese digit (七 of 七八十)
    last_unit = 0  # the last unit seen, for elision (一百二 = 120)
    zero_seen = False
    for token in tokens:
        if token in _DIGITS:
            if pending is not None:
                if pending_digit is not None and _DIGITS[token] == pending_digit + 1:
                    pending, pending_digit = pending + 0.5, None  # 七八十: 70-80, the midpoint
                    continue
                return None  # two other digits in a row inside a unit numeral (一百二五)
            if _DIGITS[token] == 0:
                zero_seen = True
                continue
            pending = float(_DIGITS[token])
            pending_digit = _DIGITS[token]
        elif token in _UNITS:
            unit = _UNITS[token]
            if last_unit and unit >= last_unit and (section or pending is None):
                return None  # 百百, 十百: not a number
            section += (pending if pending is not None else 1) * unit
            pending, pending_digit, last_unit, zero_seen = None, None, unit, False
        elif token in _MYRIAD:
            if pending is None and not section:
                return None
            total += (section + (pending or 0)) * _MYRIAD[token]
            section, pending, pending_digit, last_unit, zero_seen = 0.0, None, None, _MYRIAD[token], False
        else:  # Arabic digits, possibly with a decimal part (2千, 1.5万)
            if pending is not None:
                return None
            pending, pending_digit = float(token), None
    if pending is not None:
        if last_unit >= 100 and not zero_seen and pending < 10:
            pending *= last_unit // 10  # elided unit: 一百二 -> 120, 两千五 -> 2500, 一万二 -> 12000
        section += pending
    return _as_number(total + section)


def parse_trailing_number(text: str, digit_by_digit: bool = False) -> Optional[Tuple[int, Number]]:
    """Parse the longest suffix of ``text`` that is a number.

    A run of numeral characters can swallow the end of a previous number: in ``一米六一百斤`` the
    weight regex sees ``六一百``. Dropping leading characters until the rest parses finds ``一百``.

    Args:
        text: a run of numeral characters, as matched by ``NUMBER_PATTERN``.
        digit_by_digit: whether ``一六五`` counts as a number (see ``parse_number``).

    Returns:
        (offset of the suffix in ``text``, value), or None when no suffix is a number.
    """
    for offset in range(len(text)):
        if text[offset] == "点":
            continue
        value = parse_number(text[offset:], digit_by_digit)
        if value is not None:
            return offset, value
    return None
