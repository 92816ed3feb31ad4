"""The buyer's side: the shop page, the chat API (routing to Rasa or to a person) and the buyer's socket.

Routing lives here because this service is the buyer's only way in: while the buyer's conversation
has an open or claimed ticket, messages go to the ticket (and the agents' consoles) and never reach
Rasa, so Rasa needs no pause/resume events; when the ticket is resolved, messages go to Rasa again.

Tickets are created by the action server (POST /api/tickets, see tickets_api) when an action decides a
person must follow up; this module only reads the store afterwards to tell the widget it was handed off.
The one exception is Rasa being down: then this service creates the ticket itself (assistant_unavailable).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from datetime import datetime
from typing import Any, Dict, List, Tuple

from aiohttp import WSMsgType, web

from bot.handoff.store import TicketError
from bot.handoff.summary import build_ticket
from bot.handoff.ticket import Ticket, TranscriptLine
from bot.shop import Product
from bot.web import keys
from bot.web.live import notify_consoles
from bot.web.pages import render
from bot.web.rasa_client import RasaUnavailable
from bot.web.requests import BadRequest, json_error, message_text, origin_allowed, read_json

log = logging.getLogger(__name__)

UNAVAILABLE_REASON = "assistant_unavailable"
#: Buyer ids are made here (random, 128 bits) so nobody can pick or guess another buyer's id.
BUYER_ID = re.compile(r"^b-[0-9a-f]{32}$")
#: Two lines closer than this with the same text are the same message seen in the tracker and a ticket.
SAME_LINE_SECONDS = 2.0


# ------------------------------------------------------------------ shop page
def _product_view(product: Product) -> Dict[str, Any]:
    return {
        "id": product.id,
        "name": product.name,
        "price": f"{product.price:g}",
        "colors": list(product.colors),
        "sizes": list(product.sizes),
        "description": product.description or "",
        "fabric": product.fabric,
    }


async def shop_page(request: web.Request) -> web.Response:
    """GET / and /product/{id}: one product of the demo shop with the chat widget."""
    products = request.app[keys.shop_key].catalogue.products
    wanted = request.match_info.get("product_id")
    product = next((p for p in products if p.id == wanted), None) if wanted else products[0]
    if product is None:
        raise web.HTTPNotFound(text="没有这件商品 (no such product)")
    return render(
        "shop.html",
        product=_product_view(product),
        products=[{"id": p.id, "name": p.name, "price": f"{p.price:g}"} for p in products],
    )


def seed_page_buyer(app: web.Application, buyer_id: str, now: datetime) -> None:
    """The demo orders (unpaid ... signed for 10 days ago) for a new shop-page buyer, so order
    questions can be tried from the page; only when the demo is switched on."""
    from bot.orders.seed import seed_demo_orders

    seed_demo_orders(app[keys.order_store_key], now, buyer_id=buyer_id, shop=app[keys.shop_key],
                     other_buyer_id=None)


# ------------------------------------------------------------------ identity
def _identify(request: web.Request, buyer_id: Any, token: Any, *, may_issue: bool) -> Tuple[str, str]:
    """The buyer id and token of a request, or a new pair when none is given and ``may_issue``.

    Raises:
        BadRequest: a malformed buyer id.
        web.HTTPUnauthorized: a missing or wrong token (JSON body naming the field).
    """
    signer = request.app[keys.signer_key]
    if buyer_id in (None, "") and may_issue:
        new_id = f"b-{secrets.token_hex(16)}"
        return new_id, signer.buyer_token(new_id)
    if not isinstance(buyer_id, str) or not BUYER_ID.match(buyer_id):
        raise BadRequest("buyer_id is missing or malformed 买家编号不对", "buyer_id")
    if not isinstance(token, str) or not signer.check_buyer_token(buyer_id, token):
        raise web.HTTPUnauthorized(
            text=json.dumps({"error": "token is missing or wrong for this buyer_id 身份验证失败",
                             "field": "token"}),
            content_type="application/json",
        )
    return buyer_id, token


# ------------------------------------------------------------------ messages
def reply_json(reply: Dict[str, Any]) -> Dict[str, Any]:
    """A Rasa reply as the widget shows it: text and buttons (title, payload)."""
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in reply.get("buttons") or []
        if isinstance(b, dict)
    ]
    return {"text": reply.get("text") or "", "buttons": buttons}


def _first_routed_message(ticket: Ticket) -> bool:
    # Say "已转人工" once: before any agent has replied, on the buyer's first message after the bot's last.
    lines = ticket.transcript
    return not any(line.sender == "agent" for line in lines) and (not lines or lines[-1].sender != "buyer")


async def post_message(request: web.Request) -> web.Response:
    """POST /api/buyer/messages {buyer_id?, token?, text, product?} -> {replies, handed_off, buyer_id, token}.

    The first message comes without buyer_id: the answer carries the new buyer_id and token, which the
    widget keeps in localStorage and sends with every later message, history read and socket.
    """
    app = request.app
    try:
        body = await read_json(request)
        text = message_text(body)
        product = body.get("product")
        if product is not None and (
            not isinstance(product, str) or app[keys.shop_key].catalogue.find(product) is None
        ):
            raise BadRequest("product is not in the catalogue 没有这件商品", "product")
        new_buyer = body.get("buyer_id") in (None, "")
        buyer_id, token = _identify(request, body.get("buyer_id"), body.get("token"), may_issue=True)
    except BadRequest as error:
        return error.response()

    now = app[keys.clock_key]()
    if new_buyer and app[keys.settings_key].demo_orders:
        seed_page_buyer(app, buyer_id, now)
    store = app[keys.store_key]
    identity = {"buyer_id": buyer_id, "token": token}

    ticket = store.open_for_conversation(buyer_id)
    if ticket is not None:
        first = _first_routed_message(ticket)
        try:
            store.add_line(ticket.id, TranscriptLine(at=now, sender="buyer", text=text, intent=None,
                                                     confidence=None, agent=None))
        except TicketError:
            ticket = None  # resolved a moment ago: the bot has the chat again
        else:
            await notify_consoles(app, ticket.id, "buyer_message")
            notice = app[keys.conversation_key].handoff.routed_to_person
            replies = [{"text": notice, "buttons": []}] if first else []
            return web.json_response({"replies": replies, "handed_off": True, **identity})

    async def hand_to_person(why: str) -> web.Response:
        log.warning("handing %s to a person: %s", buyer_id, why)
        event = {"event": "user", "text": text, "timestamp": now.timestamp(),
                 "metadata": {"buyer_id": buyer_id, "product": product}}
        shop = app[keys.shop_key]
        ticket = store.create(build_ticket(shop, [event], buyer_id, buyer_id, now, [UNAVAILABLE_REASON]))
        await notify_consoles(app, ticket.id, "created")
        return web.json_response(
            {"replies": [{"text": app[keys.conversation_key].handoff.assistant_unavailable, "buttons": []}],
             "handed_off": True, **identity}
        )

    try:
        raw = await app[keys.rasa_key].send(buyer_id, text, {"buyer_id": buyer_id, "product": product})
    except RasaUnavailable as error:
        return await hand_to_person(str(error))

    replies = [reply_json(r) for r in raw if r.get("text") or r.get("buttons")]
    if not replies:
        # Every turn of the assistant says something; silence means its action server is down
        # (Rasa took the message but could not run the action). A person answers instead.
        return await hand_to_person("the assistant answered nothing (action server down?)")
    handed_off = store.open_for_conversation(buyer_id) is not None
    return web.json_response({"replies": replies, "handed_off": handed_off, **identity})


# ------------------------------------------------------------------ history
def _timestamp(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value or 0)


def tracker_lines(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The chat as the buyer saw it, from Rasa tracker events (agent replies are bot events with metadata)."""
    lines: List[Dict[str, Any]] = []
    buttons: List[Dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        at = _timestamp(event.get("timestamp"))
        if kind == "user":
            text = event.get("text") or ""
            if text.startswith("/"):
                # A button's payload: show the button's title, as the buyer saw it when clicking.
                text = next((b["title"] for b in buttons if b.get("payload") == text), text)
            lines.append({"sender": "buyer", "text": text, "buttons": [], "agent": None, "at": at})
        elif kind == "bot":
            metadata = event.get("metadata") or {}
            buttons = reply_json({"buttons": (event.get("data") or {}).get("buttons")})["buttons"]
            if not event.get("text") and not buttons:
                continue
            agent = metadata.get("agent_display") or metadata.get("agent")
            sender = "agent" if agent else "bot"
            lines.append({"sender": sender, "text": event.get("text") or "",
                          "buttons": [] if agent else buttons, "agent": agent, "at": at})
    return lines


def merge_ticket_lines(
    lines: List[Dict[str, Any]], tickets: List[Ticket], agents: Dict[str, str]
) -> List[Dict[str, Any]]:
    """Add what only the tickets hold (messages routed to a person, replies Rasa missed), oldest first."""
    merged = list(lines)
    for ticket in tickets:
        for line in ticket.transcript:
            if line.sender not in ("buyer", "agent"):
                continue
            at = _timestamp(line.at)
            if any(m["text"] == line.text and abs(m["at"] - at) < SAME_LINE_SECONDS for m in merged):
                continue
            agent = agents.get(line.agent or "", line.agent) if line.sender == "agent" else None
            merged.append({"sender": line.sender, "text": line.text, "buttons": [], "agent": agent, "at": at})
    merged.sort(key=lambda m: m["at"])
    return merged


async def history(request: web.Request) -> web.Response:
    """GET /api/buyer/history?buyer_id=... with the buyer's token (X-Buyer-Token header or ?token=)."""
    app = request.app
    token = request.headers.get("X-Buyer-Token") or request.query.get("token")
    try:
        buyer_id, _ = _identify(request, request.query.get("buyer_id"), token, may_issue=False)
    except BadRequest as error:
        return error.response()
    try:
        events = (await app[keys.rasa_key].tracker(buyer_id)).get("events") or []
    except RasaUnavailable as error:
        log.warning("history of %s without Rasa: %s", buyer_id, error)
        events = []
    store = app[keys.store_key]
    agents = {a.name: a.display_name for a in app[keys.agents_key].load().values()}
    messages = merge_ticket_lines(tracker_lines(events), store.for_buyer(buyer_id), agents)
    handed_off = store.open_for_conversation(buyer_id) is not None
    return web.json_response({"messages": messages, "handed_off": handed_off})


# ------------------------------------------------------------------ socket
async def buyer_socket(request: web.Request) -> web.WebSocketResponse:
    """GET /ws/buyer?buyer_id=...&token=...: agent replies pushed live to the buyer's widget."""
    if not origin_allowed(request):
        return json_error(403, "Origin not allowed", "Origin")  # type: ignore[return-value]
    try:
        query = request.query
        buyer_id, _ = _identify(request, query.get("buyer_id"), query.get("token"), may_issue=False)
    except BadRequest as error:
        return error.response()  # type: ignore[return-value]
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    registry = request.app[keys.buyer_sockets_key]
    registry.add(buyer_id, ws)
    try:
        async for message in ws:
            # The widget sends its messages over HTTP; the socket only receives. Ignore anything else.
            if message.type == WSMsgType.ERROR:
                break
    finally:
        registry.discard(buyer_id, ws)
    return ws

