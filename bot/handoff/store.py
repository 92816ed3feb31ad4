"""The ticket store: tickets, their transcript lines and notes, in the orders' database.

Same database and URL rule as bot.orders.store (argument, else ``DATABASE_URL``, else the SQLite
file var/orders.sqlite); SQLite or PostgreSQL. Reads and writes hand back fresh Ticket snapshots,
never live ORM objects. Times are passed in and must be timezone-aware.
"""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from sqlalchemy import JSON, Column, Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Session, declarative_base, relationship, selectinload

# The stores' shared engine rules and UTC column type: one database, one way of storing times.
from bot.sql_store import SqlStore, UTCDateTime
from bot.handoff.ticket import ACTIVE_STATUSES, PRIORITY_RANK, Note, Ticket, TranscriptLine, highest_priority

Base = declarative_base()


class TicketError(Exception):
    """A ticket operation that is not allowed."""


class TicketNotFound(TicketError, LookupError):
    """No ticket with that id."""


class TicketTaken(TicketError):
    """Another agent has claimed the ticket."""

    def __init__(self, ticket_id: str, claimed_by: str):
        super().__init__(f"ticket {ticket_id} is claimed by {claimed_by}")
        self.ticket_id = ticket_id
        self.claimed_by = claimed_by


class TicketStateError(TicketError):
    """The ticket's status does not allow this (resolved already, not claimed by this agent...)."""


class _Ticket(Base):
    __tablename__ = "handoff_tickets"

    id = Column(String(40), primary_key=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    buyer_id = Column(String(64), index=True)
    product_id = Column(String(64))
    order_ids = Column(JSON, nullable=False)
    reasons = Column(JSON, nullable=False)
    priority = Column(String(8), nullable=False)
    priority_rank = Column(Integer, nullable=False)
    summary = Column(JSON, nullable=False)
    facts = Column(JSON, nullable=False)
    next_step = Column(Text, nullable=False)
    status = Column(String(10), nullable=False, index=True)
    claimed_by = Column(String(64))
    outcome = Column(Text)
    created_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False)

    lines = relationship("_Line", order_by="_Line.id", cascade="all, delete-orphan")
    notes = relationship("_Note", order_by="_Note.id", cascade="all, delete-orphan")


