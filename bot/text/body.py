"""Body height (cm) and weight (kg) in a buyer's message: 165cm, 1米65, 一米六五, 100斤, 体重110.

Decisions on ambiguous forms:

* A height with a unit (cm, 米, m) or a cue (身高, 个子) is extracted as written, even when
  implausible (身高16 -> 16): whether it makes sense is the sizing logic's call. A cm value with no
  cue must be 100-230 and must not follow a garment measure (衣长65cm, 腰围72cm are not heights).
* A bare number is a height only when it is a whole 140-210 (or metres 1.40-2.10 with a decimal
  point: ``我1.68 一百斤``), is not followed by a unit of something else (斤, 元, 号, 件, 码...),
  and the message is about fit (it has a weight or a size, words such as 穿, 码, 合适, or a
  unit-less weight right after it: ``155 45``). So ``我165 100斤`` and ``拍的L 我175`` have a
  height and ``16号发货`` never does.
* ``1m65`` is 1米65: a latin m between digits is a metre, never the size M.
* Heights are whole centimetres, rounded half up (162.5 -> 163).
* A number followed by 高 or 的个子 is a height (小孩110高, 160的个子), but not 高跟/高腰/高领.
* A weight with a unit is converted (1 斤 = 0.5 kg). A weight without a unit (体重110, or the
  second number of ``165/100``) is read with the height when one is given: the unit (kg or 斤)
  whose BMI is nearer 21 wins. Without a height, 80 or more is 斤 (buyers on Taobao weigh
  themselves in 斤; 体重110 is 55 kg) and less than 80 is kg (体重50 is 50 kg).
* A weight range (110-120斤) is its midpoint; ``100多斤`` and ``一百二十来斤`` are 100 and 120 斤.
* 重 alone is a weight cue where 高 alone is a height cue: ``高168 重110``, ``我重120``.
"""

from __future__ import annotations

import math
import re
from typing import Iterable, List, Optional

from bot.text.mentions import (
    PRIORITY_BARE,
    PRIORITY_CONTEXT,
    PRIORITY_CUE,
    PRIORITY_EXPLICIT,
    Mention,
    preceded_by,
)
from bot.text.numerals import (
    CN_DIGIT_CHARS,
    CN_NUMERAL_CHARS,
    NUMBER_PATTERN,
    parse_number,
    parse_trailing_number,
)

#: Plausible range of a bare number read as a height (cm).
BARE_HEIGHT_RANGE = (140, 210)
#: Plausible range of a cm value read as a height without a cue.
CM_HEIGHT_RANGE = (100, 230)
#: From this value on, a weight without a unit and without a height is read as 斤.
BARE_WEIGHT_JIN_FROM = 80
_TARGET_BMI = 21.0

_CN = CN_NUMERAL_CHARS
_CN_DIGIT = CN_DIGIT_CHARS

_HEIGHT_CUE = r"(?:净身高|身高|个子|个头|(?<![\u4e00-\u9fff])高|(?<=我)高)"
_HEIGHT_CUE_BEFORE = re.compile(_HEIGHT_CUE)
_FILLER = r"[\s:：]*(?:是|有|大概|大约|约|差不多|在)?\s*"
_NOT_LETTER = r"(?![a-z])"

