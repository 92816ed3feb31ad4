"""The service report's figures for a range of days, computed from the tracker store's buyer messages and the
tickets (what each figure means is in :class:`ServiceReport`)."""

from __future__ import annotations

import bisect
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import numpy as np

from bot.handoff.store import TicketFigures, TicketStore
from bot.report import tracker_events
from bot.report.tracker_events import NOT_UNDERSTOOD, TrackerUnavailable, UserTurn
from bot.shop.schema import Policy
from bot.trainer.logs import normalise, prepare
from bot.workbench.words import reason_words

#: A report spans at most this many days (a quarter): longer ranges belong in a data warehouse.
MAX_DAYS = 92
TOP_INTENTS = 10
TOP_NOT_UNDERSTOOD = 20
#: Tickets nobody held yet are counted under this name in the agents' table.
NOBODY = ""


@dataclass(frozen=True)
class DateRange:
    """Days of the shop's calendar, both ends included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("the last day is before the first 结束日期早于开始日期")
        if (self.last - self.first).days + 1 > MAX_DAYS:
            raise ValueError(f"at most {MAX_DAYS} days in one report 最多{MAX_DAYS}天")

    @property
    def days(self) -> List[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def day_starts(self, policy: Policy) -> List[datetime]:
        """Midnight of each day in the shop's timezone, and of the day after the last (the end), as aware times."""
        tz = policy.tz
        return [datetime.combine(day, datetime.min.time(), tz) for day in [*self.days, self.last + timedelta(days=1)]]


@dataclass(frozen=True)
class Spread:
    """How long something took, in seconds: how many, the median and the 90th percentile (None when none)."""

    n: int
    p50: Optional[float]
    p90: Optional[float]

    @staticmethod
    def of(seconds: Sequence[float]) -> "Spread":
        if not seconds:
            return Spread(0, None, None)
        p50, p90 = np.percentile(np.asarray(seconds, dtype=float), [50, 90])
        return Spread(len(seconds), float(p50), float(p90))


@dataclass(frozen=True)
class DayFigures:
    """One day: conversations (buyers who wrote that day), buyer messages, tickets opened, self-service rate."""

    day: date
    conversations: int
    buyer_messages: int
    handoffs: int
    self_service_rate: Optional[float]


@dataclass(frozen=True)
class AgentFigures:
    """One agent's tickets (those they held last: the resolver of a resolved one), times and ratings."""

    agent: str
    display_name: str
    tickets: int
    resolved: int
    first_response: Spread
    resolution: Spread
    ratings: int
    rating_average: Optional[float]


@dataclass(frozen=True)
class Counted:
    """A thing and how often: a reason key or intent with its words, or a message."""

    key: str
    words: str
    count: int
    share: float


@dataclass
class ServiceReport:
    """The figures of a range of days.

    Attributes:
        conversations: a buyer who wrote on a day is one conversation that day (sender id and shop day).
        buyer_messages: user events in the tracker store.
        self_service_rate: 自助解决率, the share of conversations for which no ticket was opened that day.
        handoffs: tickets opened in the range; ``handoff_reasons`` counts each ticket under each of its reasons.
        fallback_rate: the share of buyer messages the assistant did not understand (``nlu_fallback``).
        ask_back_rate: the share of buyer messages answered by asking back (``action_clarify``).
        first_response: from a ticket's opening to an agent's first reply.
        resolution: from a ticket's opening to its resolving.
        rating_counts: how many ratings of each score 1-5.
        not_understood: the most frequent messages not understood (cleaned and masked as the trainers' import
            does; the same message written differently counts once), for the trainers' inbox.
        tracker_note: why the conversation figures are missing (no tracker store), else None.
    """

    range: DateRange
    timezone: str
    days: List[DayFigures]
    conversations: Optional[int]
    buyer_messages: Optional[int]
    self_service_rate: Optional[float]
    handoffs: int
    handoff_reasons: List[Counted]
    fallbacks: Optional[int]
    fallback_rate: Optional[float]
    ask_backs: Optional[int]
    ask_back_rate: Optional[float]
    first_response: Spread
    resolution: Spread
    agents: List[AgentFigures]
    ratings: int
    rating_average: Optional[float]
    rating_counts: Dict[int, int]
    top_intents: List[Counted]
    not_understood: List[Counted]
    tracker_note: Optional[str] = None
    figures_s: float = 0.0
    generated_at: Optional[datetime] = None
    extra: Dict[str, float] = field(default_factory=dict)


