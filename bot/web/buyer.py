"""The buyer's side: the shop page, the chat API (routing to Rasa or to a person) and the buyer's socket.

Routing lives here because this service is the buyer's only way in: while the buyer's conversation
has an open or claimed ticket, messages go to the ticket (and the agents' consoles) and never reach
Rasa; when the ticket is resolved, messages go to Rasa again (bot.web.delivery, which also keeps them
through an outage of Rasa or the action server).

A chat starts with ``POST /api/buyer/session``, which makes the buyer's id and token (and, in the
demo, their demo orders, once). Every later call names the buyer and carries the token in the
``X-Buyer-Token`` header (never in a URL); the socket gets it in its first message. Tokens expire, and
every answer renews it. Each message carries the widget's ``client_message_id``, so a retried message
counts once, and a button's ``payload`` counts as a command only if this buyer was offered it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from datetime import timedelta
from typing import Any, Dict, List, Optional, Tuple

from aiohttp import WSCloseCode, WSMsgType, web

from bot.handoff.store import TicketError
from bot.handoff.ticket import Rating, Ticket
from bot.orders.seed import seed_demo_orders
from bot.shop import Product
from bot.web import keys
from bot.web.chat_log import ANSWERED, DONE_STATES, SENDING, ChatLine, Inbound
from bot.web.delivery import Outcome, first_try, route_to_ticket
from bot.web.live import notify_consoles
from bot.web.pages import render
from bot.web.requests import BadRequest, checked_text, client_address, json_error, message_text, origin_allowed, read_json

log = logging.getLogger(__name__)

#: Buyer ids are made here (random, 128 bits) so nobody can pick or guess another buyer's id.
BUYER_ID = re.compile(r"^b-[0-9a-f]{32}$")
#: The widget's idempotency key for one message (a retry sends the same one).
MESSAGE_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
TOKEN_HEADER = "X-Buyer-Token"
#: Seconds a socket has to say who it is before it is closed.
SOCKET_AUTH_S = 10.0
MAX_PAYLOAD = 512
MAX_COMMENT = 500


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


# ------------------------------------------------------------------ identity
def _unauthorized(message: str, field: str) -> web.HTTPUnauthorized:
    return web.HTTPUnauthorized(text=json.dumps({"error": message, "field": field}), content_type="application/json")


def _authenticate(request: web.Request, buyer_id: Any, token: Any) -> str:
    """The buyer id when ``token`` is a valid, unexpired token for it.

    Raises:
        BadRequest: a missing or malformed buyer id.
        web.HTTPUnauthorized: a missing, wrong or expired token (JSON body naming the field).
    """
    if not isinstance(buyer_id, str) or not BUYER_ID.match(buyer_id):
        raise BadRequest("buyer_id is missing or malformed 买家编号不对 (start a chat: POST /api/buyer/session)",
                         "buyer_id")
    if not token:
        raise _unauthorized(f"the {TOKEN_HEADER} header is required 缺少身份凭证", TOKEN_HEADER)
    if not request.app[keys.signer_key].check_buyer_token(buyer_id, token):
        raise _unauthorized("token is wrong or expired for this buyer_id 身份验证失败或已过期", TOKEN_HEADER)
    return buyer_id


def _fresh_token(app: web.Application, buyer_id: str) -> str:
    return app[keys.signer_key].buyer_token(buyer_id, app[keys.settings_key].buyer_token_s)


def _too_many(refusal) -> web.Response:
    return json_error(429, f"too many requests ({refusal.limit}); try again in {refusal.retry_after_s} s 请求太频繁，请稍后再试",
                      None, headers={"Retry-After": str(refusal.retry_after_s)})


def _checked_product(app: web.Application, product: Any) -> Optional[str]:
    if product is None:
        return None
    if not isinstance(product, str) or app[keys.shop_key].catalogue.find(product) is None:
        raise BadRequest("product is not in the catalogue 没有这件商品", "product")
    return product


async def start_session(request: web.Request) -> web.Response:
    """POST /api/buyer/session {}: a new buyer id and token (and, in the demo, the buyer's demo orders)."""
    app = request.app
    settings = app[keys.settings_key]
    refusal = app[keys.limiter_key].hit("new_buyers", client_address(request, settings.trust_proxy))
    if refusal:
        return _too_many(refusal)
    try:
        if request.can_read_body:
            await read_json(request)  # nothing is needed from it, but a malformed one is said so
    except BadRequest as error:
        return error.response()
    buyer_id = f"b-{secrets.token_hex(16)}"
    if settings.demo_orders:
        # Once per buyer: a demo shop has no real orders, so each new shop-page buyer gets the demo ones.
        seed_demo_orders(app[keys.order_store_key], app[keys.clock_key](), buyer_id=buyer_id, shop=app[keys.shop_key],
                         other_buyer_id=None)
    return web.json_response({"buyer_id": buyer_id, "token": _fresh_token(app, buyer_id)}, status=201)


# ------------------------------------------------------------------ messages
def _parse_message(request: web.Request, body: Dict[str, Any]) -> Tuple[str, str, bool, Optional[str], Optional[str]]:
    """(text for Rasa, text shown, is a button, product, key) of a message body."""
    app = request.app
    product = _checked_product(app, body.get("product"))
    key = body.get("client_message_id")
    if key is not None and (not isinstance(key, str) or not MESSAGE_KEY.match(key)):
        raise BadRequest("client_message_id must be 8-64 letters, digits, - or _", "client_message_id")
    payload = body.get("payload")
    if payload is not None:
        payload = checked_text(payload, "payload", MAX_PAYLOAD).strip()
        shown = message_text(body) if body.get("text") else payload
        return payload, shown, True, product, key
    text = message_text(body)
    return text, text, False, product, key


async def _answer_new(app: web.Application, inbound: Inbound, shown: str) -> Outcome:
    """What happens to a message just received: to the open ticket, or to the assistant."""
    ticket: Optional[Ticket] = app[keys.store_key].open_for_conversation(inbound.buyer_id)
    if ticket is not None:
        outcome = await route_to_ticket(app, ticket, inbound, shown)
        if outcome is not None:
            return outcome
    return await first_try(app, inbound)


def _response_body(app: web.Application, buyer_id: str, replies: List[Dict[str, Any]], **extra: Any) -> Dict[str, Any]:
    handed_off = app[keys.store_key].open_for_conversation(buyer_id) is not None
    return {"replies": replies, "handed_off": handed_off, "buyer_id": buyer_id, "token": _fresh_token(app, buyer_id),
            **extra}


async def post_message(request: web.Request) -> web.Response:
    """POST /api/buyer/messages {buyer_id, text | payload (+ text: the button's title), product?,
    client_message_id?} with X-Buyer-Token -> {replies, handed_off, queued?, buyer_id, token}."""
    app = request.app
    settings = app[keys.settings_key]
    limiter = app[keys.limiter_key]
    refusal = limiter.hit("address_messages", client_address(request, settings.trust_proxy))
    if refusal:
        return _too_many(refusal)
    try:
        body = await read_json(request)
        if body.get("buyer_id") in (None, ""):
            raise _unauthorized("start a chat first: POST /api/buyer/session 请先开始会话", "buyer_id")
        buyer_id = _authenticate(request, body.get("buyer_id"), request.headers.get(TOKEN_HEADER))
        text, shown, button, product, key = _parse_message(request, body)
    except BadRequest as error:
        return error.response()
    refusal = limiter.hit("buyer_messages", buyer_id)
    if refusal:
        return _too_many(refusal)
    chat_log, now = app[keys.chat_log_key], app[keys.clock_key]()
    if button and text not in chat_log.offered_payloads(buyer_id):
        # Not a button this buyer was shown: what they typed, as text (never a command).
        button, text = False, shown
    key = key or secrets.token_hex(16)

    in_flight = app[keys.in_flight_key]
    existing = chat_log.inbound(buyer_id, key)
    if existing is not None:
        return await _repeat(app, existing, in_flight.get((buyer_id, key)))
    inbound = chat_log.receive(buyer_id, key, text, product, button, now, SENDING, shown=shown)
    if inbound is None:  # the same key arrived a moment ago
        return await _repeat(app, chat_log.inbound(buyer_id, key), in_flight.get((buyer_id, key)))
    # A retry of this key while it is being answered waits for this very answer.
    future: asyncio.Future = asyncio.get_running_loop().create_future()
    in_flight[(buyer_id, key)] = future
    try:
        outcome = await _answer_new(app, inbound, shown)
        body = _response_body(app, buyer_id, outcome.replies, queued=outcome.state not in DONE_STATES,
                              client_message_id=key)
        if outcome.state in DONE_STATES:
            chat_log.finish(inbound.id, buyer_id, outcome.state, app[keys.clock_key](), outcome.unwritten,
                            response={k: body[k] for k in ("replies", "handed_off", "queued")},
                            attempted=outcome.state == ANSWERED)
    except BaseException as error:
        future.set_exception(error)
        future.exception()  # marked as seen: only a waiting retry re-raises it
        raise
    else:
        future.set_result(body)
    finally:
        in_flight.pop((buyer_id, key), None)
    return web.json_response(body)


async def _repeat(app: web.Application, existing: Optional[Inbound], running: Optional[asyncio.Future]) -> web.Response:
    """The answer to a message sent again with the same key: the first answer, never a second turn."""
    if existing is None:
        return json_error(409, "message is being handled; send it again in a moment", "client_message_id")
    if running is not None:
        return web.json_response(await asyncio.shield(running))
    stored = existing.response or {"replies": [], "queued": existing.state not in DONE_STATES}
    return web.json_response(_response_body(app, existing.buyer_id, list(stored.get("replies") or []),
                                            queued=bool(stored.get("queued")) and existing.state not in DONE_STATES,
                                            client_message_id=existing.key, repeated=True))


# ------------------------------------------------------------------ history
def _line_json(line: ChatLine) -> Dict[str, Any]:
    return {"sender": line.sender, "text": line.text, "buttons": line.buttons if line.sender == "bot" else [],
            "agent": line.agent, "at": line.at.timestamp()}


async def history(request: web.Request) -> web.Response:
    """GET /api/buyer/history?buyer_id=... with X-Buyer-Token: every line the buyer sent and was shown."""
    app = request.app
    try:
        buyer_id = _authenticate(request, request.query.get("buyer_id"), request.headers.get(TOKEN_HEADER))
    except BadRequest as error:
        return error.response()
    messages = [_line_json(line) for line in app[keys.chat_log_key].lines(buyer_id)]
    handed_off = app[keys.store_key].open_for_conversation(buyer_id) is not None
    rating = None if handed_off else _rating_to_ask(app, buyer_id)
    return web.json_response({"messages": messages, "handed_off": handed_off, "rating": rating})


# ------------------------------------------------------------------ satisfaction
def _rateable(app: web.Application, buyer_id: str) -> Optional[Ticket]:
    """The buyer's latest resolved ticket while it may still be rated (policy console.rating_window_hours)."""
    ticket = app[keys.store_key].latest_resolved_for_conversation(buyer_id)
    if ticket is None or ticket.rating is not None or ticket.resolved_at is None:
        return None
    window = timedelta(hours=app[keys.shop_key].policy.console.rating_window_hours)
    return ticket if app[keys.clock_key]() - ticket.resolved_at <= window else None


def rating_prompt(app: web.Application, ticket_id: str, agent_display: str) -> Dict[str, Any]:
    """What the buyer's page shows to ask for a rating of the ticket (conversation.yml ``rating``)."""
    wording = app[keys.conversation_key].rating
    return {"ticket_id": ticket_id, "ask": wording.ask.format(agent=agent_display), "scores": list(wording.scores),
            "comment_placeholder": wording.comment_placeholder}


def _rating_to_ask(app: web.Application, buyer_id: str) -> Optional[Dict[str, Any]]:
    ticket = _rateable(app, buyer_id)
    if ticket is None:
        return None
    agent = app[keys.agents_key].get(ticket.claimed_by or "")
    return rating_prompt(app, ticket.id, agent.display_name if agent else (ticket.claimed_by or ""))


async def rate(request: web.Request) -> web.Response:
    """POST /api/buyer/rating {buyer_id, ticket_id, score: 1-5, comment?} with X-Buyer-Token: the buyer rates the
    service of their latest resolved ticket, once, within the policy's window."""
    app = request.app
    refusal = app[keys.limiter_key].hit("address_messages", client_address(request, app[keys.settings_key].trust_proxy))
    if refusal:
        return _too_many(refusal)
    try:
        body = await read_json(request)
        buyer_id = _authenticate(request, body.get("buyer_id"), request.headers.get(TOKEN_HEADER))
        score = body.get("score")
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise BadRequest("score must be a whole number from 1 to 5 请选择1到5分", "score")
        comment = body.get("comment")
        if comment is not None:
            comment = checked_text(comment, "comment", MAX_COMMENT).strip() or None
        ticket_id = body.get("ticket_id")
        if not isinstance(ticket_id, str) or not ticket_id:
            raise BadRequest("ticket_id is required", "ticket_id")
    except BadRequest as error:
        return error.response()
    ticket = _rateable(app, buyer_id)
    if ticket is None or ticket.id != ticket_id:
        # Another buyer's ticket, an old one, one rated already: all the same to the buyer.
        return json_error(409, "this service can no longer be rated 这次服务已评价或已超过评价时间", "ticket_id")
    try:
        app[keys.store_key].rate(ticket.id, Rating(score=score, comment=comment, at=app[keys.clock_key]()))
    except TicketError:
        return json_error(409, "this service can no longer be rated 这次服务已评价或已超过评价时间", "ticket_id")
    await notify_consoles(app, ticket.id, "rated")
    return web.json_response({"thanks": app[keys.conversation_key].rating.thanks, "token": _fresh_token(app, buyer_id)},
                             status=201)


# ------------------------------------------------------------------ socket
async def _socket_identity(request: web.Request, ws: web.WebSocketResponse) -> Optional[str]:
    """The buyer a socket belongs to, from its first message ``{"type": "auth", buyer_id, token}``."""
    try:
        message = await ws.receive(timeout=SOCKET_AUTH_S)
    except asyncio.TimeoutError:
        await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"auth expected")
        return None
    try:
        data = json.loads(message.data) if message.type == WSMsgType.TEXT else None
        if not isinstance(data, dict) or data.get("type") != "auth":
            raise BadRequest("the first message must be {type: auth, buyer_id, token}")
        return _authenticate(request, data.get("buyer_id"), data.get("token"))
    except (BadRequest, web.HTTPUnauthorized, ValueError):
        await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"not authorized")
        return None


async def buyer_socket(request: web.Request) -> web.WebSocketResponse:
    """GET /ws/buyer, then ``{"type": "auth", buyer_id, token}``: replies pushed live to the buyer's widget."""
    app = request.app
    if not origin_allowed(request, app[keys.settings_key].public_url):
        return json_error(403, "Origin not allowed", "Origin")  # type: ignore[return-value]
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=4096)
    await ws.prepare(request)
    buyer_id = await _socket_identity(request, ws)
    if buyer_id is None:
        return ws
    registry = app[keys.buyer_sockets_key]
    if registry.count(buyer_id) >= app[keys.settings_key].max_sockets_per_buyer:
        await ws.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"too many open chats")
        return ws
    registry.add(buyer_id, ws)
    await ws.send_json({"type": "ready"})
    try:
        async for message in ws:
            # The widget sends its messages over HTTP; the socket only receives. Ignore anything else.
            if message.type == WSMsgType.ERROR:
                break
    finally:
        registry.discard(buyer_id, ws)
    return ws