# 1米65, 一米六五, 1米7, 两米, 1m65: the metre digit and one or two more digits. A second Chinese
# digit followed by a unit belongs to the next number (一米六一百斤 is 一米六 + 一百斤).
# A space after 米 ends the height (两米 一百公斤 is 两米 + 一百公斤), and so does a digit that starts
# a bigger number (两米一百斤); 两米 / 2米 alone is 200 cm.
_METRE_DIGITS = re.compile(
    rf"(?<![\d.])(?P<m>[12一两])\s*(?:米|(?<=\d)m(?=\d))"
    rf"(?P<rest>\d{{1,2}}(?!\d)|[{_CN_DIGIT}](?![十百千万斤])(?:[{_CN_DIGIT}](?![十百千万斤]))?)?",
    re.IGNORECASE,
)
# 1.65米, 1.7m
_METRE_DECIMAL = re.compile(rf"(?<![\d.])(?P<num>[12]\.\d{{1,2}})\s*(?:米|m{_NOT_LETTER})", re.IGNORECASE)
# 165cm, 165厘米, 一百六十五公分
_CENTIMETRES = re.compile(
    rf"(?<![\d.])(?P<num>\d{{2,3}}(?:\.\d)?|[{_CN}]+)\s*(?:厘米|公分|cm{_NOT_LETTER})", re.IGNORECASE
)
# 身高165, 身高1.65, 身高一六五, 个子160cm
_CUED_HEIGHT = re.compile(
    rf"{_HEIGHT_CUE}{_FILLER}(?P<num>[12]\.\d{{1,2}}|\d{{1,3}}(?:\.\d)?|[{_CN}]+)(?![\d.{_CN}]|\s*米\s*[\d{_CN}])"
    rf"(?P<unit>\s*(?:厘米|公分|米|cm{_NOT_LETTER}|m(?![a-z码号])))?",  # 身高160m码: m码 is a size
    re.IGNORECASE,
)
# 110高, 160的个子, 165cm的身高 (高跟, 高腰, 高领 are garment words)
_HEIGHT_BEFORE_CUE = re.compile(
    rf"(?<![\d.])(?P<num>\d{{2,3}})(?P<unit>\s*(?:厘米|公分|cm{_NOT_LETTER}))?(?=\s*的?\s*(?:个子|身高|高(?![跟腰领帮筒弹])))",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"(?<![\d.a-z¥￥$])(?P<num>\d{3}|[12]\.\d{1,2})(?![\d.])", re.IGNORECASE)

_GARMENT_MEASURE = re.compile(
    r"(?:衣|裤|裙|袖|总|内|外|前|后|身)?长|(?:胸|腰|臀|肩|领|摆|腿|臂|脚|裤|袖|头)围|肩宽|下摆|裤口|脚口|袖口|宽"
)
_NOT_A_HEIGHT_BEFORE = re.compile(
    r"体重|重|价格?|满|减|便宜|少|优惠|付|花了|第|编号|单号|号码|电话|手机|邮编|尾号|[¥￥$/]"
)
_UNIT_AFTER = re.compile(
    r"\s*(?:多|来|左右|上下)?\s*(?:斤|公斤|千克|克|元|块|毛|角|号|件|个|条|天|年|月|日|次|单|码|厘米|公分|米|折|度|倍|"
    r"万|千|百|位|包|张|瓶|双|套|人|分|秒|小时|岁|页|楼|室|栋|路|期|款|份|台|只|支|本|周|[%¥￥])"
    r"|(?:kg|g|rmb|cm|mm|ml|w)(?![a-z])|[ml](?![a-z码号])",  # 160m码: M码 follows a height
    re.IGNORECASE,
)
_FIT_CONTEXT = re.compile(
    r"穿|尺码|码|合适|身材|胖|瘦|偏大|偏小|多大|推荐|身高|体重|斤|kg|公斤|太长|太短|会不会长|会不会短|拖地", re.IGNORECASE
)

_WEIGHT_UNIT = r"(?:公斤|千克|斤|kg(?![a-z]))"
# 50kg, 100斤, 一百二十斤, 100多斤, 110-120斤
_WEIGHT_WITH_UNIT = re.compile(
    rf"(?<![\d.])(?P<num>{NUMBER_PATTERN})"
    rf"(?:\s*[-~～到至]\s*(?P<num2>{NUMBER_PATTERN}))?"
    rf"\s*(?:多|来|左右)?\s*(?P<unit>{_WEIGHT_UNIT})(?!装)",  # 5斤装 is a pack size
    re.IGNORECASE,
)
# 体重110, 体重：一百一, 高168 重110, 我重120
_WEIGHT_CUE = r"(?:体重|净重|(?<![\u4e00-\u9fff])重|(?<=[我\d])重)"
_CUED_WEIGHT = re.compile(
    rf"{_WEIGHT_CUE}{_FILLER}(?P<num>{NUMBER_PATTERN})(?![\d.{_CN}])(?!\s*(?:多|来|左右)?\s*{_WEIGHT_UNIT})",
    re.IGNORECASE,
)
# the number after a height in "165/100", "165 100", "160，50", "一米七 一百三"
_PAIRED_WEIGHT = re.compile(
    rf"[\s,，/、]*(?P<num>\d{{2,3}}(?:\.\d)?(?![\d.])|[{_CN}]{{2,}}(?![{_CN}]))"
    rf"(?!\s*(?:多|来|左右)?\s*{_WEIGHT_UNIT})"
)
#: Plausible range of a weight given without a unit right after a height (kg or 斤).
PAIRED_WEIGHT_RANGE = (30, 300)


