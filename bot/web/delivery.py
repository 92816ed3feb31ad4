"""Getting a buyer's message to the assistant and its answer back, through outages and crashes.

A message is first kept in the chat log (bot.web.chat_log) under its idempotency key, then sent to
Rasa with the buyer's signed identity. When Rasa or the action server is unreachable:

1. a refused connection is retried briefly (it was never taken, so resending is safe);
2. otherwise the message waits (``queued``), the buyer is told once that it will be answered, and later
   messages of that buyer queue behind it, in order;
3. a background task (``recovery_ctx``) retries the waiting messages; before sending one again it reads
   the buyer's tracker: a message Rasa already answered (it timed out, or the web service died while
   waiting) is not sent twice, its answer is taken from the tracker; one Rasa took but could not answer
   (action server down) is rewound first, so the conversation holds it once;
4. the answers are pushed to the buyer's widget and written to their history;
5. a person takes over only when the buyer asks for one, or their first waiting message has waited
   longer than the policy allows (``handoff.outage_wait_minutes``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, AsyncIterator, Dict, List, Optional, Tuple

from aiohttp import web
from pydantic import ValidationError

from bot.handoff.store import TicketError
from bot.handoff.reasons import HandoffReason
from bot.handoff.summary import build_ticket
from bot.handoff.ticket import REPLY_PAYLOAD_KEY, Ticket, TranscriptLine
from bot.identity import sign_identity
from bot.message_metadata import MessageMetadata
from bot.web import keys
from bot.web.chat_log import ANSWERED, QUEUED, ROUTED, SENDING, Inbound, NewLine
from bot.web.live import notify_consoles, push_to_buyer
from bot.web.rasa_client import RasaUnavailable

log = logging.getLogger(__name__)

UNAVAILABLE_REASON = HandoffReason(key="assistant_unavailable")
#: Pauses between tries of a refused connection: a restart of Rasa takes longer, a blip does not.
CONNECT_RETRIES_S = (0.3, 1.0)
#: Buyers whose waiting messages are delivered at once after an outage (about what Rasa serves in parallel).
RECOVERY_PARALLEL = 8


def reply_json(reply: Dict[str, Any]) -> Dict[str, Any]:
    """A Rasa reply as the widget shows it: text and buttons (title, payload)."""
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in reply.get("buttons") or []
        if isinstance(b, dict)
    ]
    return {"text": str(reply.get("text") or ""), "buttons": buttons}


def shown_replies(raw: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [reply_json(r) for r in raw if isinstance(r, dict) and (r.get("text") or r.get("buttons"))]


def ticket_payloads(raw: List[Dict[str, Any]]) -> List[Any]:
    """The tickets the actions attached to their replies (custom payload ``handoff_ticket``)."""
    return [r["custom"][REPLY_PAYLOAD_KEY] for r in raw
            if isinstance(r, dict) and isinstance(r.get("custom"), dict) and REPLY_PAYLOAD_KEY in r["custom"]]


@dataclass
class Answered:
    """What the assistant said to one message: the lines shown, and the tickets it asked to open."""

    replies: List[Dict[str, Any]]
    tickets: List[Any] = field(default_factory=list)


async def open_tickets(app: web.Application, payloads: List[Any]) -> None:
    """Opens the tickets the assistant asked for (merged into the chat's open one): this service is the one
    writer of tickets. A malformed one is logged and skipped; the buyer's answer is not held up by it."""
    store = app[keys.store_key]
    for payload in payloads:
        try:
            ticket = Ticket.parse_obj(payload)
        except ValidationError as error:
            log.error("the assistant sent a ticket that does not validate; not opened: %s", error)
            continue
        stored = store.create(ticket)
        await notify_consoles(app, stored.id, "created")


@dataclass
class Outcome:
    """What became of a message: the replies shown, or that it waits, or that a person has it.

    Attributes:
        unwritten: the assistant's replies, not yet in the buyer's history: the caller writes them with the
            message's outcome, in one transaction (ChatLog.finish).
    """

    replies: List[Dict[str, Any]]
    state: str
    unwritten: List[NewLine] = field(default_factory=list)


def reply_lines(replies: List[Dict[str, Any]], key: Optional[str]) -> List[NewLine]:
    return [NewLine("bot", r["text"], tuple(r.get("buttons") or ()), message_key=key) for r in replies]


# ------------------------------------------------------------------ what the buyer is told and shown
async def show(app: web.Application, buyer_id: str, sender: str, replies: List[Dict[str, Any]],
               key: Optional[str] = None, push: bool = False, agent: Optional[str] = None) -> None:
    """Writes lines the buyer is shown into their history; ``push`` also sends them to open widgets."""
    chat_log, now = app[keys.chat_log_key], app[keys.clock_key]()
    chat_log.add_lines(buyer_id, now, [NewLine(sender, r["text"], tuple(r.get("buttons") or ()), agent, key)
                                       for r in replies])
    if push and replies:
        kind = "bot" if sender == "bot" else "system"
        await push_to_buyer(app, buyer_id, {"type": kind, "replies": replies, "key": key,
                                            "text": "\n".join(r["text"] for r in replies)})


async def notice(app: web.Application, buyer_id: str, text: str, push: bool = False) -> Dict[str, Any]:
    """A line the service itself says (系统繁忙, 已转人工...), kept in the buyer's history."""
    line = {"text": text, "buttons": []}
    await show(app, buyer_id, "system", [line], push=push)
    return line


def _metadata(app: web.Application, inbound: Inbound) -> Dict[str, Any]:
    identity = sign_identity(app[keys.settings_key].identity_secret, inbound.buyer_id)
    return MessageMetadata(identity, inbound.product, inbound.button).as_dict()


# ------------------------------------------------------------------ sending
async def _send(app: web.Application, inbound: Inbound, retry: bool = True) -> List[Dict[str, Any]]:
    """One message to Rasa, retrying briefly while the connection is refused (nothing was taken then)."""
    rasa = app[keys.rasa_key]
    for pause in (*(CONNECT_RETRIES_S if retry else ()), None):
        try:
            return await rasa.send(inbound.buyer_id, inbound.text, _metadata(app, inbound), message_id=inbound.key)
        except RasaUnavailable as error:
            if error.maybe_handled or pause is None:
                raise
            await asyncio.sleep(pause)
    raise AssertionError("unreachable")


def answered_in_tracker(events: List[Dict[str, Any]], key: str) -> Tuple[bool, Optional[Answered]]:
    """Whether the conversation holds the message ``key`` (rewound ones do not count), and the assistant's
    answer to it (None when Rasa took it but could not answer)."""
    turns: List[Tuple[Optional[str], List[Dict[str, Any]]]] = []  # (message_id, bot events after it)
    for event in events:
        kind = event.get("event")
        if kind == "user":
            turns.append((event.get("message_id"), []))
        elif kind == "bot" and turns:
            data = event.get("data") or {}
            turns[-1][1].append({"text": event.get("text") or "", "buttons": data.get("buttons") or [],
                                 "custom": data.get("custom")})
        elif kind == "rewind" and turns:
            turns.pop()
        elif kind == "restart":
            turns = []
    for message_id, raw in turns:
        if message_id == key:
            replies = shown_replies(raw)
            return True, Answered(replies, ticket_payloads(raw)) if replies else None
    return False, None


async def deliver(app: web.Application, inbound: Inbound, *, retry: bool = True) -> Optional[Answered]:
    """Sends a message and returns the assistant's answer, or None when the assistant could not answer.

    A message Rasa may already have taken (``inbound.unsure``: after a timeout, an error answer, silence or
    a crash) is looked up in the tracker first, so it is never handled twice.

    Args:
        retry: retry briefly while the connection is refused (the first try; recovery rounds are retries).

    Raises:
        RasaUnavailable: Rasa could not be reached or failed.
    """
    rasa = app[keys.rasa_key]
    if inbound.unsure:
        events = (await rasa.tracker(inbound.buyer_id)).get("events") or []
        found, answered = answered_in_tracker(events, inbound.key)
        if answered is not None:
            return answered
        if found:
            # Rasa took it but the actions could not answer: undo that turn, then send it again.
            await rasa.append_event(inbound.buyer_id, {"event": "rewind"})
    raw = await _send(app, inbound, retry)
    replies = shown_replies(raw)
    # Every turn of this assistant says something: silence means its action server is down.
    return Answered(replies, ticket_payloads(raw)) if replies else None


# ------------------------------------------------------------------ a person takes over
async def route_to_ticket(app: web.Application, ticket: Ticket, inbound: Inbound, shown: str) -> Optional[Outcome]:
    """Puts the message on the buyer's open ticket; None when the ticket was resolved a moment ago."""
    store, now = app[keys.store_key], app[keys.clock_key]()
    lines = ticket.transcript
    first = not any(line.sender == "agent" for line in lines) and (not lines or lines[-1].sender != "buyer")
    try:
        store.add_line(ticket.id, TranscriptLine(at=now, sender="buyer", text=shown, intent=None, confidence=None,
                                                 agent=None))
    except TicketError:
        return None
    await notify_consoles(app, ticket.id, "buyer_message")
    replies = [await notice(app, inbound.buyer_id, app[keys.conversation_key].handoff.routed_to_person)] if first else []
    return Outcome(replies, ROUTED)


async def hand_to_person(app: web.Application, buyer_id: str, waiting: List[Inbound], why: str,
                         push: bool) -> Dict[str, Any]:
    """Opens an assistant_unavailable ticket with the buyer's waiting messages; tells the buyer."""
    log.warning("handing %s to a person: %s", buyer_id, why)
    store, now, chat_log = app[keys.store_key], app[keys.clock_key](), app[keys.chat_log_key]
    events = [{"event": "user", "text": m.text, "timestamp": m.received_at.timestamp(),
               "metadata": {"buyer_id": buyer_id, "product": m.product}} for m in waiting]
    ticket = store.open_for_conversation(buyer_id)
    if ticket is None:
        ticket = store.create(build_ticket(app[keys.shop_key], events, buyer_id, buyer_id, now, [UNAVAILABLE_REASON]))
        await notify_consoles(app, ticket.id, "created")
    line = await notice(app, buyer_id, app[keys.conversation_key].handoff.assistant_unavailable, push=push)
    for message in waiting:
        chat_log.set_state(message.id, ROUTED, now, response={"replies": [line], "handed_off": True})
    return line


def asks_for_person(app: web.Application, text: str) -> bool:
    words = app[keys.shop_key].policy.handoff.human_words
    return any(word and word in text for word in words)


# ------------------------------------------------------------------ the first try, from the request
async def first_try(app: web.Application, inbound: Inbound) -> Outcome:
    """Answers a new message now, or keeps it waiting (saying so once) when the assistant is away."""
    chat_log, now = app[keys.chat_log_key], app[keys.clock_key]()
    if chat_log.has_waiting(inbound.buyer_id):
        # An earlier message waits for the assistant: this one waits behind it, in order.
        chat_log.set_state(inbound.id, QUEUED, now, response={"replies": [], "queued": True})
        wake_recovery(app)
        return Outcome([], QUEUED)
    try:
        answered = await deliver(app, inbound)
        why, unsure = "the assistant answered nothing (action server down?)", True
    except RasaUnavailable as error:
        answered, why, unsure = None, str(error), error.maybe_handled
    if answered is not None:
        await open_tickets(app, answered.tickets)
        return Outcome(answered.replies, ANSWERED, reply_lines(answered.replies, inbound.key))
    log.warning("message of %s waits for the assistant: %s", inbound.buyer_id, why)
    chat_log.set_state(inbound.id, QUEUED, now, attempted=True, unsure=unsure)
    if asks_for_person(app, inbound.text):
        line = await hand_to_person(app, inbound.buyer_id, [inbound], "asked for a person while the assistant is away",
                                    push=False)
        return Outcome([line], ROUTED)
    busy = await notice(app, inbound.buyer_id, app[keys.conversation_key].handoff.assistant_busy)
    chat_log.set_state(inbound.id, QUEUED, now, response={"replies": [busy], "queued": True})
    wake_recovery(app)
    return Outcome([busy], QUEUED)


# ------------------------------------------------------------------ recovery in the background
def wake_recovery(app: web.Application) -> None:
    app[keys.recovery_wake_key].set()


async def _recover_buyer(app: web.Application, buyer_id: str, waiting: List[Inbound]) -> bool:
    """Delivers a buyer's waiting messages in order; False when the assistant is still away."""
    chat_log, store = app[keys.chat_log_key], app[keys.store_key]
    for inbound in waiting:
        ticket = store.open_for_conversation(buyer_id)
        if ticket is not None:  # an agent has the chat now: the rest goes to them
            for message in waiting[waiting.index(inbound):]:
                outcome = await route_to_ticket(app, ticket, message, message.text)
                chat_log.set_state(message.id, ROUTED, app[keys.clock_key](),
                                   response={"replies": outcome.replies if outcome else [], "handed_off": True})
            return True
        try:
            answered = await deliver(app, inbound, retry=False)
        except RasaUnavailable as error:
            log.info("the assistant is still away (%s)", error)
            chat_log.set_state(inbound.id, QUEUED, app[keys.clock_key](), attempted=True,
                               unsure=inbound.unsure or error.maybe_handled)
            return False
        if answered is None:
            chat_log.set_state(inbound.id, QUEUED, app[keys.clock_key](), attempted=True, unsure=True)
            return False
        await open_tickets(app, answered.tickets)
        replies = answered.replies
        handed_off = store.open_for_conversation(buyer_id) is not None
        chat_log.finish(inbound.id, buyer_id, ANSWERED, app[keys.clock_key](), reply_lines(replies, inbound.key),
                        response={"replies": replies, "handed_off": handed_off}, attempted=True)
        await push_to_buyer(app, buyer_id, {"type": "bot", "replies": replies, "key": inbound.key,
                                            "text": "\n".join(r["text"] for r in replies)})
        if handed_off:
            await push_to_buyer(app, buyer_id, {"type": "handed_off"})
    return True


async def recovery_round(app: web.Application) -> Optional[bool]:
    """One pass over the waiting messages. None: nothing waits; True: all delivered; False: still away."""
    chat_log, now = app[keys.chat_log_key], app[keys.clock_key]()
    waiting = chat_log.waiting((QUEUED,))
    if not waiting:
        return None
    limit = timedelta(minutes=app[keys.shop_key].policy.handoff.outage_wait_minutes)
    for buyer_id, messages in list(waiting.items()):
        if now - messages[0].received_at > limit:
            await hand_to_person(app, buyer_id, messages, f"waited more than {limit} for the assistant", push=True)
            del waiting[buyer_id]
        elif any(asks_for_person(app, m.text) for m in messages):
            await hand_to_person(app, buyer_id, messages, "asked for a person while the assistant is away", push=True)
            del waiting[buyer_id]
    if not waiting:
        return True
    if not await app[keys.rasa_key].healthy():
        return False
    # Buyers in parallel (each one's messages in order): a long outage leaves many buyers waiting.
    gate = asyncio.Semaphore(RECOVERY_PARALLEL)

    async def recover(buyer_id: str, messages: List[Inbound]) -> bool:
        async with gate:
            return await _recover_buyer(app, buyer_id, messages)

    results = await asyncio.gather(*(recover(b, m) for b, m in waiting.items()))
    return all(results)


async def recovery_loop(app: web.Application) -> None:
    """Retries waiting messages: at once when woken, then with a growing pause while the assistant is away."""
    wake = app[keys.recovery_wake_key]
    settings = app[keys.settings_key]
    interval, longest = settings.recovery_interval_s, settings.recovery_max_pause_s
    pause = interval
    while True:
        try:
            await asyncio.wait_for(wake.wait(), timeout=pause)
        except asyncio.TimeoutError:
            pass
        wake.clear()
        try:
            result = await recovery_round(app)
        except Exception:  # noqa: BLE001 - the loop must outlive a store or network hiccup; it retries
            log.exception("recovery round failed; retrying")
            result = False
        if result is False:
            pause = min(max(pause * 2, interval), longest)
        else:
            pause = interval if result else 30.0


async def recovery_ctx(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: messages caught mid-send by a crash wait again; the recovery task runs until shutdown."""
    app[keys.recovery_wake_key] = asyncio.Event()
    chat_log, now = app[keys.chat_log_key], app[keys.clock_key]()
    for messages in chat_log.waiting((SENDING,)).values():
        for message in messages:
            chat_log.set_state(message.id, QUEUED, now, unsure=True)
    task = asyncio.create_task(recovery_loop(app))
    app[keys.recovery_wake_key].set()
    yield
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
