"""A synthetic month of a busy shop, for timing the service report: buyers' conversations in Rasa's tracker-store
table and the tickets of those handed to a person, with agents' replies, transfers, resolutions and ratings.

``python -m bot.report.synthetic --tracker-url sqlite:///var/synthetic/tracker.db \\
    --tickets-url sqlite:///var/synthetic/shop.sqlite`` (200,000 buyer messages and 5,000 tickets by default;
PostgreSQL URLs without the password, which libpq reads from ``PGPASSWORD``).

Every message is made up here from a fixed seed (no real buyer's words): what matters is the volume and the
shape (busy evenings, a Double-11 peak, one message in twenty not understood, agents of different speeds).
:class:`Totals` says what was written, so a test can check the report counts the same.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

from sqlalchemy import create_engine, delete
from sqlalchemy.engine import Engine, make_url

from bot.handoff.store import TicketStore
from bot.handoff.ticket import Assignment, Rating, Ticket, TranscriptLine, highest_priority
from bot.sql_store import engine_for
from bot.report.tracker_events import ASK_BACK_ACTION, NOT_UNDERSTOOD, events, metadata
from bot.shop.loading import Shop, load_shop

#: (sign-in name, display name, how fast they answer: a multiplier of the usual time, how buyers rate them).
AGENTS = (("xiaomei", "小美", 0.8, 4.6), ("ajie", "阿杰", 1.0, 4.4), ("lina", "丽娜", 1.3, 4.2),
          ("dawei", "大伟", 0.9, 4.5), ("tingting", "婷婷", 1.6, 3.9), ("laozhou", "老周", 1.1, 4.3))
#: How often each intent is asked (relative), and one made-up message for it.
INTENTS: Dict[str, Tuple[float, str]] = {
    "greet": (9, "在吗"), "ask_size": (14, "我身高一米六体重一百斤穿哪个码"), "ask_shipping_time": (12, "今天拍什么时候发"),
    "track_order": (11, "我的快递到哪里了"), "ask_product": (8, "这个面料会不会起球"), "ask_shipping_fee": (7, "新疆包邮吗"),
    "ask_stock": (6, "黑色M还有吗"), "bargain": (5, "能再便宜点吗"), "ask_promotion": (5, "现在有什么优惠"),
    "ask_return_policy": (5, "可以七天无理由吗"), "return_request": (3, "我要退货"), "thank": (5, "好的谢谢"),
    "goodbye": (2, "拜拜"), "complain_quality": (1.5, "衣服开线了"), "request_human": (1.5, "转人工"),
    "modify_order": (1.5, "地址写错了能改吗"), "cancel_order": (1, "拍错了帮我取消"), "ask_payment": (2, "可以用花呗吗"),
    "ask_invoice": (1.5, "能开发票吗"), "ask_courier": (2, "能发顺丰吗"), "affirm": (2, "对的"), "inform": (3, "170 65公斤"),
    NOT_UNDERSTOOD: (5, ""),
}
#: Messages the assistant does not understand (made up): a few often, most rarely, as in real logs.
UNCLEAR = ("那个那个", "看看这个呢", "咋整啊", "嗯嗯那然后呢", "你们这个怎么弄", "有吗有吗", "啊这", "是这样吗亲",
           "哈哈哈哈", "喂喂喂", "那个链接呢", "asdfgh", "好的那个呢", "然后咧", "我看一下哈", "这个跟那个一样吗",
           "这款那款", "说话呀", "在不在嘛", "怎么说呢")
#: Why tickets are opened (relative), by the policy's reason keys.
REASONS = {"late_parcel": 20, "complain_quality": 18, "request_human": 15, "bargain_over_limit": 10,
           "bargain_insists": 8, "order_change_refused": 8, "refund": 7, "not_understood_twice": 6, "angry_words": 3,
           "complain_service": 2, "unknown_fact": 2, "size_unknown": 1}
#: Buyers by hour of the day (relative): quiet at night, busy at lunch and in the evening.
HOURS = (1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1.2, 2.2, 3.2, 3.8, 3.6, 3.0, 3.0, 3.2, 3.1, 2.9, 2.7, 2.8, 3.4, 4.2,
         4.8, 4.4, 2.6)
#: Days busier than usual (relative): the run-up to and the day of Double 11.
PEAKS = {(11, 10): 1.8, (11, 11): 3.0, (11, 12): 1.4}
BATCH = 20_000


@dataclass(frozen=True)
class MonthSpec:
    """What to generate: from ``first``, ``days`` days; ``buyer_messages`` messages; ``tickets`` tickets."""

    first: date = date(2026, 11, 1)
    days: int = 30
    buyer_messages: int = 200_000
    tickets: int = 5_000
    seed: int = 16


@dataclass
class Totals:
    """What was written, to check the report against.

    Attributes:
        conversations: distinct (buyer, shop day) with at least one message.
        ratings, rating_sum: over the tickets.
        per_reason: tickets by reason key (a ticket with two reasons counts under both).
    """

    buyer_messages: int = 0
    conversations: int = 0
    events: int = 0
    fallbacks: int = 0
    ask_backs: int = 0
    tickets: int = 0
    resolved: int = 0
    ratings: int = 0
    rating_sum: int = 0
    per_reason: Dict[str, int] = field(default_factory=dict)
    per_day_messages: Dict[date, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class _Conversation:
    sender: str
    day: date
    times: List[float]
    intents: List[str]


def _weighted(rng: random.Random, weights: Dict, k: int = 1) -> List:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] if not isinstance(weights[key], tuple) else weights[key][0]
                                      for key in keys], k=k)


def _conversations(spec: MonthSpec, shop: Shop, rng: random.Random) -> Iterator[_Conversation]:
    """Conversations until the month holds ``buyer_messages`` messages (the last one cut short)."""
    tz = shop.policy.tz
    days = [spec.first + timedelta(days=n) for n in range(spec.days)]
    day_weights = [PEAKS.get((d.month, d.day), 1.2 if d.weekday() >= 5 else 1.0) for d in days]
    returning: List[str] = []
    left = spec.buyer_messages
    while left > 0:
        day = rng.choices(days, weights=day_weights)[0]
        hour = rng.choices(range(24), weights=HOURS)[0]
        start = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=tz)
        count = min(left, 1 + int(rng.expovariate(1 / 3.5)))
        times, at = [], start.timestamp()
        for _ in range(count):
            times.append(at)
            at += rng.uniform(15, 120)
        # A message after midnight belongs to the next day's figures: keep a conversation inside its day.
        end_of_day = datetime(day.year, day.month, day.day, tzinfo=tz).timestamp() + 86_399
        times = [min(t, end_of_day) for t in times]
        if returning and rng.random() < 0.2:
            sender = rng.choice(returning)
        else:
            sender = f"b-{rng.getrandbits(128):032x}"
            if len(returning) < 5_000:
                returning.append(sender)
        intents = _weighted(rng, INTENTS, count)
        left -= count
        yield _Conversation(sender, day, times, intents)


def _event_rows(conversation: _Conversation, rng: random.Random, unclear_weights: Sequence[float]) -> Iterator[dict]:
    def row(kind: str, at: float, data: dict, intent: Optional[str] = None, action: Optional[str] = None) -> dict:
        return {"sender_id": conversation.sender, "type_name": kind, "timestamp": at, "intent_name": intent,
                "action_name": action, "data": json.dumps({"event": kind, "timestamp": at, **data}, ensure_ascii=False)}

    first = conversation.times[0] - 1
    yield row("action", first, {"name": "action_session_start"}, action="action_session_start")
    yield row("session_started", first, {})
    yield row("action", first, {"name": "action_listen"}, action="action_listen")
    for at, intent in zip(conversation.times, conversation.intents):
        text = rng.choices(UNCLEAR, weights=unclear_weights)[0] if intent == NOT_UNDERSTOOD else INTENTS[intent][1]
        confidence = round(rng.uniform(0.1, 0.34), 3) if intent == NOT_UNDERSTOOD else round(rng.uniform(0.5, 0.99), 3)
        yield row("user", at, {"text": text, "parse_data": {"text": text, "intent": {"name": intent,
                                                                                    "confidence": confidence}}},
                  intent=intent)
        action = ASK_BACK_ACTION if intent == NOT_UNDERSTOOD else f"action_answer_{intent}"
        yield row("action", at + 0.05, {"name": action}, action=action)
        yield row("bot", at + 0.06, {"text": "（回复）"})
        yield row("action", at + 0.07, {"name": "action_listen"}, action="action_listen")


def _lognormal(rng: random.Random, median: float, sigma: float, low: float, high: float) -> float:
    return min(high, max(low, median * math.exp(rng.gauss(0, sigma))))


def _ticket(shop: Shop, conversation: _Conversation, number: int, end: float, rng: random.Random) -> Ticket:
    policy = shop.policy
    reasons = list(dict.fromkeys(_weighted(rng, REASONS, 2 if rng.random() < 0.1 else 1)))
    priority = highest_priority([policy.handoff.reasons[r].priority for r in reasons])
    day_end = datetime(conversation.day.year, conversation.day.month, conversation.day.day, tzinfo=policy.tz)
    created = min(datetime.fromtimestamp(conversation.times[-1] + 2, policy.tz), day_end + timedelta(seconds=86_399))
    name, display, speed, quality = rng.choices(AGENTS, weights=[1.2, 1, 1, 1.1, 0.8, 0.9])[0]
    first_reply = created + timedelta(seconds=_lognormal(rng, 75 * speed, 0.9, 8, 7200))
    resolved = first_reply + timedelta(seconds=_lognormal(rng, 12 * 60 * speed, 1.0, 60, 6 * 3600))
    transcript = [TranscriptLine(at=created, sender="buyer", text=INTENTS[conversation.intents[-1]][1] or UNCLEAR[0])]
    history: List[Assignment] = [Assignment(at=created + (first_reply - created) * 0.6, kind="claimed", by=name, to=name)]
    holder = name
    if resolved.timestamp() > end:  # the month ends before this one is done: still in the queue, or being handled
        if first_reply.timestamp() > end:
            return Ticket(id=f"s{number:07d}", conversation_id=conversation.sender, buyer_id=conversation.sender,
                          reasons=reasons, priority=priority, summary=["（模拟工单）"], created_at=created,
                          updated_at=created, transcript=transcript)
        transcript.append(TranscriptLine(at=first_reply, sender="agent", text="亲，我来帮您处理", agent=name))
        return Ticket(id=f"s{number:07d}", conversation_id=conversation.sender, buyer_id=conversation.sender,
                      reasons=reasons, priority=priority, summary=["（模拟工单）"], status="claimed", claimed_by=name,
                      created_at=created, updated_at=first_reply, transcript=transcript, history=history)
    transcript.append(TranscriptLine(at=first_reply, sender="agent", text="亲，我来帮您处理", agent=name))
    if rng.random() < 0.05:  # handed to a colleague half-way
        other = rng.choice([a for a in AGENTS if a[0] != name])
        middle = first_reply + (resolved - first_reply) / 2
        history.append(Assignment(at=middle, kind="transferred", by=name, to=other[0], note="请帮忙跟进"))
        holder, quality = other[0], other[3]
    history.append(Assignment(at=resolved, kind="resolved", by=holder))
    rating = None
    if rng.random() < 0.55:
        score = max(1, min(5, round(rng.gauss(quality, 0.9))))
        rating = Rating(score=score, at=resolved + timedelta(minutes=1))
    return Ticket(id=f"s{number:07d}", conversation_id=conversation.sender, buyer_id=conversation.sender,
                  reasons=reasons, priority=priority, summary=["（模拟工单）"], status="resolved", claimed_by=holder,
                  outcome="已处理", created_at=created, updated_at=resolved, transcript=transcript, history=history,
                  rating=rating)


def tracker_engine(url: str) -> Engine:
    """An engine on the tracker store as Rasa opens it (SQLite without the shop stores' WAL journal)."""
    if make_url(url).get_backend_name() == "sqlite":
        return create_engine(url, future=True)
    return engine_for(url)


def generate(spec: MonthSpec, tracker_url: str, tickets_url: str, shop: Optional[Shop] = None,
             replace: bool = True) -> Totals:
    """Writes the month into the tracker store's ``events`` table and the ticket store.

    Args:
        spec: what to generate.
        tracker_url: the tracker store (its events table is created when missing).
        tickets_url: the ticket store (its tables are created when missing).
        shop: the shop (timezone, reasons' priorities); default: data/shop.
        replace: empty the events table and the tickets first.
    """
    started = time.perf_counter()
    shop = shop or load_shop()
    rng = random.Random(spec.seed)
    totals = Totals()
    unclear_weights = [1 / (rank + 1) for rank in range(len(UNCLEAR))]
    tz = shop.policy.tz
    end = datetime(spec.first.year, spec.first.month, spec.first.day, tzinfo=tz) + timedelta(days=spec.days)

    engine = tracker_engine(tracker_url)
    store = TicketStore(tickets_url)
    try:
        metadata.create_all(engine)
        store.create_schema()
        if replace:
            with engine.begin() as connection:
                connection.execute(delete(events))
            store.drop_schema()
            store.create_schema()
        conversations: List[_Conversation] = []
        seen: Set[Tuple[str, date]] = set()
        batch: List[dict] = []
        with engine.begin() as connection:
            for conversation in _conversations(spec, shop, rng):
                conversations.append(conversation)
                seen.add((conversation.sender, conversation.day))
                totals.buyer_messages += len(conversation.times)
                totals.per_day_messages[conversation.day] = (totals.per_day_messages.get(conversation.day, 0)
                                                             + len(conversation.times))
                fallbacks = conversation.intents.count(NOT_UNDERSTOOD)
                totals.fallbacks += fallbacks
                totals.ask_backs += fallbacks
                batch.extend(_event_rows(conversation, rng, unclear_weights))
                if len(batch) >= BATCH:
                    connection.execute(events.insert(), batch)
                    totals.events += len(batch)
                    batch = []
            if batch:
                connection.execute(events.insert(), batch)
                totals.events += len(batch)
        totals.conversations = len(seen)

        chosen = rng.sample(conversations, min(spec.tickets, len(conversations)))
        chosen.sort(key=lambda c: c.times[-1])
        tickets = [_ticket(shop, conversation, n, end.timestamp(), rng) for n, conversation in enumerate(chosen)]
        for start in range(0, len(tickets), 1_000):
            store.import_tickets(tickets[start:start + 1_000])
        totals.tickets = len(tickets)
        for ticket in tickets:
            totals.resolved += ticket.status == "resolved"
            for reason in ticket.reasons:
                totals.per_reason[reason] = totals.per_reason.get(reason, 0) + 1
            if ticket.rating is not None:
                totals.ratings += 1
                totals.rating_sum += ticket.rating.score
    finally:
        engine.dispose()
        store.close()
    totals.seconds = time.perf_counter() - started
    return totals


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.report.synthetic", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tracker-url", required=True, help="SQLAlchemy URL of the tracker store to fill")
    parser.add_argument("--tickets-url", required=True, help="SQLAlchemy URL of the ticket store to fill")
    parser.add_argument("--month", default="2026-11", help="YYYY-MM (default 2026-11, with Double 11)")
    parser.add_argument("--messages", type=int, default=MonthSpec.buyer_messages)
    parser.add_argument("--tickets", type=int, default=MonthSpec.tickets)
    args = parser.parse_args(argv)
    try:
        first = date.fromisoformat(args.month + "-01")
    except ValueError:
        parser.error(f"--month {args.month!r} is not YYYY-MM")
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    spec = MonthSpec(first=first, days=(following - first).days, buyer_messages=args.messages, tickets=args.tickets)
    for url in (args.tracker_url, args.tickets_url):
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database:
            os.makedirs(os.path.dirname(os.path.abspath(parsed.database)), exist_ok=True, mode=0o700)
    totals = generate(spec, args.tracker_url, args.tickets_url)
    print(f"{spec.first} + {spec.days} days: {totals.buyer_messages} buyer messages in {totals.conversations} "
          f"conversations ({totals.events} tracker events), {totals.tickets} tickets, {totals.ratings} ratings; "
          f"written in {totals.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