def _height(text: str, start: int, end: int, value: float, priority: int) -> Mention:
    # Half up, as buyers round (162.5 -> 163); Python's round() would give 162 (half to even).
    return Mention(start, end, "height", text[start:end], int(math.floor(value + 0.5)), priority)


def find_explicit_heights(text: str) -> List[Mention]:
    """Heights given with a unit or a cue: 1米65, 一米六, 1.65m, 165cm, 身高160.

    Args:
        text: the message, already half-width (see ``to_halfwidth``).

    Returns:
        Candidate height mentions (they may overlap one another).
    """
    found: List[Mention] = []
    for match in _METRE_DIGITS.finditer(text):
        metres = parse_number(match["m"])
        rest = match["rest"] or ""
        extra = int("".join(str(parse_number(ch)) for ch in rest)) if rest else 0
        centimetres = metres * 100 + (extra * 10 if len(rest) == 1 else extra)
        found.append(_height(text, match.start(), match.end(), centimetres, PRIORITY_EXPLICIT))
    for match in _METRE_DECIMAL.finditer(text):
        found.append(_height(text, match.start(), match.end(), float(match["num"]) * 100, PRIORITY_EXPLICIT))
    for match in _CENTIMETRES.finditer(text):
        value = parse_number(match["num"])
        if value is None:
            continue
        if preceded_by(text, match.start(), _HEIGHT_CUE_BEFORE):
            pass  # a cue makes it a height whatever the value: the sizing logic judges plausibility
        elif preceded_by(text, match.start(), _GARMENT_MEASURE) or not (
            CM_HEIGHT_RANGE[0] <= value <= CM_HEIGHT_RANGE[1]
        ):
            continue
        found.append(_height(text, match.start(), match.end(), value, PRIORITY_EXPLICIT))
    for match in _CUED_HEIGHT.finditer(text):
        value = parse_number(match["num"])
        if value is None:
            continue
        unit = (match["unit"] or "").strip().lower()
        if value < 3 and unit in ("", "米", "m"):
            value *= 100  # 身高1.65, 身高2米
        elif unit in ("米", "m"):
            continue  # 身高165米: not a reading we can trust
        found.append(_height(text, match.start("num"), match.end(), value, PRIORITY_CUE))
    for match in _HEIGHT_BEFORE_CUE.finditer(text):
        found.append(_height(text, match.start(), match.end(), float(match["num"]), PRIORITY_CUE))
    return found


def find_bare_heights(
    text: str, weights: Iterable[Mention] = (), sizes: Iterable[Mention] = ()
) -> List[Mention]:
    """Bare numbers that read as heights (``我165 100斤``, ``我1.68``), only in a message about fit.

    Args:
        text: the message, already half-width.
        weights: weight mentions found in the message; any makes the message about fit.
        sizes: size mentions found in the message; any makes the message about fit too
            (``拍的L 我175``).

    Returns:
        Candidate height mentions.
    """
    about_fit = bool(list(weights) or list(sizes) or _FIT_CONTEXT.search(text))
    found = []
    for match in _BARE_NUMBER.finditer(text):
        value = float(match["num"])
        if "." in match["num"]:
            value *= 100  # metres: 1.68
        if not BARE_HEIGHT_RANGE[0] <= value <= BARE_HEIGHT_RANGE[1]:
            continue
        if _UNIT_AFTER.match(text, match.end()) or preceded_by(text, match.start(), _NOT_A_HEIGHT_BEFORE, 4):
            continue
        if not (about_fit or _paired_weight(text, match.end())):
            continue  # 155 45 is a height and weight even without 穿/码; 165 alone is not
        found.append(_height(text, match.start(), match.end(), value, PRIORITY_BARE))
    return found


def unitless_weight_kg(value: float, height_cm: Optional[float] = None) -> float:
    """Read a weight given without a unit as kg or 斤.

    Args:
        value: the number as written (体重110 -> 110).
        height_cm: the buyer's height when known, to choose the more plausible unit by BMI.

    Returns:
        The weight in kg.
    """
    if height_cm and 100 <= height_cm <= 230 and value > 0:
        square = (height_cm / 100) ** 2
        as_kg, as_jin = value / square, value / 2 / square
        closer_kg = abs(math.log(as_kg / _TARGET_BMI)) <= abs(math.log(as_jin / _TARGET_BMI))
        return float(value) if closer_kg else value / 2
    return value / 2 if value >= BARE_WEIGHT_JIN_FROM else float(value)


