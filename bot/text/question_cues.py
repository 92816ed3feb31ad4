"""What exactly a message asks, read from its words: the cues of data/lexicon/questions.yml, the quantities
(两件, 三包, 各一件), the shape of a follow-up (那新疆呢 / 两件呢 / 要是五点以后呢), the day an order was
placed (昨天买的, 上周那件) and a later moment to pay (五点以后).

Pure functions over one message; which answer they lead to is bot.shop.questions' business. The cue words
live in the lexicon file so they can grow with what real buyers write, without a code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple, Union

from bot.text.lexicon import fold, longest_matches, read_lexicon_file
from bot.text.numerals import CN_DIGIT_CHARS, parse_number, to_halfwidth

DEFAULT_QUESTIONS_FILE = Path(__file__).resolve().parents[2] / "data" / "lexicon" / "questions.yml"


class QuestionLexiconError(ValueError):
    """The questions lexicon is missing or malformed."""


@dataclass(frozen=True)
class QuestionLexicon:
    """Cue name -> the words that ask it, and the words that only stop a shorter cue word."""

    cues: Dict[str, Tuple[str, ...]]
    blockers: Tuple[str, ...] = ()
    #: What two products are compared on: (word, attribute, more wins), longest word first.
    compared: Tuple[Tuple[str, str, bool], ...] = ()
    #: Return conditions said not met: (buyer word, the condition's word in the policy).
    conditions: Tuple[Tuple[str, str], ...] = ()

    def find(self, text: str) -> FrozenSet[str]:
        """The cues a message holds: every cue word found, longest first, none inside a longer one found."""
        # Between words of one length, a blocker first (怎么还 stops 怎么 in 怎么还不发货).
        words = [(w, "") for w in self.blockers]
        words += [(word, name) for name, group in self.cues.items() for word in group]
        return frozenset(name for _, name in longest_matches(text, words) if name)


def load_question_lexicon(path: Optional[Path] = None) -> QuestionLexicon:
    """Reads data/lexicon/questions.yml (``cues: {name: [words]}``, ``not_cues: [words]``).

    Raises:
        QuestionLexiconError: the file is missing, not YAML, or not of that shape.
    """
    path = Path(path) if path else DEFAULT_QUESTIONS_FILE
    data = read_lexicon_file(path, "cues", "{name: [words]}", QuestionLexiconError)
    cues: Dict[str, Tuple[str, ...]] = {}
    for name, words in data["cues"].items():
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise QuestionLexiconError(f"{path}: cues.{name}: expected a list of words")
        cues[str(name)] = tuple(w.strip() for w in words)
    blockers = data.get("not_cues") or []
    if not isinstance(blockers, list) or not all(isinstance(w, str) and w.strip() for w in blockers):
        raise QuestionLexiconError(f"{path}: not_cues must be a list of words")
    return QuestionLexicon(cues, tuple(w.strip() for w in blockers), _compared_words(data, path),
                           _condition_words(data, path))


@lru_cache(maxsize=4)
def question_lexicon(path: Optional[Path] = None) -> QuestionLexicon:
    """The lexicon, read once per path."""
    return load_question_lexicon(path)


def question_cues(text: str, lexicon: Optional[QuestionLexicon] = None) -> FrozenSet[str]:
    """The cue names of a message (``price_total``, ``coupon_stack``, ``how_to``...)."""
    return (lexicon or question_lexicon()).find(text)


# -- quantities -------------------------------------------------------------------------------------

#: Classifiers buyers count garments with.
COUNT_WORDS = "件条包双套个款只盒"
_COUNT = re.compile(rf"(?P<num>\d{{1,2}}|[{CN_DIGIT_CHARS}十俩]{{1,2}})\s*(?P<unit>[{COUNT_WORDS}])")
# "each": 各一件 / 各要一件 / 每样一件 / 一人一件
_EACH = re.compile(rf"(?:各(?:要|拍|买|来|拿)?|每(?:样|种|个颜色|色)|一人)\s*(?P<num>\d|[{CN_DIGIT_CHARS}])\s*[{COUNT_WORDS}]")
# Not a count of garments: 包邮 is postage, 五双装 a pack, 两件套 a set, 一个人 / 一个订单 / 一个颜色 other things.
_NOT_COUNT_AFTER = re.compile(r"邮|装|套|事|码|号|人|订单|单|颜色|色|问题|月|星期|礼拜|小时|钟")
_PEOPLE = re.compile(rf"(?P<num>\d|[{CN_DIGIT_CHARS}俩])\s*个?\s*人|我们俩|我俩|情侣|一对")


@dataclass(frozen=True)
class Quantity:
    """How many of something a message asks about: 两件 -> 2, 各一件 -> 1 each."""

    count: int
    each: bool = False
    start: int = 0


def quantities(text: str) -> List[Quantity]:
    """The quantities a buyer names, in order: ``买两件`` -> [2], ``卫衣加一件T恤`` -> [1], ``各要一件`` -> [1 each].

    ``这件``/``那条`` are not counted (no number), nor ``包邮`` or ``五双装`` (a pack, not a count).
    """
    message = to_halfwidth(text or "")
    found: List[Quantity] = []
    each_spans = []
    for match in _EACH.finditer(message):
        value = _count_value(match["num"])
        if value:
            found.append(Quantity(value, each=True, start=match.start()))
            each_spans.append((match.start(), match.end()))
    for match in _COUNT.finditer(message):
        if any(s <= match.start() < e for s, e in each_spans):
            continue
        if _NOT_COUNT_AFTER.match(message, match.end()):
            continue
        value = _count_value(match["num"])
        if value:
            found.append(Quantity(value, start=match.start()))
    return sorted(found, key=lambda q: q.start)


def _count_value(numeral: str) -> Optional[int]:
    value = 2 if numeral == "俩" else parse_number(numeral, digit_by_digit=False)
    if value is None or not 0 < value <= 99 or int(value) != value:
        return None
    return int(value)


# -- the shape of a follow-up ---------------------------------------------------------------------

_TRAILING = re.compile(r"[\s,，.。!！?？~～、…]+$")
_FOLLOW_UP_END = re.compile(r"(?:呢|呐|嘞|的话|咧)(?:[啊呀哦吖])?$")
_FOLLOW_UP_START = re.compile(r"^(?:那|那么|那要是|要是|如果|假如|换成|改成|那如果)")
#: A follow-up names one thing; past this length a message is a question of its own.
FOLLOW_UP_MAX_CHARS = 16


def is_follow_up(text: str) -> bool:
    """Whether a message is elliptical, leaning on the question before: 那新疆呢, 两件呢, 要是我五点以后才付款呢,
    浅蓝条纹呢, 一件的话."""
    message = _TRAILING.sub("", to_halfwidth(text or "").strip())
    if not message or len(message) > FOLLOW_UP_MAX_CHARS:
        return False
    return bool(_FOLLOW_UP_END.search(message)) or (
        bool(_FOLLOW_UP_START.search(message)) and len(message) <= 8
    )


# -- days and moments -----------------------------------------------------------------------------

#: Words for the day an order was placed, as days back from today: (first, last) days ago, both included.
_ORDER_DAYS: Sequence[Tuple[re.Pattern, Tuple[int, int]]] = (
    (re.compile(r"大前天"), (3, 3)),
    (re.compile(r"前天|前两天"), (2, 2)),
    (re.compile(r"昨天|昨晚|昨日"), (1, 1)),
    (re.compile(r"今天|刚才|刚刚|刚拍|刚买|刚下单|今早|上午拍|下午拍"), (0, 0)),
    (re.compile(r"这周|这礼拜|这星期|本周"), (0, 6)),
    (re.compile(r"上周|上礼拜|上星期|上个星期|上个礼拜"), (7, 13)),
    (re.compile(r"上个月|上月"), (14, 62)),
)


def order_days(text: str, today: date) -> Optional[Tuple[date, date]]:
    """The days an order placed "昨天 / 前天 / 上周" may have been placed on, (earliest, latest), or None.

    ``这周`` runs from this week's Monday to today, ``上周`` over last week (Monday to Sunday).
    """
    message = text or ""
    for pattern, (low, high) in _ORDER_DAYS:
        if not pattern.search(message):
            continue
        if pattern.pattern.startswith("这周"):
            return today - timedelta(days=today.weekday()), today
        if pattern.pattern.startswith("上周"):
            monday = today - timedelta(days=today.weekday() + 7)
            return monday, monday + timedelta(days=6)
        return today - timedelta(days=high), today - timedelta(days=low)
    return None


_HOUR = re.compile(
    rf"(?P<part>早上|上午|中午|下午|晚上|傍晚|半夜)?\s*(?P<num>\d{{1,2}}|[{CN_DIGIT_CHARS}十]{{1,3}})"
    rf"\s*(?:点|:00|：00)(?P<half>半)?"
)
_DAYS_AHEAD = ((re.compile(r"大后天"), 3), (re.compile(r"后天"), 2), (re.compile(r"明天|明早|明晚|明儿"), 1))
_WEEKDAY_NUMBER = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
#: 周六 / 星期六 / 礼拜天 / 这周五 / 下周一 / 周末 (its Saturday); 周一到周五 names no one day.
_WEEKDAY = re.compile(r"(?P<next>下个?)?(?:这个?|本)?(?:周|星期|礼拜)(?P<day>[一二三四五六日天末])")
_WEEKDAY_RANGE = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天]\s*[到至~～-]\s*(?:周|星期|礼拜)?[一二三四五六日天]")


def _named_day(message: str, today: date) -> date:
    """The day a message names for later (明天, 后天, 周六, 下周一), or today when it names none.

    A weekday is the next one from today (today itself when it is that day); ``下周`` moves it into next week.
    """
    for pattern, days in _DAYS_AHEAD:
        if pattern.search(message):
            return today + timedelta(days=days)
    match = None if _WEEKDAY_RANGE.search(message) else _WEEKDAY.search(message)
    if match is None:
        return today
    if match["next"]:
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday + timedelta(days=_WEEKDAY_NUMBER[match["day"]])
    return today + timedelta(days=(_WEEKDAY_NUMBER[match["day"]] - today.weekday()) % 7)


#: The buyer orders now (今天下单, 现在拍): a day named after it is when the parcel should arrive, not when they pay.
_ORDERS_NOW = re.compile(r"(?:今天|现在|马上|这会|刚刚?)\s*(?:就)?\s*(?:下单|拍|付款?|买)")
#: A day followed by arriving (明天能到吗, 周六能收到吗): the arrival asked about, not a later moment to pay.
_ARRIVAL_DAY = re.compile(r"(?:明天|后天|周.|星期.|礼拜.)\s*(?:就)?\s*(?:能|可以|会)?\s*(?:收到|送到|到货|到吗|到不|到么|到$)")


def later_moment(text: str, now: datetime) -> Union[datetime, date, None]:
    """The moment a buyer says they would pay instead of now: ``五点以后`` -> today 17:00 (when it is past
    5 a.m.), ``明天上午10点`` -> tomorrow 10:00, ``晚上`` -> today 20:00; a day with no time of day
    (``周六下单``, ``后天拍``) -> that day, as a date; None when the message names none.

    A bare hour of 1-11 that has already passed today is read as the afternoon or evening (buyers say 五点 for
    17:00 in the afternoon).
    """
    message = to_halfwidth(text or "")
    if _ORDERS_NOW.search(message) or _ARRIVAL_DAY.search(message):
        return None
    day = _named_day(message, now.date())
    match = _HOUR.search(message)
    if match is None:
        if "晚上" in message or "半夜" in message:
            hour, minute = 20 if "晚上" in message else 23, 0
        elif day != now.date():
            return day
        else:
            return None
    else:
        value = parse_number(match["num"], digit_by_digit=False)
        if value is None or not 0 <= value <= 24:
            return None
        hour, minute = int(value), 30 if match["half"] else 0
        part = match["part"] or ""
        if part in ("下午", "晚上", "傍晚") and hour < 12:
            hour += 12
        elif not part and day == now.date() and hour < 12 and hour < now.hour:
            hour += 12
        hour %= 24
    return datetime.combine(day, time(hour, minute), tzinfo=now.tzinfo)


def moment_from_iso(text: str) -> Union[datetime, date]:
    """A later moment as kept on a question (``later_moment(...).isoformat()``): a datetime, or a whole day."""
    return date.fromisoformat(text) if len(text) == len("YYYY-MM-DD") else datetime.fromisoformat(text)


def people_count(text: str) -> Optional[int]:
    """How many people a buyer buys for: ``两个人各一件`` -> 2, ``情侣`` / ``我们俩`` -> 2; None when not said."""
    match = _PEOPLE.search(to_halfwidth(text or ""))
    if match is None:
        return None
    if match.group("num"):
        value = _count_value(match["num"])
        return value if value and value > 1 else None
    return 2


# -- comparisons ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparedOn:
    """What two products are compared on: an attribute key, the buyer's word, and whether more or less wins."""

    key: str
    word: str
    more: bool


