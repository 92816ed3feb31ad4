"""The ticket for a chat handed to a person, built from the Rasa tracker's events.

The summary is for an agent who has not read the chat: who, what they asked in order, what the bot
already knows, the buyer's own words, and why a person is needed. The transcript keeps the bot's
confidence for each buyer message, so an agent sees where it guessed.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from bot.handoff.ticket import Ticket, TranscriptLine
from bot.handoff.reasons import HandoffReason
from bot.handoff.triggers import angry_words_in, decide_handoff, next_step_text
from bot.shop.fields import yuan
from bot.shop.loading import Shop

#: Intents that say nothing about the buyer's problem: left out of the summary's path.
SMALL_TALK = frozenset({"greet", "goodbye", "thank", "affirm", "deny", "inform", "start_from_product"})
#: Intents whose message is the buyer's complaint, quoted on the ticket.
COMPLAINT_INTENTS = frozenset({"complain_quality", "complain_service", "return_request"})
#: At most this many steps of the path; older ones are dropped (…).
MAX_PATH = 6
#: A quoted message is cut to this many characters.
MAX_QUOTE = 40
#: Slots copied to the ticket's facts.
FACT_SLOTS = (
    "height", "weight", "size", "usual_size", "fit_preference", "color",
    "amount", "region", "courier", "bargain_attempts",
)

# The ticket's own words (agent-facing, not replies to the buyer).
_PATH_JOIN = "→"
_FACT_JOIN = "、"
_FACT_WORDS = {
    "height": "身高{}cm",
    "weight": "体重{}kg",
    "size": "尺码{}",
    "usual_size": "平时穿{}",
    "fit_preference": "喜欢{}",
    "color": "颜色{}",
    "amount": "想便宜{}元",
    "region": "寄{}",
    "courier": "要发{}",
}


def _time(event: Mapping[str, Any], fallback: datetime) -> datetime:
    stamp = event.get("timestamp")
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool):
        return datetime.fromtimestamp(stamp, tz=timezone.utc)
    return fallback


def _number(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return yuan(value)
    return str(value)


def _quote(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"


def _unique(values: Iterable[Optional[str]]) -> List[str]:
    seen: List[str] = []
    for value in values:
        if value and str(value) not in seen:
            seen.append(str(value))
    return seen


#: Message metadata worth keeping on a ticket (bot.message_metadata; buyer_id as older chats sent it).
TICKET_METADATA = ("product", "buyer_id")


class _Chat:
    """What the events say: messages, slots, metadata and entities."""

    def __init__(self, events: Sequence[Mapping[str, Any]], now: datetime):
        self.transcript: List[TranscriptLine] = []
        self.buyer_messages: List[TranscriptLine] = []
        self.slots: Dict[str, Any] = {}
        self.metadata: Dict[str, Any] = {}
        self.entities: Dict[str, List[Any]] = {}
        for event in events or ():
            kind, at = event.get("event"), _time(event, now)
            if kind == "user":
                parse = event.get("parse_data") or {}
                intent = parse.get("intent") or {}
                confidence = intent.get("confidence")
                line = TranscriptLine(
                    at=at,
                    sender="buyer",
                    text=event.get("text") or "",
                    intent=intent.get("name"),
                    confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
                )
                self.transcript.append(line)
                self.buyer_messages.append(line)
                metadata = event.get("metadata") or parse.get("metadata") or {}
                if isinstance(metadata, dict):
                    # What the ticket may show; never the signed identity (a credential, however short-lived).
                    self.metadata.update({k: v for k, v in metadata.items() if v and k in TICKET_METADATA})
                for entity in parse.get("entities") or ():
                    if isinstance(entity, dict) and entity.get("entity"):
                        self.entities.setdefault(entity["entity"], []).append(entity.get("value"))
            elif kind == "bot" and event.get("text"):
                self.transcript.append(TranscriptLine(at=at, sender="bot", text=event["text"]))
            elif kind == "slot" and event.get("name"):
                self.slots[event["name"]] = event.get("value")
            elif kind == "rewind" and self.buyer_messages:
                # The turn was undone (the web service rewinds one the action server could not answer, then
                # sends the message again): the agent sees the message once.
                last = self.buyer_messages.pop()
                while self.transcript and self.transcript.pop() is not last:
                    pass


def _intent_path(shop: Shop, messages: Sequence[TranscriptLine]) -> str:
    words = shop.policy.handoff.intent_words
    intents = [m.intent for m in messages if m.intent]
    telling = [i for i in intents if i not in SMALL_TALK] or intents
    path: List[str] = []
    for intent in telling:
        word = words.get(intent, intent)
        if not path or path[-1] != word:
            path.append(word)
    if len(path) > MAX_PATH:
        path = ["…", *path[-MAX_PATH:]]
    return _PATH_JOIN.join(path)


def _complaint(shop: Shop, messages: Sequence[TranscriptLine]) -> Optional[TranscriptLine]:
    """The buyer's last complaint (angry or a complaint intent), else their last telling message."""
    for message in reversed(messages):
        if message.intent in COMPLAINT_INTENTS or angry_words_in(shop.policy, message.text):
            return message
    for message in reversed(messages):
        if message.intent not in SMALL_TALK and message.text.strip():
            return message
    return None


