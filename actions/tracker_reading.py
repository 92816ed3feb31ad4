"""The one reader of the tracker for the actions: the latest message's entities, slots with a fallback, who
the buyer is, how many turns, what went wrong with the message, and the hand-off reasons so far."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from bot.handoff.reasons import HandoffReason, as_slot, from_slot
from bot.identity import buyer_from_metadata

#: The secret the web service signs buyer identities with (bot.stack gives it to both at each start).
IDENTITY_ENV = "XIAODIAN_IDENTITY_SECRET"
#: Parse-data key set by bot.nlu.message_guard.MessageGuard.
INPUT_PROBLEMS = "input_problems"
REASONS_SLOT = "handoff_reasons"


def latest_entities(tracker: Tracker, entity: Text) -> List[Any]:
    """The normalised values of an entity in the buyer's latest message, in order of mention, each once."""
    values = [item.get("value") for item in tracker.latest_message.get("entities", []) or []
              if item.get("entity") == entity]
    return list(dict.fromkeys(values))


def latest_entity(tracker: Tracker, entity: Text) -> Optional[Any]:
    """The first value of an entity in the buyer's latest message, or None."""
    values = latest_entities(tracker, entity)
    return values[0] if values else None


def entity_or_slot(tracker: Tracker, name: Text) -> Optional[Any]:
    """The entity from the latest message, else what the buyer said earlier (the slot of that name)."""
    value = latest_entity(tracker, name)
    return value if value is not None else tracker.get_slot(name)


def input_problems(tracker: Tracker) -> List[Text]:
    """What MessageGuard found wrong with the latest message (empty, html, too_long, no_words)."""
    return list(tracker.latest_message.get(INPUT_PROBLEMS) or [])


def latest_text(tracker: Tracker) -> Text:
    return tracker.latest_message.get("text") or ""


def latest_intent(tracker: Tracker) -> Optional[Text]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def buyer_id(tracker: Tracker) -> Optional[Text]:
    """The buyer the web service vouches for in the latest message (a signed ``metadata.identity``, see
    bot.identity), else None: an anonymous buyer, who has no orders. A ``buyer_id`` someone simply wrote
    into the metadata counts for nothing."""
    secret = os.environ.get(IDENTITY_ENV)
    if not secret:
        return None
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            metadata = event.get("metadata") or (event.get("parse_data") or {}).get("metadata") or {}
            return buyer_from_metadata(secret, metadata)
    return None


def user_turns(tracker: Tracker) -> int:
    """How many messages the buyer has sent in this conversation."""
    return sum(1 for event in tracker.events or [] if event.get("event") == "user")


def handoff_reasons(tracker: Tracker, events: Sequence[Dict[Text, Any]] = ()) -> List[HandoffReason]:
    """The reasons for a person recorded so far, as this turn's ``events`` leave the slot."""
    value = tracker.get_slot(REASONS_SLOT)
    for event in events:
        if event.get("event") == "slot" and event.get("name") == REASONS_SLOT:
            value = event.get("value")
    return from_slot(value)


def add_handoff_reason(tracker: Tracker, reason: HandoffReason) -> EventType:
    """An event adding a reason for a person to follow up (kept once, in order)."""
    reasons = handoff_reasons(tracker)
    if reason not in reasons:
        reasons.append(reason)
    return SlotSet(REASONS_SLOT, as_slot(reasons))
