"""The one reader of the tracker for the actions: the latest message's entities, slots with a fallback, who
the buyer is, how many turns, what went wrong with the message, and the hand-off reasons so far."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from bot.handoff.reasons import HandoffReason, as_slot, from_slot
from bot.identity import buyer_from_metadata
from bot.shop.questions import Context, Heard, Question

#: The secret the web service signs buyer identities with (bot.stack gives it to both at each start).
IDENTITY_ENV = "XIAODIAN_IDENTITY_SECRET"
#: Parse-data key set by bot.nlu.message_guard.MessageGuard.
INPUT_PROBLEMS = "input_problems"
REASONS_SLOT = "handoff_reasons"
#: The question answered last (bot.shop.questions.Question as a dict), for the follow-ups that change one thing.
QUESTION_SLOT = "question"
#: Products talked about, most recent first (recommended, compared, asked about): 这两件 means the first two.
DISCUSSED_SLOT = "products_discussed"
DISCUSSED_KEPT = 4
#: Body details the buyer gave for size advice (屁股大, 大腿粗, 肩宽): they hold for the rest of the chat.
BODY_SLOT = "body_notes"


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


def heard(tracker: Tracker) -> Heard:
    """The latest message as bot.shop.questions reads it: words, intent, entities with their positions."""
    entities: Dict[Text, List[Any]] = {}
    for item in tracker.latest_message.get("entities", []) or []:
        name = item.get("entity")
        if name:
            entities.setdefault(name, []).append((item.get("value"), item.get("start")))
    return Heard(text=latest_text(tracker), intent=latest_intent(tracker),
                 entities={name: tuple(values) for name, values in entities.items()})


def previous_question(tracker: Tracker) -> Optional[Question]:
    """The question answered last, when it was read by bot.shop.questions (slot ``question``)."""
    return Question.from_slot(tracker.get_slot(QUESTION_SLOT))


def question_context(tracker: Tracker) -> Context:
    """What the conversation holds for reading the next question: the question before, the product in view,
    the products talked about, the last topic, the buyer's measurements, region, body details, usual size."""
    return Context(
        previous=previous_question(tracker),
        in_view=tracker.get_slot("product"),
        discussed=tuple(tracker.get_slot(DISCUSSED_SLOT) or ()),
        last_topic=tracker.get_slot("last_topic"),
        measured=bool(tracker.get_slot("height") and tracker.get_slot("weight")),
        region=tracker.get_slot("region"),
        body=tuple(tracker.get_slot(BODY_SLOT) or ()),
        usual_size=tracker.get_slot("usual_size"),
    )


def discussed(tracker: Tracker, product_ids: Sequence[Text]) -> EventType:
    """An event putting products first among those talked about (at most DISCUSSED_KEPT, most recent first)."""
    kept = [pid for pid in product_ids if pid]
    for pid in tracker.get_slot(DISCUSSED_SLOT) or ():
        if pid not in kept:
            kept.append(pid)
    return SlotSet(DISCUSSED_SLOT, kept[:DISCUSSED_KEPT])


def latest_bot_texts(tracker: Tracker) -> List[Text]:
    """The texts of the assistant's last reply (the bot events since the buyer's message before the latest)."""
    texts: List[Text] = []
    seen_user = 0
    for event in reversed(tracker.events or []):
        kind = event.get("event")
        if kind == "user":
            seen_user += 1
            if seen_user == 2:
                break
            continue
        if kind == "bot" and seen_user == 1 and event.get("text"):
            texts.append(event["text"])
    return list(reversed(texts))


def replied_since_latest_message(tracker: Tracker) -> bool:
    """Whether an action has already said something to the buyer's latest message."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and (event.get("text") or event.get("data")):
            return True
    return False


def previous_user_text(tracker: Tracker) -> Optional[Text]:
    """What the buyer wrote before the latest message."""
    seen = 0
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            seen += 1
            if seen == 2:
                return event.get("text") or ""
    return None


def slot_before_latest(tracker: Tracker, name: Text) -> Optional[Any]:
    """A slot's value before the latest message (Rasa fills entity slots from it before any action runs)."""
    events = list(tracker.events or [])
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=0)
    value = None
    for event in events[:last_user]:
        if event.get("event") == "slot" and event.get("name") == name:
            value = event.get("value")
    return value