def build_ticket(
    shop: Shop,
    events: Sequence[Mapping[str, Any]],
    conversation_id: str,
    buyer_id: Optional[str],
    now: datetime,
    reasons: Sequence[HandoffReason],
    ticket_id: Optional[str] = None,
    *,
    order_status: Optional[Mapping[str, str]] = None,
) -> Ticket:
    """The ticket for a chat, from its tracker events.

    Args:
        shop: the shop (policy ``handoff`` section, catalogue for product names).
        events: the tracker's ``events`` (GET /conversations/<id>/tracker), oldest first.
        conversation_id: the Rasa sender id.
        buyer_id: the buyer's id; default: the ``buyer_id`` in the messages' metadata.
        now: the time of hand-off (timezone-aware); also the time of events without a timestamp.
        reasons: why a person should follow up (the ``handoff_reasons`` slot read by reasons.from_slot).
        ticket_id: the id to give; default a fresh random one.
        order_status: order id -> status in words (已发货), when the caller looked the orders up.

    Returns:
        An open ticket. Angry words in any buyer message count as a reason; when no enabled reason
        applies (an agent opened the ticket by hand) it is ``normal`` with the policy's default step.
    """
    chat = _Chat(events, now)
    policy = shop.policy
    buyer = buyer_id or chat.metadata.get("buyer_id")
    angry = _unique(w for m in chat.buyer_messages for w in angry_words_in(policy, m.text))
    found = list(reasons or ()) + ([HandoffReason(key="angry_words")] if angry else [])
    latest = chat.buyer_messages[-1].text if chat.buyer_messages else None
    decision = decide_handoff(policy, found, latest)

    product_id = chat.slots.get("product") or chat.slots.get("page_product") or chat.metadata.get("product")
    product = shop.catalogue.find(str(product_id)) if product_id else None
    # The orders the caller looked up count too: their ids may not be in these events.
    order_ids = _unique([chat.slots.get("order_id"), *chat.entities.get("order_id", []), *(order_status or {})])
    facts: Dict[str, Any] = {name: chat.slots[name] for name in FACT_SLOTS if chat.slots.get(name) is not None}
    if "amount" not in facts and chat.entities.get("amount"):
        facts["amount"] = chat.entities["amount"][-1]
    if angry:
        facts["angry_words"] = angry
    if decision is not None and decision.in_words:
        facts["handoff_reasons"] = list(decision.in_words)  # in the agents' words, never internal keys
    complaint = _complaint(shop, chat.buyer_messages)
    if complaint is not None:
        facts["buyer_words"] = complaint.text

    # Line 1: who, what they looked at, what they asked in order.
    who = f"买家{buyer}" if buyer else "买家（未登录）"
    if product is not None:
        who += f"，看的是{product.name}（{product.id}）"
    elif product_id:
        who += f"，看的是{product_id}"
    path = _intent_path(shop, chat.buyer_messages)
    first = f"{who}：{path}" if path else who
    # Line 2: what the bot knows, and why a person.
    known = [_FACT_WORDS[n].format(_number(facts[n])) for n in _FACT_WORDS if n in facts]
    for order in order_ids:
        status = (order_status or {}).get(order)
        known.append(f"订单{order}" + (f"（{status}）" if status else ""))
    why = "、".join(decision.labels) if decision else "同事手动转人工"
    second = (f"已知：{_FACT_JOIN.join(known)}；" if known else "") + f"转人工：{why}"
    summary = [first, second]
    if complaint is not None:
        summary.append(f"买家原话：“{_quote(complaint.text)}”")

    next_step = decision.next_step if decision else next_step_text(policy, policy.handoff.default_next_step)
    return Ticket(
        id=ticket_id or uuid.uuid4().hex[:12],
        conversation_id=conversation_id,
        buyer_id=buyer,
        product_id=str(product.id if product is not None else product_id) if product_id else None,
        order_ids=order_ids,
        reasons=list(decision.reasons) if decision else [],
        priority=decision.priority if decision else "normal",
        summary=summary,
        facts=facts,
        next_step=next_step,
        status="open",
        created_at=now,
        updated_at=now,
        transcript=chat.transcript,
    )
