"""Issue 15's conversation suite: reading the YAML conversations, judging a reply against a turn's facts,
and scoring a run. Pure logic, no running assistant: tests/assistant/test_conversation_suite.py drives it.

The format is described in tests/conversations/README.md; the pydantic models below are its one definition.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Literal, Optional, Sequence, Tuple, Union

import yaml
from pydantic import BaseModel, Extra, Field, root_validator, validator

SUITE_DIR = Path(__file__).resolve().parent

#: What a turn exercises (issue 15's headings), so failures can be counted by kind.
KINDS = ("answer", "calculation", "context", "comparison", "presales_vs_order", "exchange", "gap", "ordinary")
#: Demo orders a conversation may name in ``{order:KEY}`` / ``{tail:KEY}`` (the keys of bot/orders/seed.py).
DEMO_ORDER_KEYS = ("unpaid", "paid", "packed", "shipped", "late", "signed-3", "signed-10", "refund")
PLACEHOLDER = re.compile(r"\{(order|tail):([a-z0-9-]+)\}")

Fact = Union[str, List[str]]


# ------------------------------------------------------------------ the format
def _check_expected(text: str) -> None:
    """Raises ValueError for an empty expectation or a ``re:`` pattern that does not compile."""
    body = text.split(":", 1)[1] if text.startswith(("re:", "size:", "advise:")) else text
    if not normalise(body):
        raise ValueError("an expected text must not be empty")
    if text.startswith("re:"):
        try:
            re.compile(body)
        except re.error as error:
            raise ValueError(f"{text!r}: not a regular expression ({error})") from None


class _Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        allow_mutation = False


class Click(_Strict):
    """A button the buyer clicks: ``payload`` given = exactly that button; else the offered button whose
    title contains ``title`` (as a buyer picks what they read)."""

    title: str
    payload: Optional[str] = None


class Turn(_Strict):
    """One buyer turn and the facts a right answer must hold."""

    say: Optional[str] = None
    click: Optional[Union[str, Click]] = None
    page: Optional[str] = None
    must: List[Fact] = Field(default_factory=list)
    must_not: List[str] = Field(default_factory=list)
    #: false unless said: a person taking over where the data answers is a wrong answer; null = either.
    handed_off: Optional[bool] = False
    max_lines: Optional[int] = None
    max_chars: Optional[int] = None
    may_repeat: bool = False
    kind: Literal[KINDS] = "answer"  # type: ignore[valid-type]
    why: Optional[str] = None

    @root_validator(skip_on_failure=True)
    def _one_message(cls, values):
        if (values.get("say") is None) == (values.get("click") is None):
            raise ValueError("a turn has exactly one of `say` (typed text) or `click` (a button)")
        if isinstance(values.get("click"), str):
            values["click"] = Click(title=values["click"])
        if not values.get("must") and not values.get("must_not") and not values.get("handed_off"):
            raise ValueError("a turn needs a fact it must (or must not) contain, or `handed_off: true`")
        return values

    @validator("must", each_item=True)
    def _facts_are_valid(cls, fact):
        options = [fact] if isinstance(fact, str) else fact
        if not options:
            raise ValueError("an expected fact needs at least one alternative")
        for option in options:
            _check_expected(option)
        return fact

    @validator("must_not", each_item=True)
    def _forbidden_is_valid(cls, text):
        _check_expected(text)
        return text

    @property
    def text(self) -> str:
        """What the buyer sends: typed text, or the clicked button's title (as the widget shows it)."""
        return self.say if self.say is not None else self.click.title  # type: ignore[union-attr]

    def expected_texts(self) -> List[str]:
        """Every text of ``must`` (each alternative) and ``must_not``."""
        facts = [o for fact in self.must for o in ([fact] if isinstance(fact, str) else fact)]
        return facts + list(self.must_not)


