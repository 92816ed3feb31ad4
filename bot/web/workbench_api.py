"""The agents' workbench API: colleagues, suggested replies and quick phrases, the buyer's side panel, transfers,
and concessions asked for by agents and decided by supervisors (rules: bot.workbench.permissions)."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional

from aiohttp import web

from bot.handoff.store import TicketError, TicketNotFound
from bot.handoff.ticket import Concession, Ticket
from bot.orders.model import OrderView
from bot.web import keys
from bot.web.console import agent_only
from bot.web.delivery import notice
from bot.web.live import notify_consoles
from bot.web.requests import BadRequest, checked_text, json_error, read_json
from bot.web.tickets_api import conflict, ticket_or_404, forbidden, ticket_with_view
from bot.workbench import permissions
from bot.workbench.buyer_panel import buyer_panel
from bot.workbench.suggestions import quick_phrases, suggest_replies

#: Orders shown beside a chat: the buyer's latest few, and any the ticket names.
PANEL_ORDERS = 5
MAX_NOTE = 500
#: Nobody gives more than this in one concession; a bigger number is a typo.
MAX_CONCESSION = 100_000
ORDER_ID = re.compile(r"^\d{6,20}$")


def buyer_orders(app: web.Application, ticket: Ticket) -> List[OrderView]:
    """The buyer's own orders, newest first: the latest few and those the ticket names (never another buyer's)."""
    if not ticket.buyer_id:
        return []
    store = app[keys.order_store_key]
    orders = store.recent_orders(ticket.buyer_id, limit=PANEL_ORDERS)
    known = {order.id for order in orders}
    for order_id in ticket.order_ids:
        if order_id not in known:
            order = store.get_order(ticket.buyer_id, order_id)  # None for another buyer's number
            if order is not None:
                orders.append(order)
                known.add(order_id)
    return sorted(orders, key=lambda o: (o.created_at, o.id), reverse=True)


def _viewable(request: web.Request) -> Ticket:
    ticket = ticket_or_404(request)
    if not permissions.can_view(request["agent"], ticket):
        raise web.HTTPForbidden(text='{"error": "for supervisors only 仅主管可查看", "field": null}',
                                content_type="application/json")
    return ticket


@agent_only
async def list_agents(request: web.Request) -> web.Response:
    """GET /api/agents: colleagues to transfer to (name, display name, role); never a password hash."""
    agents = request.app[keys.agents_key].load().values()
    return web.json_response({"agents": [{"name": a.name, "display_name": a.display_name, "role": a.role}
                                         for a in sorted(agents, key=lambda a: a.name)]})


@agent_only
async def assist(request: web.Request) -> web.Response:
    """GET /api/tickets/{id}/assist: two or three suggested replies and the quick phrases, filled in."""
    app, agent = request.app, request["agent"]
    ticket = _viewable(request)
    shop, workbench = app[keys.shop_key], app[keys.workbench_key]
    drafts = suggest_replies(shop, workbench, ticket, buyer_orders(app, ticket), agent.display_name,
                             app[keys.clock_key]())
    return web.json_response({
        "suggestions": [{"reason": d.reason, "text": d.text} for d in drafts],
        "quick_phrases": quick_phrases(shop, workbench, agent.display_name),
    })


@agent_only
async def buyer(request: web.Request) -> web.Response:
    """GET /api/tickets/{id}/buyer: the side panel (orders, product viewed, what the buyer said, earlier tickets)."""
    app = request.app
    ticket = _viewable(request)
    earlier = app[keys.store_key].for_buyer(ticket.buyer_id) if ticket.buyer_id else []
    return web.json_response(buyer_panel(app[keys.shop_key], ticket, buyer_orders(app, ticket), earlier))


def _optional_note(body: Dict[str, Any]) -> Optional[str]:
    note = body.get("note")
    if note is None:
        return None
    note = checked_text(note, "note", MAX_NOTE).strip()
    return note or None


@agent_only
async def transfer(request: web.Request) -> web.Response:
    """POST /api/tickets/{id}/transfer {to: name | null, note?}: to a colleague, or back to the queue (null)."""
    app, agent = request.app, request["agent"]
    ticket = ticket_or_404(request)
    try:
        body = await read_json(request)
        if "to" not in body:
            raise BadRequest("to is required: a colleague's name, or null for the queue 请选择同事", "to")
        to = body["to"]
        if to is not None and (not isinstance(to, str) or app[keys.agents_key].get(to) is None):
            raise BadRequest("to is not an agent of the console 没有这位同事", "to")
        note = _optional_note(body)
    except BadRequest as error:
        return error.response()
    if not permissions.can_transfer(agent, ticket):
        return forbidden("only the agent holding the ticket or a supervisor transfers it 只有接手的客服或主管可以转交")
    try:
        app[keys.store_key].transfer(ticket.id, agent.name, to, app[keys.clock_key](), note)
    except TicketError as error:
        return conflict(str(error), app[keys.store_key].get(ticket.id))
    if to is not None:
        colleague = app[keys.agents_key].get(to)
        await notice(app, ticket.buyer_id, app[keys.conversation_key].handoff.agent_joined.format(
            agent=colleague.display_name if colleague else to), push=True)
    await notify_consoles(app, ticket.id, "transferred")
    return web.json_response(ticket_with_view(app, app[keys.store_key].get(ticket.id)))


def _amount(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRequest("amount must be a number of yuan 金额必须是数字", "amount")
    if not 0 < value <= MAX_CONCESSION or value != value:
        raise BadRequest(f"amount must be more than 0 and at most {MAX_CONCESSION} 金额不对", "amount")
    if round(value, 2) != value:
        raise BadRequest("amount has at most two decimals (fen) 金额最多到分", "amount")
    return float(value)


@agent_only
async def ask_concession(request: web.Request) -> web.Response:
    """POST /api/tickets/{id}/concessions {kind: discount|compensation, amount, reason, order_id?}: granted at once
    within the asker's limit, else pending for a supervisor."""
    app, agent = request.app, request["agent"]
    ticket = ticket_or_404(request)
    try:
        body = await read_json(request)
        kind = body.get("kind")
        if kind not in permissions.CONCESSION_KINDS:
            raise BadRequest(f"kind must be one of {', '.join(permissions.CONCESSION_KINDS)}", "kind")
        amount = _amount(body.get("amount"))
        reason = body.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise BadRequest("reason is required 请写明原因", "reason")
        reason = checked_text(reason.strip(), "reason", MAX_NOTE)
        order_id = body.get("order_id")
        if order_id is not None:
            if not isinstance(order_id, str) or not ORDER_ID.match(order_id):
                raise BadRequest("order_id must be the order's digits 订单号格式不对", "order_id")
            if not ticket.buyer_id or app[keys.order_store_key].get_order(ticket.buyer_id, order_id) is None:
                raise BadRequest("order_id is not an order of this buyer 不是这位买家的订单", "order_id")
    except BadRequest as error:
        return error.response()
    if not permissions.can_ask_concession(agent, ticket):
        return forbidden("claim the ticket first 请先接手工单")
    now = app[keys.clock_key]()
    granted = permissions.within_limit(app[keys.shop_key].policy, agent, kind, amount)
    concession = Concession(at=now, requested_by=agent.name, kind=kind, amount=amount, reason=reason,
                            order_id=order_id, within_limit=granted, status="approved" if granted else "pending",
                            decided_by=agent.name if granted else None, decided_at=now if granted else None)
    try:
        stored_ticket, stored = app[keys.store_key].request_concession(ticket.id, concession)
    except TicketError as error:
        return conflict(str(error), app[keys.store_key].get(ticket.id))
    await notify_consoles(app, ticket.id, "concession_granted" if granted else "concession_requested")
    return web.json_response({"concession": json.loads(stored.json()), "ticket": ticket_with_view(app, stored_ticket)},
                             status=201)


