"""The queue as agents work it: how long each buyer has waited, filters (priority, reason, mine, unclaimed) and
search by buyer, order number or text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional

from bot.handoff.ticket import PRIORITY_RANK, Ticket
from bot.shop.schema import Policy
from bot.workbench.words import buyer_name, reason_words

MAX_QUERY = 100


@dataclass(frozen=True)
class QueueFilter:
    """What an agent narrowed the queue to; empty fields filter nothing.

    Attributes:
        priority: ``urgent`` / ``high`` / ``normal``.
        reason: a hand-off reason key.
        mine: only tickets the agent holds.
        unclaimed: only tickets nobody holds.
        query: words found in the buyer's id or name, an order number (or its last digits), or the text.
    """

    priority: Optional[str] = None
    reason: Optional[str] = None
    mine: bool = False
    unclaimed: bool = False
    query: str = ""


def waiting_since(ticket: Ticket) -> Optional[datetime]:
    """When the buyer's last message arrived, if no agent has answered since; None when an agent spoke last.

    A ticket whose transcript has no buyer message waits since it was opened.
    """
    for line in reversed(ticket.transcript):
        if line.sender == "agent":
            return None
        if line.sender == "buyer":
            return line.at
    return ticket.created_at if ticket.active else None


def _haystack(ticket: Ticket) -> str:
    parts: List[str] = [ticket.id, ticket.buyer_id or "", buyer_name(ticket.buyer_id), *ticket.order_ids,
                        *ticket.summary, ticket.outcome or ""]
    parts += [line.text for line in ticket.transcript]
    parts += [note.text for note in ticket.notes]
    parts += [str(value) for value in ticket.facts.values()]
    return "\n".join(parts).lower()


def matches(ticket: Ticket, wanted: QueueFilter, agent: str) -> bool:
    """Whether a ticket passes the filter for ``agent`` (the signed-in agent's name)."""
    if wanted.priority and ticket.priority != wanted.priority:
        return False
    if wanted.reason and wanted.reason not in ticket.reasons:
        return False
    if wanted.mine and not (ticket.status == "claimed" and ticket.claimed_by == agent):
        return False
    if wanted.unclaimed and ticket.status != "open":
        return False
    query = wanted.query.strip().lower()
    if query and not all(word in _haystack(ticket) for word in query.split()):
        return False
    return True


def filtered(tickets: Iterable[Ticket], wanted: QueueFilter, agent: str) -> List[Ticket]:
    """The tickets that pass, in their order."""
    return [ticket for ticket in tickets if matches(ticket, wanted, agent)]


def ticket_view(policy: Policy, ticket: Ticket, now: datetime) -> Dict[str, Any]:
    """What the console shows of a ticket besides its JSON: the buyer's name, the reasons in words, how long the
    buyer has waited and whether that is past the policy's highlight (``console.wait_warning_minutes``)."""
    since = waiting_since(ticket)
    waited = max(0.0, (now - since).total_seconds()) if since is not None else None
    return {
        "buyer_name": buyer_name(ticket.buyer_id),
        "reason_words": reason_words(policy, ticket.reasons),
        "waiting_since": since.isoformat() if since is not None else None,
        "waiting_s": waited,
        "waiting_too_long": waited is not None and ticket.active
        and waited >= policy.console.wait_warning_minutes * 60,
        "priority_rank": PRIORITY_RANK[ticket.priority],
    }
