"""The ticket store: tickets, their transcript lines and notes, in the orders' database.

Same database and URL rule as bot.orders.store (argument, else ``DATABASE_URL``, else the SQLite
file var/orders.sqlite); SQLite or PostgreSQL. Reads and writes hand back fresh Ticket snapshots,
never live ORM objects. Times are passed in and must be timezone-aware.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterator, List, Optional, Sequence, Tuple

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Session, declarative_base, relationship, selectinload

# The stores' shared engine rules and UTC column type: one database, one way of storing times.
from bot.sql_store import SqlStore, UTCDateTime
from bot.handoff.ticket import (
    ACTIVE_STATUSES,
    PRIORITY_RANK,
    Assignment,
    Concession,
    Note,
    Rating,
    Ticket,
    TranscriptLine,
    highest_priority,
)

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
    # Tables of their own (not columns of this one): a database made before them gains them by create_all.
    history = relationship("_Assignment", order_by="_Assignment.id", cascade="all, delete-orphan")
    concessions = relationship("_Concession", order_by="_Concession.id", cascade="all, delete-orphan")
    rating = relationship("_Rating", uselist=False, cascade="all, delete-orphan")


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


class _Assignment(Base):
    __tablename__ = "handoff_assignments"

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(String(40), ForeignKey("handoff_tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    at = Column(UTCDateTime, nullable=False)
    kind = Column(String(16), nullable=False)
    by = Column(String(64), nullable=False)
    to = Column(String(64))
    note = Column(Text)


class _Concession(Base):
    __tablename__ = "handoff_concessions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(String(40), ForeignKey("handoff_tickets.id", ondelete="CASCADE"), nullable=False, index=True)
    at = Column(UTCDateTime, nullable=False)
    requested_by = Column(String(64), nullable=False)
    kind = Column(String(16), nullable=False)
    amount_cents = Column(Integer, nullable=False)
    reason = Column(Text, nullable=False)
    order_id = Column(String(18))
    within_limit = Column(Boolean, nullable=False, default=False)
    status = Column(String(10), nullable=False, index=True)
    decided_by = Column(String(64))
    decided_at = Column(UTCDateTime)
    decision_note = Column(Text)


class _Rating(Base):
    __tablename__ = "handoff_ratings"

    ticket_id = Column(String(40), ForeignKey("handoff_tickets.id", ondelete="CASCADE"), primary_key=True)
    score = Column(Integer, nullable=False)
    comment = Column(Text)
    at = Column(UTCDateTime, nullable=False)


@dataclass(frozen=True)
class TicketFigures:
    """What the service report needs of one ticket, read in bulk without its transcript.

    Attributes:
        agent: who held it last (the resolver of a resolved ticket).
        first_agent_reply_at: the first agent's line in its transcript, if any.
        resolved_at: its last ``resolved`` change, if resolved.
        rating: the buyer's score, if rated.
    """

    id: str
    conversation_id: str
    created_at: datetime
    reasons: Tuple[str, ...]
    priority: str
    status: str
    agent: Optional[str]
    first_agent_reply_at: Optional[datetime]
    resolved_at: Optional[datetime]
    rating: Optional[int]


def _concession(row: _Concession) -> Concession:
    return Concession(
        id=row.id, at=row.at, requested_by=row.requested_by, kind=row.kind, amount=row.amount_cents / 100,
        reason=row.reason, order_id=row.order_id, within_limit=bool(row.within_limit), status=row.status,
        decided_by=row.decided_by, decided_at=row.decided_at, decision_note=row.decision_note,
    )


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
        history=[Assignment(at=a.at, kind=a.kind, by=a.by, to=a.to, note=a.note) for a in row.history],
        concessions=[_concession(c) for c in row.concessions],
        rating=Rating(score=row.rating.score, comment=row.rating.comment, at=row.rating.at) if row.rating else None,
    )


def _as_utc(column_type: UTCDateTime, value, session: Session) -> Optional[datetime]:
    """An aggregate's time (SQLite hands back text, PostgreSQL a naive datetime) as an aware UTC datetime."""
    if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return column_type.process_result_value(value, session.bind.dialect)


def _line_key(line) -> tuple:
    return (line.at, line.sender, line.text)


def _merged(old: List[str], new: List[str]) -> List[str]:
    return old + [value for value in new if value not in old]