@agent_only
async def decide_concession(request: web.Request) -> web.Response:
    """POST /api/tickets/{id}/concessions/{cid}/decision {decision: approve|refuse, note?}: supervisors only, never
    on their own request."""
    app, agent = request.app, request["agent"]
    ticket = ticket_or_404(request)
    raw_id = request.match_info["concession_id"]
    if not raw_id.isdigit() or len(raw_id) > 12:
        return json_error(404, "no such concession 没有这个申请", "concession_id")
    store = app[keys.store_key]
    try:
        concession = store.concession(ticket.id, int(raw_id))
    except TicketNotFound:
        return json_error(404, "no such concession 没有这个申请", "concession_id")
    try:
        body = await read_json(request)
        decision = body.get("decision")
        if decision not in ("approve", "refuse"):
            raise BadRequest("decision must be approve or refuse", "decision")
        note = _optional_note(body)
    except BadRequest as error:
        return error.response()
    refusal = permissions.why_not_decide(agent, concession)
    if refusal is not None:
        status = 409 if agent.is_supervisor and concession.requested_by != agent.name else 403
        return json_error(status, refusal)
    try:
        decided = store.decide_concession(ticket.id, concession.id, agent.name, decision == "approve",
                                          app[keys.clock_key](), note)
    except TicketError as error:
        return conflict(str(error), store.get(ticket.id))
    await notify_consoles(app, ticket.id, "concession_decided")
    return web.json_response(ticket_with_view(app, decided))

