"""The hand-off ticket: the one definition of its JSON, shared by the bot, the store and the console."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Literal, Optional, Tuple

from pydantic import BaseModel, Extra, conint, validator

Priority = Literal["urgent", "high", "normal"]
Status = Literal["open", "claimed", "resolved"]
Sender = Literal["buyer", "bot", "agent"]
#: How the holder of a ticket changed: claimed from the queue, taken over from a colleague, handed to a
#: named colleague, put back in the queue, or resolved.
HolderChange = Literal["claimed", "taken_over", "transferred", "released", "resolved"]
#: A price concession (改价/让利) or a compensation (补偿) an agent gives a buyer.
ConcessionKind = Literal["discount", "compensation"]
ConcessionStatus = Literal["pending", "approved", "refused"]

#: Sort order of priorities: urgent first.
PRIORITY_RANK: Dict[str, int] = {"urgent": 0, "high": 1, "normal": 2}
#: The key of an assistant reply's custom payload that carries a ticket for the web service to open: the
#: actions decide a person is needed, the web service (the one writer of tickets) opens it.
REPLY_PAYLOAD_KEY = "handoff_ticket"
#: Statuses of a ticket someone still has to finish.
ACTIVE_STATUSES: Tuple[str, ...] = ("open", "claimed")


def _aware(value: datetime) -> datetime:
    # A naive time would be read differently by each side; refuse it rather than guess.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetimes must be timezone-aware")
    return value


class _Model(BaseModel):
    class Config:
        extra = Extra.forbid
        json_encoders = {datetime: lambda v: v.astimezone(timezone.utc).isoformat()}


class TranscriptLine(_Model):
    """One message of the chat: the buyer's (with what the bot understood and how sure), the bot's or an agent's."""

    at: datetime
    sender: Sender
    text: str
    intent: Optional[str] = None
    confidence: Optional[float] = None
    agent: Optional[str] = None

    _at = validator("at", allow_reuse=True)(_aware)


class Note(_Model):
    """An agent's note on the ticket (what was promised, the compensation given...)."""

    at: datetime
    agent: str
    text: str

    _at = validator("at", allow_reuse=True)(_aware)


class Assignment(_Model):
    """One change of who holds the ticket (the ticket's history of holders).

    Attributes:
        kind: what happened (HolderChange).
        by: the agent who did it.
        to: who holds the ticket afterwards; None when it went back to the queue or was resolved.
        note: why, in the agent's words (a transfer's note to the colleague).
    """

    at: datetime
    kind: HolderChange
    by: str
    to: Optional[str] = None
    note: Optional[str] = None

    _at = validator("at", allow_reuse=True)(_aware)


class Concession(_Model):
    """A concession asked for on the ticket, and the decision on it.

    Attributes:
        id: the store's number for it (0 before it is stored).
        requested_by: the agent who asked.
        kind: ``discount`` (a lower price) or ``compensation`` (money back for a problem).
        amount: yuan.
        within_limit: the amount was within what the requester may grant alone, so it needed nobody's approval.
        status: ``pending`` until a supervisor decides; ``approved`` or ``refused``.
    """

    id: int = 0
    at: datetime
    requested_by: str
    kind: ConcessionKind
    amount: float
    reason: str
    order_id: Optional[str] = None
    within_limit: bool = False
    status: ConcessionStatus = "pending"
    decided_by: Optional[str] = None
    decided_at: Optional[datetime] = None
    decision_note: Optional[str] = None

    _at = validator("at", allow_reuse=True)(_aware)

    @validator("decided_at")
    def _decided_aware(cls, value: Optional[datetime]) -> Optional[datetime]:
        return None if value is None else _aware(value)


class Rating(_Model):
    """The buyer's satisfaction with the service, asked for when the ticket is resolved."""

    score: conint(ge=1, le=5)  # type: ignore[valid-type]
    comment: Optional[str] = None
    at: datetime

    _at = validator("at", allow_reuse=True)(_aware)


class Ticket(_Model):
    """A chat handed to a person.

    Attributes:
        id: the ticket id.
        conversation_id: the Rasa sender id of the chat.
        buyer_id: the Taobao buyer id (message metadata), when known.
        product_id: the product the buyer looked at or asked about.
        order_ids: the orders mentioned.
        reasons: canonical reason keys (bot.shop.schema.HANDOFF_REASONS), in the order they arose.
        priority: ``urgent`` | ``high`` | ``normal``.
        summary: 2-3 lines in Chinese an agent can act on without reading the chat.
        facts: what the bot gathered (height, weight, size, amount asked off...), by slot name.
        next_step: what the agent does next, one line per reason.
        status: ``open`` -> ``claimed`` -> ``resolved``.
        claimed_by, outcome: who took it and how it ended.
        transcript, notes: the chat and the agents' notes, oldest first.
        history: who held it and when (claims, take-overs, transfers, resolving), oldest first.
        concessions: concessions asked for and decided on this ticket, oldest first.
        rating: the buyer's rating of the service, once given.
    """

    id: str
    conversation_id: str
    buyer_id: Optional[str] = None
    product_id: Optional[str] = None
    order_ids: List[str] = []
    reasons: List[str] = []
    priority: Priority = "normal"
    summary: List[str] = []
    facts: Dict[str, Any] = {}
    next_step: str = ""
    status: Status = "open"
    claimed_by: Optional[str] = None
    outcome: Optional[str] = None
    created_at: datetime
    updated_at: datetime
    transcript: List[TranscriptLine] = []
    notes: List[Note] = []
    history: List[Assignment] = []
    concessions: List[Concession] = []
    rating: Optional[Rating] = None

    _times = validator("created_at", "updated_at", allow_reuse=True)(_aware)

    @property
    def priority_rank(self) -> Tuple[int, datetime, str]:
        """Sort key of the queue: urgent first, then the oldest, then by id (stable)."""
        return (PRIORITY_RANK[self.priority], self.created_at, self.id)

    @property
    def resolved_at(self) -> Optional[datetime]:
        """When it was resolved (its last ``resolved`` change), else None."""
        times = [change.at for change in self.history if change.kind == "resolved"]
        return times[-1] if times and self.status == "resolved" else None

    @property
    def active(self) -> bool:
        """Still to be finished (open or claimed)."""
        return self.status in ACTIVE_STATUSES


def highest_priority(priorities: List[str]) -> str:
    """The most urgent of some priorities (``normal`` for none)."""
    return min(priorities, key=PRIORITY_RANK.__getitem__, default="normal")