def _share(part: int, whole: Optional[int]) -> Optional[float]:
    return part / whole if whole else None


def _counted(counter: Counter, total: int, words: Dict[str, str], top: int) -> List[Counted]:
    return [Counted(key, words.get(key, key), count, count / total if total else 0.0)
            for key, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def compute_report(
    policy: Policy,
    days: DateRange,
    turns: Optional[Iterable[UserTurn]],
    ask_back_times: Optional[Sequence[float]],
    not_understood: Iterable[str],
    tickets: Iterable[TicketFigures],
    agent_names: Optional[Dict[str, str]] = None,
    tracker_note: Optional[str] = None,
) -> ServiceReport:
    """The figures from the rows read (pure: the readers are in :func:`build_report`).

    Args:
        policy: the shop's timezone, reason labels and intent words.
        days: the range.
        turns: buyer messages in the range; None when the tracker store could not be read.
        ask_back_times: when the assistant asked back; None likewise.
        not_understood: texts of the messages not understood.
        tickets: tickets opened in the range.
        agent_names: display names by sign-in name.
        tracker_note: why ``turns`` is None.
    """
    started = time.perf_counter()
    bounds = [moment.timestamp() for moment in days.day_starts(policy)]
    ndays = len(bounds) - 1

    def day_of(stamp: float) -> int:
        return bisect.bisect_right(bounds, stamp) - 1

    messages_per_day = [0] * ndays
    conversations: Set[Tuple[str, int]] = set()
    intents: Counter = Counter()
    total_messages: Optional[int] = None
    if turns is not None:
        for turn in turns:
            index = day_of(turn.timestamp)
            if 0 <= index < ndays:
                messages_per_day[index] += 1
                conversations.add((turn.sender_id, index))
                intents[turn.intent or NOT_UNDERSTOOD] += 1
        total_messages = sum(messages_per_day)

    tickets = list(tickets)
    handed: Set[Tuple[str, int]] = set()
    handoffs_per_day = [0] * ndays
    reasons: Counter = Counter()
    per_agent: Dict[str, List[TicketFigures]] = defaultdict(list)
    for ticket in tickets:
        index = day_of(ticket.created_at.timestamp())
        if 0 <= index < ndays:
            handoffs_per_day[index] += 1
            handed.add((ticket.conversation_id, index))
        reasons.update(ticket.reasons)
        per_agent[ticket.agent or NOBODY].append(ticket)

    conversations_per_day = [0] * ndays
    handed_per_day = [0] * ndays
    for sender, index in conversations:
        conversations_per_day[index] += 1
        if (sender, index) in handed:
            handed_per_day[index] += 1
    day_rows = [
        DayFigures(day, conversations_per_day[i], messages_per_day[i], handoffs_per_day[i],
                   1 - handed_per_day[i] / conversations_per_day[i] if conversations_per_day[i] else None)
        for i, day in enumerate(days.days)
    ] if turns is not None else [
        DayFigures(day, 0, 0, handoffs_per_day[i], None) for i, day in enumerate(days.days)
    ]

    def seconds(ticket: TicketFigures, at: Optional[datetime]) -> Optional[float]:
        return (at - ticket.created_at).total_seconds() if at is not None else None

    def spreads(group: Sequence[TicketFigures]) -> Tuple[Spread, Spread]:
        first = [s for t in group if (s := seconds(t, t.first_agent_reply_at)) is not None]
        done = [s for t in group if (s := seconds(t, t.resolved_at)) is not None]
        return Spread.of(first), Spread.of(done)

    names = agent_names or {}
    agents = []
    for agent, group in sorted(per_agent.items(), key=lambda kv: (kv[0] == NOBODY, -len(kv[1]), kv[0])):
        first, done = spreads(group)
        scores = [t.rating for t in group if t.rating is not None]
        agents.append(AgentFigures(agent, names.get(agent, agent), len(group),
                                   sum(1 for t in group if t.status == "resolved"), first, done, len(scores),
                                   sum(scores) / len(scores) if scores else None))
    all_first, all_done = spreads(tickets)
    scores = [t.rating for t in tickets if t.rating is not None]

    texts: Counter = Counter()
    example: Dict[str, str] = {}
    for raw in not_understood:
        text = prepare(raw)
        key = normalise(text) if text else ""
        if key:
            texts[key] += 1
            example.setdefault(key, text)
    total_not_understood = sum(texts.values())

    total_conversations = len(conversations) if turns is not None else None
    handed_conversations = sum(handed_per_day)
    fallbacks = intents.get(NOT_UNDERSTOOD, 0) if turns is not None else None
    asked = len(ask_back_times) if ask_back_times is not None else None
    reason_keys = list(reasons)
    labels = dict(zip(reason_keys, reason_words(policy, reason_keys)))
    intent_words = {**policy.handoff.intent_words, NOT_UNDERSTOOD: "没听懂"}
    return ServiceReport(
        range=days,
        timezone=policy.shop.timezone,
        days=day_rows,
        conversations=total_conversations,
        buyer_messages=total_messages,
        self_service_rate=(1 - handed_conversations / total_conversations) if total_conversations else None,
        handoffs=len(tickets),
        handoff_reasons=_counted(reasons, len(tickets), labels, len(reasons)),
        fallbacks=fallbacks,
        fallback_rate=_share(fallbacks or 0, total_messages) if fallbacks is not None else None,
        ask_backs=asked,
        ask_back_rate=_share(asked or 0, total_messages) if asked is not None else None,
        first_response=all_first,
        resolution=all_done,
        agents=agents,
        ratings=len(scores),
        rating_average=sum(scores) / len(scores) if scores else None,
        rating_counts={score: scores.count(score) for score in range(1, 6)},
        top_intents=_counted(intents, total_messages or 0, intent_words, TOP_INTENTS),
        not_understood=_counted(texts, total_not_understood, example, TOP_NOT_UNDERSTOOD),
        tracker_note=tracker_note,
        figures_s=time.perf_counter() - started,
    )


def build_report(policy: Policy, days: DateRange, tickets: TicketStore, tracker_url: Optional[str],
                 agent_names: Optional[Dict[str, str]] = None, now: Optional[datetime] = None) -> ServiceReport:
    """Reads the range from the tracker store and the ticket store and computes the figures.

    Args:
        policy: the shop's policy (timezone, labels).
        days: the range of shop days.
        tickets: the ticket store.
        tracker_url: Rasa's SQL tracker store; None or unreadable: the tickets' figures only, with a note.
        agent_names: display names by sign-in name.
        now: when it is made (shown on the report).
    """
    started = time.perf_counter()
    bounds = days.day_starts(policy)
    start, end = bounds[0], bounds[-1]
    turns: Optional[List[UserTurn]] = None
    asked: Optional[List[float]] = None
    texts: List[str] = []
    note = None
    try:
        engine = tracker_events.open_tracker(tracker_url)
    except TrackerUnavailable as error:
        note = str(error)
    else:
        try:
            turns = list(tracker_events.user_turns(engine, start.timestamp(), end.timestamp()))
            asked = tracker_events.ask_backs(engine, start.timestamp(), end.timestamp())
            texts = list(tracker_events.not_understood_texts(engine, start.timestamp(), end.timestamp()))
        finally:
            engine.dispose()
    read_s = time.perf_counter() - started
    report = compute_report(policy, days, turns, asked, texts, tickets.figures(start, end), agent_names, note)
    report.figures_s = time.perf_counter() - started
    report.extra["tracker_read_s"] = read_s
    report.generated_at = now
    return report