class Conversation(_Strict):
    """A chat from one buyer, on one shop page (until a turn moves to another page)."""

    name: str
    page: Optional[str]
    buyer: Literal["new", "demo"] = "new"
    turns: List[Turn]
    topic: str = ""

    @validator("name")
    def _name_is_an_identifier(cls, name):
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise ValueError(f"name {name!r}: lower-case letters, digits and _ only")
        return name

    @validator("turns")
    def _turns(cls, turns):
        if not turns:
            raise ValueError("a conversation has at least one turn")
        for index, turn in enumerate(turns[:-1]):
            if turn.handed_off:
                raise ValueError(
                    f"turn {index + 1} expects a hand-off but is not the last: after a hand-off the shop "
                    "page routes the buyer's messages to a person, not to the assistant"
                )
        return turns

    @root_validator(skip_on_failure=True)
    def _placeholders_need_the_demo_orders(cls, values):
        for turn in values["turns"]:
            payload = turn.click.payload if turn.click is not None else None
            texts = [turn.text, payload or "", *turn.expected_texts()]
            for kind, key in (m.groups() for t in texts for m in PLACEHOLDER.finditer(t)):
                if values.get("buyer") != "demo":
                    raise ValueError(f"{{{kind}:{key}}} names a demo order: it needs `buyer: demo`")
                if key not in DEMO_ORDER_KEYS:
                    raise ValueError(f"{{{kind}:{key}}}: no such demo order ({', '.join(DEMO_ORDER_KEYS)})")
        return values

    def pages(self) -> List[Optional[str]]:
        """The product page the buyer is on at each turn."""
        pages, page = [], self.page
        for turn in self.turns:
            page = turn.page or page
            pages.append(page)
        return pages


class SuiteFile(_Strict):
    conversations: List[Conversation]


def load_suite(directory: Path = SUITE_DIR) -> List[Conversation]:
    """Every conversation of ``directory/*.yml``, its topic being the file's name.

    Raises:
        ValueError: a file that does not follow the format (naming the file and the field), or a name used
            twice.
    """
    conversations: List[Conversation] = []
    for path in sorted(directory.glob("*.yml")):
        try:
            parsed = SuiteFile.parse_obj(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, ValueError) as error:
            raise ValueError(f"{path.name}: {error}") from None
        conversations += [c.copy(update={"topic": path.stem}) for c in parsed.conversations]
    seen: Dict[str, str] = {}
    for conversation in conversations:
        if conversation.name in seen:
            where = f"{seen[conversation.name]} and {conversation.topic}"
            raise ValueError(f"conversation {conversation.name!r} is in {where}")
        seen[conversation.name] = conversation.topic
    return conversations


# ------------------------------------------------------------------ judging one reply
def normalise(text: str) -> str:
    """Text as compared: full-width forms folded to half-width (NFKC), case folded, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def found(expected: str, shown: str) -> bool:
    """Whether one expected text is in ``shown`` (already normalised).

    ``size:XL`` is that size as a word (L is not found inside XL, XL not inside 2XL). ``advise:XL`` is that
    size recommended (建议拍XL, 选XL就好, XL码合适...), not merely named (在M码和XL码之间, 喜欢宽松选XL码，...).
    ``re:PATTERN`` is a regular expression searched in the normalised text (lower case, half-width, no
    whitespace). Anything else is a substring, normalised like the reply; a number at either end is a whole
    number there ("56" is not found in "156", "428" not in "4280").
    """
    if expected.startswith("size:"):
        size = re.escape(normalise(expected[len("size:"):]))
        return re.search(rf"(?<![a-z0-9]){size}(?![a-z0-9])", shown) is not None
    if expected.startswith("advise:"):
        return re.search(_advice_pattern(normalise(expected[len("advise:"):])), shown) is not None
    if expected.startswith("re:"):
        return re.search(expected[len("re:"):], shown) is not None
    text = normalise(expected)
    before = r"(?<!\d)" if text[0].isdigit() else ""
    after = r"(?!\d)" if text[-1].isdigit() else ""
    return re.search(before + re.escape(text) + after, shown) is not None


def _advice_pattern(size: str) -> str:
    """A size recommended: after 建议/推荐, after a verb with a closing word, or before 合适/就好..."""
    word = rf"(?<![a-z0-9]){re.escape(size)}(?![a-z0-9])"
    closing = r"(码|号)?(就好|就行|就可以|就够|更合适|比较合适|合适|刚好|正好|吧|哦|呢|啦|～|~|。|!|$)"
    return "|".join([
        rf"(建议|推荐)(您|亲)?(还是)?(拍|选|穿|买|要)?{word}",
        rf"(拍|选|穿|买|要|还是){word}{closing}",
        rf"{word}(码|号)?(就好|就行|就可以|就够|更合适|比较合适|合适|刚好|正好)",
    ])


def fill(text: str, order_ids: Dict[str, str]) -> str:
    """``{order:KEY}`` -> that demo order's number, ``{tail:KEY}`` -> its last four digits."""

    def one(match: re.Match) -> str:
        number = order_ids[match.group(2)]
        return number if match.group(1) == "order" else number[-4:]

    return PLACEHOLDER.sub(one, text)