def _compared_words(data: dict, path: Path) -> Tuple[Tuple[str, str, bool], ...]:
    section = data.get("compared_on") or {}
    if not isinstance(section, dict):
        raise QuestionLexiconError(f"{path}: compared_on must map attributes to {{more: [...], less: [...]}}")
    words = []
    for key, sides in section.items():
        if not isinstance(sides, dict) or set(sides) - {"more", "less"}:
            raise QuestionLexiconError(f"{path}: compared_on.{key}: expected more: [words] and less: [words]")
        for side, group in sides.items():
            if not isinstance(group, list) or not all(isinstance(w, str) and w.strip() for w in group):
                raise QuestionLexiconError(f"{path}: compared_on.{key}.{side}: expected a list of words")
            words += [(w.strip(), str(key), side == "more") for w in group]
    return tuple(sorted(words, key=lambda item: -len(item[0])))


def compared_on(text: str, path: Optional[Path] = None) -> Optional[ComparedOn]:
    """What a comparison asks about (哪个更暖和 -> warmth, more), the longest word found; None when none is."""
    message = fold(text)
    for word, key, more in question_lexicon(path).compared:
        if fold(word) in message:
            return ComparedOn(key, word, more)
    return None


def _condition_words(data: dict, path: Path) -> Tuple[Tuple[str, str], ...]:
    section = data.get("return_conditions") or {}
    if not isinstance(section, dict):
        raise QuestionLexiconError(f"{path}: return_conditions must map a condition's word to [buyer words]")
    pairs = []
    for key, words in section.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise QuestionLexiconError(f"{path}: return_conditions.{key}: expected a list of words")
        pairs += [(w.strip(), str(key)) for w in words]
    return tuple(pairs)


