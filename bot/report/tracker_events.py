"""Reading Rasa's SQL tracker store (its ``events`` table) for the report, on SQLite or PostgreSQL.

The table is Rasa 3.6's ``SQLTrackerStore.SQLEvent``: one row per event with ``sender_id``, ``type_name``
(user, bot, action, slot...), ``timestamp`` (seconds since the epoch), ``intent_name`` (a user event's intent),
``action_name`` (an action's name, or a slot's) and ``data`` (the event as JSON). Only the columns a figure needs
are read, in a few range queries; the ``data`` JSON only for messages the assistant did not understand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, inspect, select
from sqlalchemy.engine import Engine, make_url

from bot.sql_store import engine_for

metadata = MetaData()
#: Rasa's table, as its SQLTrackerStore creates it (tests check the two agree by writing through Rasa).
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

#: The intent Rasa gives a message it did not understand (under the fallback threshold).
NOT_UNDERSTOOD = "nlu_fallback"
#: The action that asks the buyer what they meant (actions/clarify.py).
ASK_BACK_ACTION = "action_clarify"


class TrackerUnavailable(Exception):
    """The tracker store cannot be read (not configured, no such file, no events table yet)."""


@dataclass(frozen=True)
class UserTurn:
    """One buyer message: who (the conversation's sender id), when (epoch seconds), understood as which intent."""

    sender_id: str
    timestamp: float
    intent: Optional[str]


def open_tracker(url: Optional[str]) -> Engine:
    """An engine on the tracker store, read-only for a SQLite file, that must already hold Rasa's table.

    Raises:
        TrackerUnavailable: no URL, a SQLite file that does not exist, or no ``events`` table.
    """
    if not url:
        raise TrackerUnavailable("no tracker store configured (XIAODIAN_TRACKER_URL / --tracker-url)")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if not path.is_file():
            raise TrackerUnavailable(f"no tracker store at {path}")
        # Read-only: the report never writes, and never creates an empty file where Rasa keeps its own.
        engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", future=True)
    else:
        engine = engine_for(url)
    try:
        if not inspect(engine).has_table("events"):
            raise TrackerUnavailable("the tracker store has no events table yet (no conversation so far)")
    except TrackerUnavailable:
        engine.dispose()
        raise
    return engine


def _in_range(start: float, end: float):
    return (events.c.timestamp >= start) & (events.c.timestamp < end)


def user_turns(engine: Engine, start: float, end: float) -> Iterator[UserTurn]:
    """Buyer messages with ``start <= timestamp < end``, in no particular order."""
    query = (select(events.c.sender_id, events.c.timestamp, events.c.intent_name)
             .where(events.c.type_name == "user", _in_range(start, end)))
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True, yield_per=10_000).execute(query)
        for sender_id, timestamp, intent in result:
            yield UserTurn(sender_id, timestamp, intent)


def ask_backs(engine: Engine, start: float, end: float) -> List[float]:
    """The times the assistant asked a buyer what they meant (``action_clarify`` ran)."""
    query = (select(events.c.timestamp)
             .where(events.c.type_name == "action", events.c.action_name == ASK_BACK_ACTION, _in_range(start, end)))
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(query)]


def not_understood_texts(engine: Engine, start: float, end: float) -> Iterator[str]:
    """What buyers wrote in the messages the assistant did not understand."""
    query = (select(events.c.data)
             .where(events.c.type_name == "user", events.c.intent_name == NOT_UNDERSTOOD, _in_range(start, end))
             .order_by(events.c.id))
    with engine.connect() as connection:
        for (data,) in connection.execution_options(stream_results=True, yield_per=5_000).execute(query):
            try:
                text = (json.loads(data or "{}") or {}).get("text")
            except ValueError:
                continue
            if isinstance(text, str) and text.strip():
                yield text