@dataclass(frozen=True)
class Reply:
    """What the buyer saw after one message: the text lines, the buttons, and whether a person took over."""

    texts: Tuple[str, ...]
    buttons: Tuple[Tuple[str, str], ...] = ()  # (title, payload)
    handed_off: bool = False

    @property
    def shown(self) -> str:
        """Everything the buyer reads: the texts, then the button titles."""
        return "\n".join([*self.texts, *(title for title, _ in self.buttons)])

    def lines(self) -> List[str]:
        return [line for text in self.texts for line in text.splitlines() if line.strip()]


def judge(turn: Turn, reply: Reply, previous: Optional[Tuple[str, Reply]] = None,
          order_ids: Optional[Dict[str, str]] = None) -> List[str]:
    """What is wrong with ``reply`` as an answer to ``turn``; empty when it is right.

    Args:
        turn: the buyer's turn and its expectations.
        reply: what the assistant answered.
        previous: the buyer's text and the reply of the turn before, to catch the same reply sent to two
            different questions.
        order_ids: the demo orders' numbers by key, for ``{order:KEY}`` / ``{tail:KEY}``.

    Returns:
        One line per problem: ``missing: ...``, ``must_not: ...``, ``handed_off: ...``, ``too long: ...``,
        ``said twice: ...``, ``repeated: ...`` or ``no reply``.
    """
    ids = order_ids or {}
    shown = normalise(reply.shown)
    problems: List[str] = []
    if not reply.texts and not reply.buttons:
        problems.append("no reply")
    for fact in turn.must:
        options = [fact] if isinstance(fact, str) else fact
        if not any(found(fill(option, ids), shown) for option in options):
            problems.append("missing: " + " | ".join(fill(option, ids) for option in options))
    for forbidden in turn.must_not:
        if found(fill(forbidden, ids), shown):
            problems.append(f"must_not: {fill(forbidden, ids)}")
    if turn.handed_off is not None and reply.handed_off != turn.handed_off:
        problems.append("handed_off: " + ("handed to a person, should not be" if reply.handed_off
                                          else "should be handed to a person, was not"))
    lines = reply.lines()
    if turn.max_lines is not None and len(lines) > turn.max_lines:
        problems.append(f"too long: {len(lines)} lines (max {turn.max_lines})")
    length = len(normalise("".join(reply.texts)))
    if turn.max_chars is not None and length > turn.max_chars:
        problems.append(f"too long: {length} characters (max {turn.max_chars})")
    said = [normalise(t) for t in reply.texts]
    if len(set(said)) < len(said):
        problems.append("said twice: one message of the reply is sent twice")
    if previous is not None and not turn.may_repeat and reply.texts:
        before_text, before = previous
        if normalise(before_text) != normalise(turn.text) and [normalise(t) for t in before.texts] == [
            normalise(t) for t in reply.texts
        ]:
            problems.append("repeated: the same reply as to the previous, different question")
    return problems


def failure_modes(problems: Iterable[str]) -> List[str]:
    """The kinds of problem (``missing``, ``must_not``, ...) in a turn's problem lines, without duplicates."""
    modes: List[str] = []
    for problem in problems:
        mode = problem.split(":", 1)[0]
        if mode not in modes:
            modes.append(mode)
    return modes


# ------------------------------------------------------------------ scoring a run
@dataclass
class TurnResult:
    conversation: str
    topic: str
    index: int
    kind: str
    buyer: str
    page: Optional[str]
    reply: Reply
    problems: List[str]
    clicked: Optional[str] = None  # the payload sent for a click, or None when typed
    note: str = ""  # e.g. "no such button offered: typed the title instead"

    @property
    def right(self) -> bool:
        return not self.problems


