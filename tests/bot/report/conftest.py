"""Fixtures for the service report: a database per backend (SQLite, and the throwaway PostgreSQL when installed)
holding both Rasa's events table and the tickets, and a hand-made data set whose figures are known."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Iterator, Optional
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete

from bot.handoff.store import TicketStore
from bot.handoff.ticket import Rating, Ticket, TranscriptLine
from bot.report.synthetic import tracker_engine
from bot.report.tracker_events import events, metadata
from bot.shop import Shop, load_shop
from tests.bot.orders.conftest import empty_store, postgres_url  # noqa: F401  (postgres_url: a fixture)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    """A moment of November 2026, shop time."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def shop() -> Shop:
    return load_shop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Iterator[str]:
    """A URL with an empty ticket store and an empty events table, on each database."""
    store = empty_store(TicketStore, request, tmp_path)
    url = store.url
    store.close()
    engine = tracker_engine(url)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(delete(events))
    engine.dispose()
    yield url


def add_events(url: str, rows) -> None:
    engine = tracker_engine(url)
    with engine.begin() as connection:
        connection.execute(events.insert(), rows)
    engine.dispose()


def user(sender: str, when: datetime, intent: str, text: str = "…") -> dict:
    stamp = when.timestamp()
    data = {"event": "user", "timestamp": stamp, "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}
    return {"sender_id": sender, "type_name": "user", "timestamp": stamp, "intent_name": intent, "action_name": None,
            "data": json.dumps(data, ensure_ascii=False)}


def action(sender: str, when: datetime, name: str) -> dict:
    stamp = when.timestamp()
    return {"sender_id": sender, "type_name": "action", "timestamp": stamp, "intent_name": None, "action_name": name,
            "data": json.dumps({"event": "action", "name": name, "timestamp": stamp})}


def bot(sender: str, when: datetime) -> dict:
    stamp = when.timestamp()
    return {"sender_id": sender, "type_name": "bot", "timestamp": stamp, "intent_name": None, "action_name": None,
            "data": json.dumps({"event": "bot", "text": "好的", "timestamp": stamp})}


def ticket(store: TicketStore, ticket_id: str, conversation: str, created: datetime, reasons, agent: Optional[str],
           first_reply_s: Optional[float] = None, resolved_s: Optional[float] = None, score: Optional[int] = None) -> None:
    store.create(Ticket(id=ticket_id, conversation_id=conversation, buyer_id=conversation, reasons=reasons,
                        priority="normal", created_at=created, updated_at=created,
                        transcript=[TranscriptLine(at=created, sender="buyer", text="转人工")]))
    if agent:
        store.claim(ticket_id, agent, at=created + timedelta(seconds=5))
    if first_reply_s is not None:
        store.add_line(ticket_id, TranscriptLine(at=created + timedelta(seconds=first_reply_s), sender="agent",
                                                 text="您好", agent=agent))
        store.add_line(ticket_id, TranscriptLine(at=created + timedelta(seconds=first_reply_s + 40), sender="agent",
                                                 text="还有别的吗", agent=agent))
    if resolved_s is not None:
        store.resolve(ticket_id, agent, "已处理", created + timedelta(seconds=resolved_s))
    if score is not None:
        store.rate(ticket_id, Rating(score=score, at=created + timedelta(seconds=(resolved_s or 0) + 60)))


@pytest.fixture
def known_month(database) -> str:
    """Two days, 2026-11-02 and -03, with figures worked out by hand (test_figures.py says which)."""
    add_events(database, [
        # Outside the range, either side.
        user("buyer-e", at(1, 23, 59, 59), "ask_size"),
        user("buyer-e", at(4, 0, 0, 0), "ask_size"),
        # Day 1: A asks three things (one not understood), B two and asks for a person, C one not understood.
        action("buyer-a", at(2, 9, 59), "action_session_start"),
        user("buyer-a", at(2, 10, 0), "greet"), bot("buyer-a", at(2, 10, 0, 1)),
        user("buyer-a", at(2, 10, 1), "ask_size"),
        user("buyer-a", at(2, 10, 2), "nlu_fallback", "那个那个"), action("buyer-a", at(2, 10, 2, 1), "action_clarify"),
        user("buyer-b", at(2, 11, 0), "track_order"), user("buyer-b", at(2, 11, 5), "request_human"),
        user("buyer-c", at(2, 23, 59, 30), "nlu_fallback", "那个  那个！"),
        action("buyer-c", at(2, 23, 59, 31), "action_clarify"),
        # Day 2: A again after midnight (a new conversation), bargaining; D once.
        user("buyer-a", at(3, 0, 0, 10), "bargain"), user("buyer-a", at(3, 0, 1), "bargain"),
        user("buyer-d", at(3, 9, 0), "ask_shipping_fee"),
    ])
    store = TicketStore(database)
    ticket(store, "t1", "buyer-b", at(2, 11, 5, 30), ["request_human"], "alice", 60, 600, 5)
    ticket(store, "t2", "buyer-a", at(3, 0, 2), ["bargain_insists", "angry_words"], "alice", 180, 1200, 3)
    # Opened while the assistant was away: no conversation of its own in the tracker store that day.
    ticket(store, "t3", "buyer-x", at(3, 10, 0), ["late_parcel"], "bob", 30)
    ticket(store, "t0", "buyer-e", at(1, 23, 0), ["request_human"], "bob", 10, 20, 1)  # the day before
    store.close()
    return database
