"""Builds trackers and runs actions the way the action server does, against the demo shop's data."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import shop_context
from actions import stores
from actions.tracker_reading import IDENTITY_ENV
from bot.identity import METADATA_KEY, sign_identity
from tests.moments import FIXED_NOW

#: The identity secret the web service would share with the action server.
IDENTITY_SECRET = "test-identity-secret-0123456789-abcdef"


def signed(buyer: str) -> Dict[str, Any]:
    """Message metadata as the web service sends it: the buyer's signed identity."""
    return {METADATA_KEY: sign_identity(IDENTITY_SECRET, buyer)}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch, tmp_path):
    monkeypatch.setenv(shop_context.NOW_ENV, FIXED_NOW)
    monkeypatch.setenv(IDENTITY_ENV, IDENTITY_SECRET)
    monkeypatch.delenv(shop_context.SHOP_DIR_ENV, raising=False)
    # An empty order store per test, never the repository's var/orders.sqlite (test_orders seeds its own).
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty-orders.sqlite'}")
    stores.reset()


def make_tracker(
    intent: str,
    text: str = "",
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    intent_ranking: Optional[List[Dict[str, Any]]] = None,
    input_problems: Optional[List[str]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
) -> Tracker:
    """A tracker whose latest message has the given intent, entities and parse data."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "intent_ranking": intent_ranking or [{"name": intent, "confidence": 0.9}],
    }
    if input_problems is not None:
        latest["input_problems"] = input_problems
    if metadata is not None:
        latest["metadata"] = metadata
    user_event = {"event": "user", "text": text, "parse_data": latest}
    return Tracker(
        sender_id="buyer-test",
        slots={"handoff_reasons": [], "bargain_attempts": 0.0, **(slots or {})},
        latest_message=latest,
        events=[*(events or []), user_event],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def entity(name: str, value: Any, start: Optional[int] = None) -> Dict[str, Any]:
    found = {"entity": name, "value": value, "extractor": "ShopEntityExtractor"}
    if start is not None:
        found["start"] = start
    return found


def run(action, tracker: Tracker):
    """Runs an action; returns (messages sent, events returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


@pytest.fixture
def conversation():
    return shop_context.current().conversation
