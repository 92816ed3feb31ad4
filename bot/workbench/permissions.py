"""Who may do what in the console: the one place for the roles' rights over tickets and concessions.

Roles (bot.web.agents): ``agent``; ``trainer`` (an agent who also labels in /inbox); ``supervisor`` (an agent
who also sees every ticket, decides concessions above the agents' limit and reads the service report).

- Every agent sees the queue (open and claimed tickets) and may claim or take over one.
- A resolved ticket is seen by the agent who resolved it and by supervisors.
- A ticket is transferred (to a colleague or back to the queue) by the agent who holds it, or by a supervisor.
- A concession is asked for by the agent who holds the ticket (or a supervisor). Within the asker's limit
  (``pricing.agent_discount_max`` for a discount, ``pricing.compensation_max`` for a compensation; none for a
  supervisor) it is granted at once; above it, it waits for a supervisor, who is never the asker.
"""

from __future__ import annotations

from typing import Optional, Protocol

from bot.handoff.ticket import Concession, Ticket
from bot.shop.schema import Policy

CONCESSION_KINDS = ("discount", "compensation")


class Person(Protocol):
    """What the rules need to know of a signed-in agent (bot.web.agents.Agent)."""

    name: str

    @property
    def is_supervisor(self) -> bool: ...


def holds(agent: Person, ticket: Ticket) -> bool:
    """The agent has claimed the ticket and it is not finished."""
    return ticket.status == "claimed" and ticket.claimed_by == agent.name


def can_view(agent: Person, ticket: Ticket) -> bool:
    """Active tickets are everyone's to see; a resolved one, its resolver's and the supervisors'."""
    return agent.is_supervisor or ticket.active or ticket.claimed_by == agent.name


def can_list_all_resolved(agent: Person) -> bool:
    """Supervisors list every resolved ticket; an agent lists their own."""
    return agent.is_supervisor


def can_transfer(agent: Person, ticket: Ticket) -> bool:
    """The holder, or a supervisor (who may also assign a ticket still in the queue)."""
    return ticket.active and (agent.is_supervisor or holds(agent, ticket))


def can_ask_concession(agent: Person, ticket: Ticket) -> bool:
    """The holder, or a supervisor."""
    return ticket.active and (agent.is_supervisor or holds(agent, ticket))


def concession_limit(policy: Policy, agent: Person, kind: str) -> Optional[float]:
    """Yuan the agent may grant alone for this kind of concession; None: no limit (a supervisor).

    Raises:
        ValueError: an unknown kind.
    """
    if kind not in CONCESSION_KINDS:
        raise ValueError(f"kind must be one of {CONCESSION_KINDS}, not {kind!r}")
    if agent.is_supervisor:
        return None
    return policy.pricing.agent_discount_max if kind == "discount" else policy.pricing.compensation_max


def within_limit(policy: Policy, agent: Person, kind: str, amount: float) -> bool:
    """The amount needs nobody's approval when the asker grants it."""
    limit = concession_limit(policy, agent, kind)
    return limit is None or amount <= limit


def why_not_decide(agent: Person, concession: Concession) -> Optional[str]:
    """Why this agent may not approve or refuse this concession; None when they may.

    Only a supervisor decides, never on their own request, and only while it is pending.
    """
    if not agent.is_supervisor:
        return "only a supervisor decides concessions above the agents' limit 只有主管可以审批"
    if concession.requested_by == agent.name:
        return "nobody approves their own request 不能审批自己提出的申请"
    if concession.status != "pending":
        return f"this concession is {concession.status} already 已经处理过了"
    return None