class _Line(Base):
    __tablename__ = "handoff_transcript_lines"

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(String(40), ForeignKey("handoff_tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    at = Column(UTCDateTime, nullable=False)
    sender = Column(String(8), nullable=False)
    text = Column(Text, nullable=False)
    intent = Column(String(64))
    confidence = Column(Float)
    agent = Column(String(64))


class _Note(Base):
    __tablename__ = "handoff_notes"

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(String(40), ForeignKey("handoff_tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    at = Column(UTCDateTime, nullable=False)
    agent = Column(String(64), nullable=False)
    text = Column(Text, nullable=False)


def _line_row(line: TranscriptLine) -> _Line:
    return _Line(**line.dict())


def _snapshot(row: _Ticket) -> Ticket:
    return Ticket(
        id=row.id,
        conversation_id=row.conversation_id,
        buyer_id=row.buyer_id,
        product_id=row.product_id,
        order_ids=list(row.order_ids),
        reasons=list(row.reasons),
        priority=row.priority,
        summary=list(row.summary),
        facts=dict(row.facts),
        next_step=row.next_step,
        status=row.status,
        claimed_by=row.claimed_by,
        outcome=row.outcome,
        created_at=row.created_at,
        updated_at=row.updated_at,
        transcript=[
            TranscriptLine(at=l.at, sender=l.sender, text=l.text, intent=l.intent, confidence=l.confidence, agent=l.agent)
            for l in row.lines
        ],
        notes=[Note(at=n.at, agent=n.agent, text=n.text) for n in row.notes],
    )


def _line_key(line) -> tuple:
    return (line.at, line.sender, line.text)


def _merged(old: List[str], new: List[str]) -> List[str]:
    return old + [value for value in new if value not in old]


class TicketStore(SqlStore):
    """Hand-off tickets in SQL, beside the orders (see SqlStore for ``url``)."""

    metadata = Base.metadata

    @staticmethod
    def _query():
        return select(_Ticket).options(selectinload(_Ticket.lines), selectinload(_Ticket.notes))

    def _locked(self, session: Session, ticket_id: str) -> _Ticket:
        # FOR UPDATE on PostgreSQL so two agents cannot both pass the claim check.
        row = session.execute(
            self._query().where(_Ticket.id == str(ticket_id)).with_for_update()
        ).scalar_one_or_none()
        if row is None:
            raise TicketNotFound(f"no ticket {ticket_id}")
        return row

    def _active_row(self, session: Session, conversation_id: str) -> Optional[_Ticket]:
        return (
            session.execute(
                self._query()
                .where(_Ticket.conversation_id == conversation_id, _Ticket.status.in_(ACTIVE_STATUSES))
                .order_by(_Ticket.created_at, _Ticket.id)
                .with_for_update()
            )
            .scalars()
            .first()
        )

    # -- writes ----------------------------------------------------------------------------------

    def create(self, ticket: Ticket) -> Ticket:
        """Store a new ticket, or merge it into the conversation's open or claimed ticket.

        Merging keeps the existing id, status and claimer; adds the new reasons, order ids, next
        steps and transcript lines not stored yet; takes the new summary and facts (the newer
        picture of the chat) and the more urgent priority.

        Returns:
            The stored ticket.
        """
        with self._transaction() as session:
            row = self._active_row(session, ticket.conversation_id)
            if row is None:
                data = ticket.dict(exclude={"transcript", "notes"})
                data.update(status="open", claimed_by=None, outcome=None)
                row = _Ticket(**data, priority_rank=PRIORITY_RANK[ticket.priority])
                row.lines = [_line_row(line) for line in ticket.transcript]
                row.notes = [_Note(**note.dict()) for note in ticket.notes]
                session.add(row)
            else:
                row.reasons = _merged(list(row.reasons), ticket.reasons)
                row.order_ids = _merged(list(row.order_ids), ticket.order_ids)
                row.priority = highest_priority([row.priority, ticket.priority])
                row.priority_rank = PRIORITY_RANK[row.priority]
                row.summary = list(ticket.summary)
                row.facts = {**row.facts, **ticket.facts}
                steps = _merged(row.next_step.splitlines(), ticket.next_step.splitlines())
                row.next_step = "\n".join(steps)
                row.buyer_id = row.buyer_id or ticket.buyer_id
                row.product_id = ticket.product_id or row.product_id
                stored = {_line_key(line) for line in row.lines}
                for line in ticket.transcript:
                    if _line_key(line) not in stored:
                        row.lines.append(_line_row(line))
                for note in ticket.notes:
                    row.notes.append(_Note(**note.dict()))
                row.updated_at = max(row.updated_at, ticket.updated_at)
            ticket_id = row.id
        return self.get(ticket_id)

    def claim(self, ticket_id: str, agent: str, *, at: datetime, take_over: bool = False) -> Ticket:
        """An agent takes the ticket.

        Raises:
            TicketNotFound: no such ticket.
            TicketTaken: another agent holds it and ``take_over`` is not set.
            TicketStateError: the ticket is resolved.
        """
        with self._transaction() as session:
            row = self._locked(session, ticket_id)
            if row.status == "resolved":
                raise TicketStateError(f"ticket {ticket_id} is resolved")
            if row.status == "claimed" and row.claimed_by != agent and not take_over:
                raise TicketTaken(ticket_id, row.claimed_by)
            row.status, row.claimed_by, row.updated_at = "claimed", agent, at
        return self.get(ticket_id)

    def add_line(self, ticket_id: str, line: TranscriptLine) -> Ticket:
        """Add a message to the transcript (the buyer writing on, an agent's reply).

        Raises:
            TicketNotFound, TicketStateError: the ticket is resolved.
        """
        with self._transaction() as session:
            row = self._locked(session, ticket_id)
            if row.status == "resolved":
                raise TicketStateError(f"ticket {ticket_id} is resolved")
            row.lines.append(_line_row(line))
            row.updated_at = max(row.updated_at, line.at)
        return self.get(ticket_id)

    def add_note(self, ticket_id: str, agent: str, text: str, at: datetime) -> Ticket:
        """Add an agent's note (allowed on resolved tickets too: notes explain what happened)."""
        with self._transaction() as session:
            row = self._locked(session, ticket_id)
            row.notes.append(_Note(at=at, agent=agent, text=text))
            row.updated_at = max(row.updated_at, at)
        return self.get(ticket_id)

    def resolve(self, ticket_id: str, agent: str, outcome: str, at: datetime) -> Ticket:
        """Close the ticket with its outcome; only the agent who claimed it may.

        Raises:
            TicketNotFound, TicketStateError: not claimed, claimed by another agent, or resolved.
        """
        with self._transaction() as session:
            row = self._locked(session, ticket_id)
            if row.status != "claimed":
                raise TicketStateError(f"ticket {ticket_id} is {row.status}, not claimed")
            if row.claimed_by != agent:
                raise TicketStateError(f"ticket {ticket_id} is claimed by {row.claimed_by}, not {agent}")
            row.status, row.outcome, row.updated_at = "resolved", outcome, at
        return self.get(ticket_id)

    # -- reads -----------------------------------------------------------------------------------

    def get(self, ticket_id: str) -> Ticket:
        """A ticket by id.

        Raises:
            TicketNotFound: no such ticket.
        """
        with self._sessions() as session:
            row = session.execute(self._query().where(_Ticket.id == str(ticket_id))).scalar_one_or_none()
            if row is None:
                raise TicketNotFound(f"no ticket {ticket_id}")
            return _snapshot(row)

    def open_for_conversation(self, conversation_id: str) -> Optional[Ticket]:
        """The conversation's open or claimed ticket, if any."""
        with self._sessions() as session:
            row = (
                session.execute(
                    self._query()
                    .where(_Ticket.conversation_id == conversation_id, _Ticket.status.in_(ACTIVE_STATUSES))
                    .order_by(_Ticket.created_at, _Ticket.id)
                )
                .scalars()
                .first()
            )
            return _snapshot(row) if row is not None else None

    def for_buyer(self, buyer_id: str) -> List[Ticket]:
        """The buyer's tickets, newest first."""
        with self._sessions() as session:
            rows = session.execute(
                self._query().where(_Ticket.buyer_id == buyer_id).order_by(_Ticket.created_at.desc(), _Ticket.id)
            ).scalars()
            return [_snapshot(row) for row in rows]

    def queue(self) -> List[Ticket]:
        """Open and claimed tickets: urgent first, then the oldest."""
        with self._sessions() as session:
            rows = session.execute(
                self._query()
                .where(_Ticket.status.in_(ACTIVE_STATUSES))
                .order_by(_Ticket.priority_rank, _Ticket.created_at, _Ticket.id)
            ).scalars()
            return [_snapshot(row) for row in rows]