class TicketStore(SqlStore):
    """Hand-off tickets in SQL, beside the orders (see SqlStore for ``url``)."""

    metadata = Base.metadata

    @staticmethod
    def _query():
        return select(_Ticket).options(selectinload(_Ticket.lines), selectinload(_Ticket.notes),
                                       selectinload(_Ticket.history), selectinload(_Ticket.concessions),
                                       selectinload(_Ticket.rating))

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
                # What happens to a ticket afterwards (holders, concessions, rating) is the store's to record.
                data = ticket.dict(exclude={"transcript", "notes", "history", "concessions", "rating"})
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

    def import_tickets(self, tickets: Sequence[Ticket]) -> int:
        """Stores whole tickets as they are (status, transcript, notes, holders, concessions and rating included) in
        one transaction: for tickets brought over from another system, and the report's synthetic month.

        Returns:
            How many were stored.

        Raises:
            sqlalchemy.exc.IntegrityError: an id that is already stored (nothing is stored then).
        """
        with self._transaction() as session:
            for ticket in tickets:
                row = _Ticket(**ticket.dict(exclude={"transcript", "notes", "history", "concessions", "rating"}),
                              priority_rank=PRIORITY_RANK[ticket.priority])
                row.lines = [_line_row(line) for line in ticket.transcript]
                row.notes = [_Note(**note.dict()) for note in ticket.notes]
                row.history = [_Assignment(**change.dict()) for change in ticket.history]
                row.concessions = [_Concession(**c.dict(exclude={"id", "amount"}), amount_cents=int(round(c.amount * 100)))
                                   for c in ticket.concessions]
                if ticket.rating is not None:
                    row.rating = _Rating(**ticket.rating.dict())
                session.add(row)
        return len(tickets)

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
            if row.status != "claimed" or row.claimed_by != agent:
                kind = "taken_over" if row.status == "claimed" else "claimed"
                row.history.append(_Assignment(at=at, kind=kind, by=agent, to=agent))
            row.status, row.claimed_by, row.updated_at = "claimed", agent, at
        return self.get(ticket_id)

    def transfer(self, ticket_id: str, by: str, to: Optional[str], at: datetime, note: Optional[str] = None) -> Ticket:
        """Hand the ticket to the colleague ``to``, or back to the queue (``to`` None). Who may is the caller's
        rule (bot.workbench.permissions); the store keeps the state consistent.

        Raises:
            TicketNotFound, TicketStateError: resolved, or ``to`` holds it already, or it is in the queue already.
        """
        with self._transaction() as session:
            row = self._locked(session, ticket_id)
            if row.status == "resolved":
                raise TicketStateError(f"ticket {ticket_id} is resolved")
            if to is not None and row.status == "claimed" and row.claimed_by == to:
                raise TicketStateError(f"ticket {ticket_id} is held by {to} already")
            if to is None and row.status == "open":
                raise TicketStateError(f"ticket {ticket_id} is in the queue already")
            row.history.append(_Assignment(at=at, kind="transferred" if to else "released", by=by, to=to, note=note))
            row.status, row.claimed_by = ("claimed", to) if to else ("open", None)
            row.updated_at = max(row.updated_at, at)
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
            row.history.append(_Assignment(at=at, kind="resolved", by=agent, to=None))
        return self.get(ticket_id)

    def request_concession(self, ticket_id: str, concession: Concession) -> Tuple[Ticket, Concession]:
        """Record a concession asked for on the ticket (already ``approved`` when within the requester's limit).

        Returns:
            The ticket and the stored concession (with its id).

        Raises:
            TicketNotFound, TicketStateError: the ticket is resolved.
        """
        with self._transaction() as session:
            row = self._locked(session, ticket_id)
            if row.status == "resolved":
                raise TicketStateError(f"ticket {ticket_id} is resolved")
            data = concession.dict(exclude={"id", "amount"})
            stored = _Concession(**data, amount_cents=int(round(concession.amount * 100)))
            row.concessions.append(stored)
            row.updated_at = max(row.updated_at, concession.at)
            session.flush()
            concession_id = stored.id
        ticket = self.get(ticket_id)
        return ticket, next(c for c in ticket.concessions if c.id == concession_id)

    def concession(self, ticket_id: str, concession_id: int) -> Concession:
        """One concession of a ticket.

        Raises:
            TicketNotFound: no such ticket, or no such concession on it.
        """
        with self._sessions() as session:
            row = session.get(_Concession, int(concession_id))
            if row is None or row.ticket_id != str(ticket_id):
                raise TicketNotFound(f"no concession {concession_id} on ticket {ticket_id}")
            return _concession(row)

    def decide_concession(self, ticket_id: str, concession_id: int, by: str, approve: bool, at: datetime,
                          note: Optional[str] = None) -> Ticket:
        """Approve or refuse a pending concession (who may is bot.workbench.permissions' rule).

        Raises:
            TicketNotFound, TicketStateError: decided already.
        """
        with self._transaction() as session:
            row = self._locked(session, ticket_id)
            found = next((c for c in row.concessions if c.id == int(concession_id)), None)
            if found is None:
                raise TicketNotFound(f"no concession {concession_id} on ticket {ticket_id}")
            if found.status != "pending":
                raise TicketStateError(f"concession {concession_id} is {found.status} already")
            found.status = "approved" if approve else "refused"
            found.decided_by, found.decided_at, found.decision_note = by, at, note
            row.updated_at = max(row.updated_at, at)
        return self.get(ticket_id)

    def rate(self, ticket_id: str, rating: Rating) -> Ticket:
        """The buyer's rating of a resolved ticket, once.

        Raises:
            TicketNotFound, TicketStateError: not resolved, or rated already.
        """
        with self._transaction() as session:
            row = self._locked(session, ticket_id)
            if row.status != "resolved":
                raise TicketStateError(f"ticket {ticket_id} is {row.status}, not resolved")
            if row.rating is not None:
                raise TicketStateError(f"ticket {ticket_id} is rated already")
            row.rating = _Rating(score=rating.score, comment=rating.comment, at=rating.at)
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

    def latest_resolved_for_conversation(self, conversation_id: str) -> Optional[Ticket]:
        """The conversation's most recently resolved ticket, if any (the one the buyer may rate)."""
        with self._sessions() as session:
            row = session.execute(
                self._query()
                .where(_Ticket.conversation_id == conversation_id, _Ticket.status == "resolved")
                .order_by(_Ticket.updated_at.desc(), _Ticket.id.desc())
                .limit(1)
            ).scalars().first()
            return _snapshot(row) if row is not None else None

    def recent(self, status: Optional[str] = None, agent: Optional[str] = None, limit: int = 200) -> List[Ticket]:
        """Tickets newest first, optionally of one status and last held by one agent (resolved lists)."""
        query = self._query().order_by(_Ticket.created_at.desc(), _Ticket.id.desc()).limit(limit)
        if status is not None:
            query = query.where(_Ticket.status == status)
        if agent is not None:
            query = query.where(_Ticket.claimed_by == agent)
        with self._sessions() as session:
            return [_snapshot(row) for row in session.execute(query).scalars()]

    def figures(self, start: datetime, end: datetime) -> Iterator[TicketFigures]:
        """Every ticket created in [start, end), for the service report: a few aggregate queries, no transcripts."""
        first_reply = (
            select(_Line.ticket_id, func.min(_Line.at).label("at"))
            .where(_Line.sender == "agent")
            .group_by(_Line.ticket_id)
            .subquery()
        )
        resolved = (
            select(_Assignment.ticket_id, func.max(_Assignment.at).label("at"))
            .where(_Assignment.kind == "resolved")
            .group_by(_Assignment.ticket_id)
            .subquery()
        )
        query = (
            select(_Ticket.id, _Ticket.conversation_id, _Ticket.created_at, _Ticket.reasons, _Ticket.priority,
                   _Ticket.status, _Ticket.claimed_by, _Ticket.updated_at, first_reply.c.at, resolved.c.at,
                   _Rating.score)
            .outerjoin(first_reply, first_reply.c.ticket_id == _Ticket.id)
            .outerjoin(resolved, resolved.c.ticket_id == _Ticket.id)
            .outerjoin(_Rating, _Rating.ticket_id == _Ticket.id)
            .where(_Ticket.created_at >= start, _Ticket.created_at < end)
            .order_by(_Ticket.created_at, _Ticket.id)
        )
        utc = UTCDateTime()
        with self._sessions() as session:
            for (ticket_id, conversation_id, created_at, reasons, priority, status, agent, updated_at, replied_at,
                 resolved_at, score) in session.execute(query):
                # Aggregates come back as plain values, not through the column type: read them as it would.
                replied_at = _as_utc(utc, replied_at, session)
                resolved_at = _as_utc(utc, resolved_at, session)
                if status == "resolved" and resolved_at is None:
                    resolved_at = updated_at  # resolved before the history was kept
                yield TicketFigures(ticket_id, conversation_id, created_at, tuple(reasons or ()), priority, status,
                                    agent, replied_at, resolved_at if status == "resolved" else None, score)

    def queue(self) -> List[Ticket]:
        """Open and claimed tickets: urgent first, then the oldest."""
        with self._sessions() as session:
            rows = session.execute(
                self._query()
                .where(_Ticket.status.in_(ACTIVE_STATUSES))
                .order_by(_Ticket.priority_rank, _Ticket.created_at, _Ticket.id)
            ).scalars()
            return [_snapshot(row) for row in rows]
