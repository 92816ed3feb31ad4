"""The ticket JSON API for agents: the queue, one ticket, claim, reply, note, resolve.

Tickets are opened by this service only: from the assistant's reply (bot.web.delivery.open_tickets) or
when the assistant is away; nothing outside it can create one. Ticket JSON is bot.handoff.ticket.Ticket's
own (``Ticket.json()``): one definition on both sides.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, Optional

from aiohttp import web

from bot.handoff.store import TicketError, TicketNotFound, TicketTaken
from bot.handoff.ticket import PRIORITY_RANK, Ticket, TranscriptLine
from bot.handoff.reasons import HANDOFF_REASONS
from bot.web import keys
from bot.web.buyer import rating_prompt
from bot.web.console import agent_only
from bot.web.delivery import notice
from bot.web.live import notify_consoles, push_to_buyer
from bot.web.rasa_client import RasaUnavailable
from bot.web.requests import BadRequest, checked_text, json_error, message_text, read_json
from bot.workbench import permissions
from bot.workbench.queue import MAX_QUERY, QueueFilter, filtered, ticket_view

log = logging.getLogger(__name__)

#: Slot the bot reads after a hand-back (domain.yml must declare it).
OUTCOME_SLOT = "handoff_outcome"
MAX_OUTCOME = 500


def ticket_json(ticket: Ticket) -> Dict[str, Any]:
    return json.loads(ticket.json())


def ticket_with_view(app: web.Application, ticket: Ticket) -> Dict[str, Any]:
    """The Ticket JSON, and under ``view`` what the console shows besides (buyer's name, reasons in words, wait)."""
    return {**ticket_json(ticket), "view": ticket_view(app[keys.shop_key].policy, ticket, app[keys.clock_key]())}


def forbidden(message: str, field: Optional[str] = None) -> web.Response:
    return json_error(403, message, field)


def ticket_or_404(request: web.Request) -> Ticket:
    try:
        return request.app[keys.store_key].get(request.match_info["ticket_id"])
    except TicketNotFound:
        raise web.HTTPNotFound(
            text=json.dumps({"error": "no such ticket 没有这个工单", "field": "ticket_id"}),
            content_type="application/json",
        ) from None


_YES, _NO = ("1", "true", "yes"), ("", "0", "false", "no")


def _flag(query: Any, name: str) -> bool:
    value = query.get(name, "").strip().lower()
    if value not in _YES + _NO:
        raise BadRequest(f"{name} must be 1 or 0", name)
    return value in _YES


def queue_filter(query: Any) -> QueueFilter:
    """The queue's filters from the query string; BadRequest naming the parameter that is wrong."""
    priority = query.get("priority") or None
    if priority is not None and priority not in PRIORITY_RANK:
        raise BadRequest(f"priority must be one of {', '.join(PRIORITY_RANK)}", "priority")
    reason = query.get("reason") or None
    if reason is not None and reason not in HANDOFF_REASONS:
        raise BadRequest("reason is not a hand-off reason of policy.yml 未知的转人工原因", "reason")
    text = checked_text(query.get("q", ""), "q", MAX_QUERY)
    return QueueFilter(priority, reason, _flag(query, "mine"), _flag(query, "unclaimed"), text)


@agent_only
async def list_tickets(request: web.Request) -> web.Response:
    """GET /api/tickets?priority=&reason=&mine=1&unclaimed=1&q=&status=active|resolved: the queue (open and
    claimed, by priority then age) or, with status=resolved, resolved tickets newest first (an agent's own; a
    supervisor's: everyone's)."""
    app, agent = request.app, request["agent"]
    try:
        wanted = queue_filter(request.query)
        status = request.query.get("status", "active")
        if status not in ("active", "resolved"):
            raise BadRequest("status must be active or resolved", "status")
    except BadRequest as error:
        return error.response()
    store = app[keys.store_key]
    if status == "active":
        tickets = store.queue()
    else:
        tickets = store.recent("resolved", None if permissions.can_list_all_resolved(agent) else agent.name)
    policy = app[keys.shop_key].policy
    return web.json_response({
        "tickets": [ticket_with_view(app, t) for t in filtered(tickets, wanted, agent.name)],
        "agent": agent.name, "role": agent.role,
        "wait_warning_minutes": policy.console.wait_warning_minutes,
        # The service's clock: the console counts waiting times from it, whatever the agent's computer says.
        "now": app[keys.clock_key]().isoformat(),
    })


@agent_only
async def get_ticket(request: web.Request) -> web.Response:
    """GET /api/tickets/{id}: the ticket and its view; 403 for a resolved ticket of a colleague (supervisors see all)."""
    ticket = ticket_or_404(request)
    if not permissions.can_view(request["agent"], ticket):
        return forbidden("a colleague's resolved ticket: for supervisors only 仅主管可查看同事已解决的工单")
    return web.json_response(ticket_with_view(request.app, ticket))


def conflict(message: str, ticket: Ticket) -> web.Response:
    return web.json_response(
        {"error": message, "field": None, "claimed_by": ticket.claimed_by, "status": ticket.status},
        status=409,
    )


async def _optional_json(request: web.Request) -> Dict[str, Any]:
    return await read_json(request) if request.can_read_body else {}


@agent_only
async def claim(request: web.Request) -> web.Response:
    """POST /api/tickets/{id}/claim {take_over?: bool}: 409 when another agent has it, unless take_over."""
    app, agent = request.app, request["agent"]
    ticket = ticket_or_404(request)
    try:
        body = await _optional_json(request)
    except BadRequest as error:
        return error.response()
    if ticket.status == "resolved":
        return conflict("ticket is already resolved 工单已解决", ticket)
    try:
        take_over = bool(body.get("take_over"))
        app[keys.store_key].claim(ticket.id, agent.name, at=app[keys.clock_key](), take_over=take_over)
    except TicketTaken as error:
        return conflict(f"taken by {error.claimed_by} 已被同事接手", app[keys.store_key].get(ticket.id))
    except TicketError as error:
        return conflict(str(error), app[keys.store_key].get(ticket.id))
    if ticket.claimed_by != agent.name:
        await notice(app, ticket.buyer_id, app[keys.conversation_key].handoff.agent_joined.format(
            agent=agent.display_name), push=True)
    await notify_consoles(app, ticket.id, "claimed")
    return web.json_response(ticket_json(app[keys.store_key].get(ticket.id)))


def _must_hold(ticket: Ticket, agent_name: str) -> Optional[web.Response]:
    if ticket.status == "resolved":
        return conflict("ticket is already resolved 工单已解决", ticket)
    if ticket.status != "claimed" or ticket.claimed_by != agent_name:
        who = ticket.claimed_by or "nobody"
        return conflict(f"claimed by {who}: claim or take it over first 请先接手工单", ticket)
    return None


@agent_only
async def reply(request: web.Request) -> web.Response:
    """POST /api/tickets/{id}/reply {text}: to the buyer's widget now, into the transcript and the tracker."""
    app, agent = request.app, request["agent"]
    ticket = ticket_or_404(request)
    try:
        text = message_text(await read_json(request))
    except BadRequest as error:
        return error.response()
    refused = _must_hold(ticket, agent.name)
    if refused is not None:
        return refused
    now = app[keys.clock_key]()
    store = app[keys.store_key]
    try:
        line = TranscriptLine(
            at=now, sender="agent", text=text, intent=None, confidence=None, agent=agent.name
        )
        store.add_line(ticket.id, line)
    except TicketError as error:
        return conflict(str(error), store.get(ticket.id))
    app[keys.chat_log_key].add_line(ticket.buyer_id, now, "agent", text, agent=agent.display_name)
    delivered = await push_to_buyer(
        app, ticket.buyer_id,
        {"type": "reply", "sender": "agent", "agent": agent.display_name, "text": text,
         "at": now.timestamp()},
    )
    # Recorded as a bot event so Rasa's tracker (and so the buyer's history and the bot) keep the reply.
    event = {"event": "bot", "text": text, "timestamp": now.timestamp(), "data": {},
             "metadata": {"agent": agent.name, "agent_display": agent.display_name}}
    try:
        await app[keys.rasa_key].append_event(ticket.conversation_id, event)
        in_tracker = True
    except RasaUnavailable as error:
        log.warning("agent reply kept on ticket %s only: %s", ticket.id, error)
        in_tracker = False
    await notify_consoles(app, ticket.id, "agent_reply")
    return web.json_response(
        {"ticket": ticket_json(store.get(ticket.id)), "delivered": delivered > 0, "in_tracker": in_tracker}
    )


@agent_only
async def note(request: web.Request) -> web.Response:
    """POST /api/tickets/{id}/note {text}: an internal note (never shown to the buyer)."""
    app, agent = request.app, request["agent"]
    ticket = ticket_or_404(request)
    try:
        text = message_text(await read_json(request))
    except BadRequest as error:
        return error.response()
    try:
        app[keys.store_key].add_note(ticket.id, agent.name, text, app[keys.clock_key]())
    except TicketError as error:
        return conflict(str(error), ticket)
    await notify_consoles(app, ticket.id, "note")
    return web.json_response(ticket_json(app[keys.store_key].get(ticket.id)))


@agent_only
async def resolve(request: web.Request) -> web.Response:
    """POST /api/tickets/{id}/resolve {outcome}: only the claimer; hands the chat back to the bot."""
    app, agent = request.app, request["agent"]
    ticket = ticket_or_404(request)
    try:
        outcome = message_text(await read_json(request), "outcome")
        if len(outcome) > MAX_OUTCOME:
            raise BadRequest(f"outcome is longer than {MAX_OUTCOME} characters", "outcome")
    except BadRequest as error:
        return error.response()
    refused = _must_hold(ticket, agent.name)
    if refused is not None:
        return refused
    now = app[keys.clock_key]()
    try:
        app[keys.store_key].resolve(ticket.id, agent.name, outcome, now)
    except TicketError as error:
        return conflict(f"{error}: take it over first 请先接手工单", app[keys.store_key].get(ticket.id))
    try:
        await app[keys.rasa_key].append_event(
            ticket.conversation_id,
            {"event": "slot", "name": OUTCOME_SLOT, "value": outcome, "timestamp": now.timestamp()},
        )
        in_tracker = True
    except RasaUnavailable as error:
        log.warning("outcome of ticket %s not given to Rasa: %s", ticket.id, error)
        in_tracker = False
    resolved = app[keys.conversation_key].handoff.resolved
    app[keys.chat_log_key].add_line(ticket.buyer_id, now, "system", resolved)
    await push_to_buyer(app, ticket.buyer_id, {"type": "resolved", "text": resolved,
                                               "rating": rating_prompt(app, ticket.id, agent.display_name)})
    await notify_consoles(app, ticket.id, "resolved")
    stored = app[keys.store_key].get(ticket.id)
    return web.json_response({"ticket": ticket_json(stored), "in_tracker": in_tracker})