def unmet_conditions(text: str, conditions: Sequence[str], path: Optional[Path] = None) -> List[str]:
    """The return conditions (as the policy writes them) a buyer says are not met: 穿过一次 -> 未穿着."""
    # 吊牌也剪了 / 已经洗过了: the little words between do not change what is said.
    message = re.sub(r"[也都还]|已经", "", fold(text))
    keys = [key for word, key in question_lexicon(path).conditions if fold(word) in message]
    return [condition for condition in conditions if any(key in condition for key in keys)]


# -- body details ---------------------------------------------------------------------------------

#: A body part and what makes it "big", with degree words between (大腿也有点粗, 肩膀比较宽, 屁股特别大).
_BODY = re.compile(
    r"(?P<part>屁股|臀部|臀围|臀|胯部|胯|盆骨|大腿|腿|肩膀|肩|肚子|腰围|腰)"
    r"(?:也|都|还|就)?(?:是)?(?:比较|有点儿?|有些|特别|很|挺|太|超|偏|稍微|蛮|相对)?(?P<size>粗|大|宽|肥|胖|壮|厚|多肉|肉多)"
)
_BODY_PARTS = {
    "屁股": "broad_hips", "臀部": "broad_hips", "臀围": "broad_hips", "臀": "broad_hips", "胯部": "broad_hips",
    "胯": "broad_hips", "盆骨": "broad_hips", "大腿": "thick_thighs", "腿": "thick_thighs",
    "肩膀": "broad_shoulders", "肩": "broad_shoulders", "肚子": "big_belly", "腰围": "big_belly", "腰": "big_belly",
}
#: The body-detail cues of the lexicon, in the order they are reported.
BODY_DETAILS = ("broad_hips", "thick_thighs", "broad_shoulders", "big_belly")


def body_details(text: str, cues: Optional[FrozenSet[str]] = None) -> List[str]:
    """Body details a buyer gives for size advice (屁股比较大 -> broad_hips, 大腿也有点粗 -> thick_thighs), in order
    of mention: the lexicon's words, and a body part followed by a word of size with degree words between."""
    message = to_halfwidth(text or "")
    found: List[Tuple[int, str]] = []
    for match in _BODY.finditer(message):
        found.append((match.start(), _BODY_PARTS[match["part"]]))
    cues = question_cues(text) if cues is None else cues
    ordered = [detail for _, detail in sorted(found)]
    ordered += [detail for detail in BODY_DETAILS if detail in cues and detail not in ordered]
    return list(dict.fromkeys(ordered))
