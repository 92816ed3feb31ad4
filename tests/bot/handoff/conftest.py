"""Fixtures for the hand-off tests: the real shop, chats built as tracker events, a ticket store per database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from bot.handoff.store import TicketStore
from tests.bot.orders.conftest import empty_store, postgres_url  # noqa: F401  (postgres_url: a fixture)
from tests.moments import STORE_NOW

NOW = STORE_NOW


def chat(*turns: Tuple, buyer: Optional[str] = "tb_buyer01", page: Optional[str] = None) -> List[Dict[str, Any]]:
    """Tracker events from turns, one minute apart before NOW.

    A turn is ``("buyer", text, intent, confidence, {entity: value})``, ``("bot", text)`` or
    ``("slot", name, value)``.
    """
    start = (NOW - timedelta(minutes=len(turns))).timestamp()
    events: List[Dict[str, Any]] = []
    for i, turn in enumerate(turns):
        stamp = start + 60 * i
        if turn[0] == "buyer":
            _, text, intent, confidence, *rest = turn
            entities = rest[0] if rest else {}
            metadata = {k: v for k, v in (("buyer_id", buyer), ("product", page)) if v}
            events.append({
                "event": "user", "timestamp": stamp, "text": text, "metadata": metadata,
                "parse_data": {
                    "text": text,
                    "intent": {"name": intent, "confidence": confidence},
                    "entities": [{"entity": k, "value": v} for k, v in entities.items()],
                },
            })
        elif turn[0] == "bot":
            events.append({"event": "bot", "timestamp": stamp, "text": turn[1]})
        else:
            events.append({"event": "slot", "timestamp": stamp, "name": turn[1], "value": turn[2]})
    return events


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> Iterator[TicketStore]:
    """An empty ticket store with its schema, on each database."""
    store = empty_store(TicketStore, request, tmp_path)
    yield store
    store.close()