@dataclass
class RunResult:
    turns: List[TurnResult] = field(default_factory=list)

    def conversations(self) -> Dict[str, List[TurnResult]]:
        grouped: Dict[str, List[TurnResult]] = {}
        for turn in self.turns:
            grouped.setdefault(turn.conversation, []).append(turn)
        return grouped

    @property
    def turns_right(self) -> int:
        return sum(turn.right for turn in self.turns)

    @property
    def conversations_right(self) -> int:
        return sum(all(t.right for t in turns) for turns in self.conversations().values())

    @property
    def turn_rate(self) -> float:
        return self.turns_right / len(self.turns) if self.turns else 0.0

    def counts(self, key) -> Dict[str, Tuple[int, int]]:
        """(right, total) turns per value of ``key(turn)``."""
        table: Dict[str, List[int]] = {}
        for turn in self.turns:
            row = table.setdefault(key(turn), [0, 0])
            row[0] += turn.right
            row[1] += 1
        return {name: (row[0], row[1]) for name, row in sorted(table.items())}

    def mode_counts(self) -> Dict[str, int]:
        """Failed turns per kind of problem (a turn with two kinds counts under both)."""
        table: Dict[str, int] = {}
        for turn in self.turns:
            for mode in failure_modes(turn.problems):
                table[mode] = table.get(mode, 0) + 1
        return dict(sorted(table.items(), key=lambda kv: -kv[1]))

    def summary_lines(self) -> List[str]:
        conversations = self.conversations()
        lines = [
            f"turns right: {self.turns_right} / {len(self.turns)} ({self.turn_rate:.1%})",
            f"conversations fully right: {self.conversations_right} / {len(conversations)}",
            "by topic (turns right/total): " + ", ".join(
                f"{name} {right}/{total}" for name, (right, total) in self.counts(lambda t: t.topic).items()),
            "by kind (turns right/total): " + ", ".join(
                f"{name} {right}/{total}" for name, (right, total) in self.counts(lambda t: t.kind).items()),
            "failed turns by problem: " + ", ".join(f"{mode} {n}" for mode, n in self.mode_counts().items()),
        ]
        return lines

    def failure_lines(self) -> List[str]:
        lines: List[str] = []
        for turn in self.turns:
            if turn.right:
                continue
            reply = turn.reply.shown.replace("\n", " / ") or "(nothing)"
            lines.append(f"[{turn.topic}/{turn.conversation} #{turn.index + 1} {turn.kind}] 买家: {turn.buyer}")
            lines.append(f"    小店: {reply}{'  [handed off]' if turn.reply.handed_off else ''}")
            if turn.note:
                lines.append(f"    note: {turn.note}")
            lines += [f"    - {problem}" for problem in turn.problems]
        return lines

    def to_json(self) -> dict:
        conversations = self.conversations()
        return {
            "turns": len(self.turns),
            "turns_right": self.turns_right,
            "turn_rate": round(self.turn_rate, 4),
            "conversations": len(conversations),
            "conversations_right": self.conversations_right,
            "by_topic": {k: {"right": r, "total": t} for k, (r, t) in self.counts(lambda t: t.topic).items()},
            "by_kind": {k: {"right": r, "total": t} for k, (r, t) in self.counts(lambda t: t.kind).items()},
            "failed_by_problem": self.mode_counts(),
            "transcripts": [
                {
                    "name": name,
                    "topic": turns[0].topic,
                    "right": all(t.right for t in turns),
                    "turns": [
                        {
                            "buyer": t.buyer, "page": t.page, "kind": t.kind, "clicked": t.clicked,
                            "replies": list(t.reply.texts), "buttons": [b[0] for b in t.reply.buttons],
                            "handed_off": t.reply.handed_off, "right": t.right, "problems": t.problems,
                            **({"note": t.note} if t.note else {}),
                        }
                        for t in turns
                    ],
                }
                for name, turns in conversations.items()
            ],
        }


def transcript(turns: Sequence[TurnResult]) -> str:
    """A conversation as the buyer saw it, one line per message (for the issue's before/after note)."""
    lines: List[str] = []
    for turn in turns:
        lines.append(f"买家> {turn.buyer}")
        for text in turn.reply.texts or ("(nothing)",):
            for n, line in enumerate(text.splitlines() or [""]):
                lines.append(("小店> " if n == 0 else "      ") + line)
        if turn.reply.buttons:
            lines.append("      [" + "] [".join(title for title, _ in turn.reply.buttons) + "]")
        if turn.reply.handed_off:
            lines.append("      (handed off to a person)")
    return "\n".join(lines)
