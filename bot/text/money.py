"""Amounts of money in a buyer's message, in yuan: 20元, 二十块, ¥99, 3块5, 5毛, 便宜20.

Decisions on ambiguous forms:

* A number right after a bargaining cue (便宜20, 少10, 减20, 满200, 卖89) or right before a price
  judgement (199太贵了, 150卖吗, 299包邮吗) is an amount unless a unit of something else follows
  (便宜2件, 打8折, 少1天). Chinese numerals after a cue need a unit word
  inside them (便宜二十) so that 便宜一点 ("a bit cheaper") is not an amount.
* 一块 / 两块 without 钱 and without a money cue is not an amount (一块发, 两块布).
* 毛 is a tenth of a yuan only with a digit before it and no 衣/线/呢... after it (毛衣 is a
  sweater).
"""

from __future__ import annotations

import re
from typing import List

from bot.text.mentions import PRIORITY_CUE, PRIORITY_EXPLICIT, Mention, preceded_by
from bot.text.numerals import CN_DIGIT_CHARS, NUMBER_PATTERN, parse_number, parse_trailing_number

_CN_DIGIT = CN_DIGIT_CHARS
_MONEY_CUE = r"便宜|少|优惠|减|降|抹|差|返|贵|多付|补|退|满|价格?|价钱|付|花了?|卖|给(?=\d)"

_CURRENCY_SIGN = re.compile(r"(?:[¥￥]|rmb)\s*(?P<num>\d+(?:\.\d{1,2})?)(?![\d.])", re.IGNORECASE)
_WITH_UNIT = re.compile(
    rf"(?<![\d.])(?P<num>{NUMBER_PATTERN})\s*(?P<more>多)?\s*(?P<unit>元|块|rmb)(?![a-z])"
    rf"(?:(?P<qian>钱)|(?P<jiao>[0-9{_CN_DIGIT}])(?![\d{_CN_DIGIT}十百千万])(?:毛|角)?(?:钱)?)?",
    re.IGNORECASE,
)
_JIAO = re.compile(rf"(?<![\d.块元])(?P<num>[1-9]|[{_CN_DIGIT}])\s*(?:毛|角)(?:钱)?(?![衣呢线绒料球巾皮])")
_CUED = re.compile(
    rf"(?:{_MONEY_CUE})\s*(?:了|个|点)?\s*(?P<num>\d+(?:\.\d{{1,2}})?|[{_CN_DIGIT}]*[十百千][{_CN_DIGIT}十百千]*)"
    r"(?![\d.])"
)
# After a cued number: a unit of something else means it is not money (便宜2件, 打8折).
_OTHER_UNIT_AFTER = re.compile(
    r"\s*(?:多)?\s*(?:件|个|条|天|号|%|折|斤|公斤|kg|cm|厘米|码|次|单|小时|分钟|年|月|日|度|元|块|毛|角|米|双|套|点)",
    re.IGNORECASE,
)
# A number before a price judgement: 199太贵了, 150卖吗, 100卖不卖, 299包不包邮.
_BEFORE_PRICE_WORDS = re.compile(
    r"(?<![\d.])(?P<num>\d+(?:\.\d{1,2})?)(?=\s*(?:太贵|贵了|好贵|卖吗|卖不卖|能卖|包邮|包不包邮|还包邮))"
)
_PIECE_WORDS = {"一", "两", "俩"}


def find_amounts(text: str) -> List[Mention]:
    """Money amounts in yuan.

    Args:
        text: the message, already half-width (see ``to_halfwidth``).

    Returns:
        Candidate amount mentions with float values in yuan.
    """
    found = []
    for match in _CURRENCY_SIGN.finditer(text):
        found.append(_amount(text, match.start(), match.end(), float(match["num"]), PRIORITY_EXPLICIT))
    for match in _WITH_UNIT.finditer(text):
        parsed = parse_trailing_number(match["num"])
        if parsed is None:
            continue
        offset, value = parsed
        number_text = match["num"][offset:]
        if match["jiao"]:
            value += parse_number(match["jiao"]) / 10
        elif (
            match["unit"] == "块"
            and number_text in _PIECE_WORDS
            and not match["qian"]
            and not preceded_by(text, match.start() + offset, re.compile(_MONEY_CUE), 4)
        ):
            continue  # 一块发, 两块布: "together", "two pieces"
        found.append(_amount(text, match.start() + offset, match.end(), value, PRIORITY_EXPLICIT))
    for match in _JIAO.finditer(text):
        value = parse_number(match["num"])
        found.append(_amount(text, match.start(), match.end(), value / 10, PRIORITY_EXPLICIT))
    for match in _CUED.finditer(text):
        if _OTHER_UNIT_AFTER.match(text, match.end()):
            continue
        value = parse_number(match["num"], digit_by_digit=False)
        if value is None:
            continue
        found.append(_amount(text, match.start("num"), match.end("num"), value, PRIORITY_CUE))
    for match in _BEFORE_PRICE_WORDS.finditer(text):
        found.append(_amount(text, match.start(), match.end(), float(match["num"]), PRIORITY_CUE))
    return found


def _amount(text: str, start: int, end: int, value: float, priority: int) -> Mention:
    return Mention(start, end, "amount", text[start:end], round(float(value), 2), priority)