def _weight(text: str, start: int, end: int, kg: float, priority: int) -> Mention:
    return Mention(start, end, "weight", text[start:end], round(float(kg), 2), priority)


def find_explicit_weights(text: str) -> List[Mention]:
    """Weights given with a unit: 50kg, 50公斤, 100斤, 一百二十斤, 110-120斤.

    Args:
        text: the message, already half-width.

    Returns:
        Candidate weight mentions, in kg.
    """
    found = []
    for match in _WEIGHT_WITH_UNIT.finditer(text):
        first = parse_trailing_number(match["num"])
        if first is None:
            continue
        offset, value = first
        if match["num2"]:
            second = parse_number(match["num2"], digit_by_digit=False)
            if second is None:
                continue
            value = (value + second) / 2
        kg = value / 2 if match["unit"] == "斤" else value
        found.append(_weight(text, match.start() + offset, match.end(), kg, PRIORITY_EXPLICIT))
    return found


def find_unitless_weights(text: str, heights: Iterable[Mention] = ()) -> List[Mention]:
    """Weights without a unit: after a cue (体重110) or right after a height (165/100, 165 100).

    Args:
        text: the message, already half-width.
        heights: height mentions found in the message; the first one guides kg vs 斤.

    Returns:
        Candidate weight mentions, in kg.
    """
    heights = sorted(heights, key=lambda m: m.start)
    height_cm = float(heights[0].value) if heights else None
    found = []
    for match in _CUED_WEIGHT.finditer(text):
        parsed = parse_trailing_number(match["num"])
        if parsed is None:
            continue
        offset, value = parsed
        kg = unitless_weight_kg(value, height_cm)
        found.append(_weight(text, match.start("num") + offset, match.end(), kg, PRIORITY_CUE))
    for height in heights:
        match = _paired_weight(text, height.end)
        if match is not None:
            value = parse_number(match["num"], digit_by_digit=False)
            kg = unitless_weight_kg(value, float(height.value))
            found.append(_weight(text, match.start("num"), match.end("num"), kg, PRIORITY_CONTEXT))
    return found


def _paired_weight(text: str, position: int) -> Optional["re.Match[str]"]:
    """The unit-less weight right after a height ending at ``position`` (165/100), if any."""
    match = _PAIRED_WEIGHT.match(text, position)
    if match is None or _UNIT_AFTER.match(text, match.end()):
        return None
    value = parse_number(match["num"], digit_by_digit=False)
    if value is None or not PAIRED_WEIGHT_RANGE[0] <= value <= PAIRED_WEIGHT_RANGE[1]:
        return None
    return match


# -- the buyer's waist ----------------------------------------------------------------------------

#: One 市尺 is a third of a metre; one 寸 a tenth of it. Buyers give waists as 二尺四 (80 cm) or 2尺2.
CM_PER_CHI = 100 / 3
_CN_ONE_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "零": 0}
_DIGIT = r"\d|[一二两三四五六七八九零]"
_WAIST_CHI = re.compile(rf"(?P<chi>{_DIGIT})\s*尺\s*(?P<cun>{_DIGIT})?\s*(?:寸)?(?:半)?")
_WAIST_CM = re.compile(r"腰围?\s*(?:是|有)?\s*(?P<cm>\d{2,3}(?:\.\d)?)\s*(?:cm|厘米|公分|CM)?(?![\d斤kg码号元块])")
#: A waist around 50-130 cm; anything else is not a body's waist.
WAIST_RANGE_CM = (50.0, 130.0)


def waist_cm(text: str) -> Optional[float]:
    """The buyer's own waist in cm: ``腰围二尺四`` / ``2尺2的腰`` (市尺) or ``腰围80cm``; None when not given.

    A 尺 figure counts only next to 腰 (二尺四的腰, 腰围2尺2); a bare cm figure only right after 腰/腰围.
    """
    message = text or ""
    if "腰" not in message:
        return None
    match = _WAIST_CHI.search(message)
    if match is not None:
        chi = _digit(match["chi"])
        cun = _digit(match["cun"]) if match["cun"] else 0
        value = (chi + cun / 10) * CM_PER_CHI
    else:
        match = _WAIST_CM.search(message)
        if match is None:
            return None
        value = float(match["cm"])
    value = round(value, 1)
    return value if WAIST_RANGE_CM[0] <= value <= WAIST_RANGE_CM[1] else None


def _digit(text: str) -> int:
    return int(text) if text.isdigit() else _CN_ONE_DIGIT[text]
