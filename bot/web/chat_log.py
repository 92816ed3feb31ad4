"""The buyer's chat as the shop page showed it, and the buyer's messages on their way to the assistant.

The web service is the buyer's only way in and out: every line a buyer sees passes through it (the
assistant's replies, agents' replies, the service's own notices such as 系统繁忙). It writes each one
here as it goes, so the buyer's history is exactly what they saw, whatever happened to Rasa meanwhile.

Each buyer message is also kept as an *inbound message* under the widget's idempotency key until the
assistant has answered it: a retried message counts once, a message that arrived while Rasa or the
action server was down waits here (``queued``) and is answered when they are back, and one that was
being sent when the web service died is found again at start-up (``sending``).

Same database and URL rule as the ticket store (bot.orders.store.SqlStore).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import JSON, Boolean, Column, Integer, String, Text, UniqueConstraint, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import declarative_base

from bot.sql_store import SqlStore, UTCDateTime

Base = declarative_base()

SENDERS = ("buyer", "bot", "agent", "system")
#: Inbound states: being sent to Rasa now; waiting for Rasa to come back; answered by the assistant;
#: given to a person (a ticket was open, or the assistant stayed away too long).
SENDING, QUEUED, ANSWERED, ROUTED = "sending", "queued", "answered", "routed"
DONE_STATES = (ANSWERED, ROUTED)


class _ChatLine(Base):
    __tablename__ = "buyer_chat_lines"

    id = Column(Integer, primary_key=True, autoincrement=True)
    buyer_id = Column(String(64), nullable=False, index=True)
    at = Column(UTCDateTime, nullable=False)
    sender = Column(String(8), nullable=False)
    text = Column(Text, nullable=False)
    buttons = Column(JSON, nullable=False)
    agent = Column(String(64))
    message_key = Column(String(64))


class _Inbound(Base):
    __tablename__ = "buyer_inbound_messages"
    __table_args__ = (UniqueConstraint("buyer_id", "message_key", name="uq_inbound_key"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    buyer_id = Column(String(64), nullable=False, index=True)
    message_key = Column(String(64), nullable=False)
    text = Column(Text, nullable=False)
    product = Column(String(64))
    button = Column(Boolean, nullable=False, default=False)
    state = Column(String(8), nullable=False, index=True)
    received_at = Column(UTCDateTime, nullable=False)
    done_at = Column(UTCDateTime)
    attempts = Column(Integer, nullable=False, default=0)
    #: Rasa may have taken it already (a timeout, an error answer, silence, a crash mid-send): read the
    #: tracker before sending it again.
    unsure = Column(Boolean, nullable=False, default=False)
    response = Column(JSON)


@dataclass(frozen=True)
class NewLine:
    """A line to add: who says it, what, with which buttons (the assistant's), and under which message key."""

    sender: str
    text: str
    buttons: Sequence[Dict[str, str]] = ()
    agent: Optional[str] = None
    message_key: Optional[str] = None


@dataclass(frozen=True)
class ChatLine:
    """One line of the buyer's chat."""

    id: int
    buyer_id: str
    at: datetime
    sender: str
    text: str
    buttons: List[Dict[str, str]]
    agent: Optional[str]
    message_key: Optional[str]


@dataclass(frozen=True)
class Inbound:
    """A buyer message on its way to the assistant.

    Attributes:
        text: what goes to Rasa: the typed text, or the payload of a button the service offered.
        button: the text is an offered button's payload (sent as a command).
        response: what the widget was answered (returned again to a retry of the same key).
    """

    id: int
    buyer_id: str
    key: str
    text: str
    product: Optional[str]
    button: bool
    state: str
    received_at: datetime
    attempts: int
    response: Optional[Dict[str, Any]]
    unsure: bool = False
    done_at: Optional[datetime] = None


def _line(row: _ChatLine) -> ChatLine:
    return ChatLine(row.id, row.buyer_id, row.at, row.sender, row.text, list(row.buttons or []), row.agent,
                    row.message_key)


def _inbound(row: _Inbound) -> Inbound:
    return Inbound(row.id, row.buyer_id, row.message_key, row.text, row.product, bool(row.button), row.state,
                   row.received_at, row.attempts or 0, row.response, bool(row.unsure), row.done_at)


class ChatLog(SqlStore):
    """Chat lines and inbound messages (see the module docstring; SqlStore for ``url``)."""

    metadata = Base.metadata

    # ------------------------------------------------------------------ lines
    @staticmethod
    def _line_row(buyer_id: str, at: datetime, line: "NewLine") -> _ChatLine:
        if line.sender not in SENDERS:
            raise ValueError(f"sender must be one of {SENDERS}, not {line.sender!r}")
        return _ChatLine(buyer_id=buyer_id, at=at, sender=line.sender, text=line.text, buttons=list(line.buttons),
                         agent=line.agent, message_key=line.message_key)

    def add_line(self, buyer_id: str, at: datetime, sender: str, text: str,
                 buttons: Sequence[Dict[str, str]] = (), agent: Optional[str] = None,
                 message_key: Optional[str] = None) -> ChatLine:
        """Append a line the buyer sent or was shown."""
        with self._transaction() as session:
            row = self._line_row(buyer_id, at, NewLine(sender, text, tuple(buttons), agent, message_key))
            session.add(row)
            session.flush()
            return _line(row)

    def add_lines(self, buyer_id: str, at: datetime, lines: Sequence["NewLine"]) -> None:
        """Append several lines in one transaction (a turn's replies)."""
        with self._transaction() as session:
            session.add_all([self._line_row(buyer_id, at, line) for line in lines])

    def lines(self, buyer_id: str, limit: int = 500) -> List[ChatLine]:
        """The buyer's latest ``limit`` lines, oldest first."""
        with self._sessions() as session:
            rows = session.execute(
                select(_ChatLine).where(_ChatLine.buyer_id == buyer_id).order_by(_ChatLine.id.desc()).limit(limit)
            ).scalars().all()
            return [_line(row) for row in reversed(rows)]

    def offered_payloads(self, buyer_id: str, last_lines: int = 10) -> List[str]:
        """Button payloads the buyer was offered in their last ``last_lines`` lines from the assistant."""
        with self._sessions() as session:
            rows = session.execute(
                select(_ChatLine.buttons).where(_ChatLine.buyer_id == buyer_id, _ChatLine.sender == "bot")
                .order_by(_ChatLine.id.desc()).limit(last_lines)
            ).scalars().all()
        return [str(b.get("payload")) for buttons in rows for b in (buttons or []) if isinstance(b, dict)]

    # ------------------------------------------------------------------ inbound messages
    def receive(self, buyer_id: str, key: str, text: str, product: Optional[str], button: bool, at: datetime,
                state: str, shown: Optional[str] = None) -> Optional[Inbound]:
        """Record a new message under its key, and (``shown``) the buyer's line for it, in one transaction;
        None when that key was already received (a retry)."""
        try:
            with self._transaction() as session:
                row = _Inbound(buyer_id=buyer_id, message_key=key, text=text, product=product, button=button,
                               state=state, received_at=at, attempts=0, unsure=False)
                session.add(row)
                if shown is not None:
                    session.add(self._line_row(buyer_id, at, NewLine("buyer", shown, message_key=key)))
                session.flush()
                return _inbound(row)
        except IntegrityError:
            return None

    def finish(self, inbound_id: int, buyer_id: str, state: str, at: datetime, lines: Sequence["NewLine"] = (),
               response: Optional[Dict[str, Any]] = None, attempted: bool = False) -> None:
        """A message's outcome and the lines it showed the buyer, in one transaction."""
        values: Dict[str, Any] = {"state": state}
        if state in DONE_STATES:
            values["done_at"] = at
        if response is not None:
            values["response"] = response
        if attempted:
            values["attempts"] = _Inbound.attempts + 1
        with self._transaction() as session:
            session.add_all([self._line_row(buyer_id, at, line) for line in lines])
            session.execute(update(_Inbound).where(_Inbound.id == inbound_id).values(**values))

    def inbound(self, buyer_id: str, key: str) -> Optional[Inbound]:
        with self._sessions() as session:
            row = session.execute(
                select(_Inbound).where(_Inbound.buyer_id == buyer_id, _Inbound.message_key == key)
            ).scalar_one_or_none()
            return _inbound(row) if row else None

    def set_state(self, inbound_id: int, state: str, at: datetime, response: Optional[Dict[str, Any]] = None,
                  attempted: bool = False, unsure: Optional[bool] = None) -> None:
        """Move a message on; a done state records when and what the widget was answered."""
        values: Dict[str, Any] = {"state": state}
        if unsure is not None:
            values["unsure"] = unsure
        if state in DONE_STATES:
            values["done_at"] = at
        if response is not None:
            values["response"] = response
        if attempted:
            values["attempts"] = _Inbound.attempts + 1
        with self._transaction() as session:
            session.execute(update(_Inbound).where(_Inbound.id == inbound_id).values(**values))

    def has_waiting(self, buyer_id: str) -> bool:
        """True while an earlier message of the buyer waits for the assistant (later ones queue behind it)."""
        with self._sessions() as session:
            found = session.execute(
                select(_Inbound.id).where(_Inbound.buyer_id == buyer_id, _Inbound.state == QUEUED).limit(1)
            ).first()
            return found is not None

    def waiting(self, states: Sequence[str] = (QUEUED,)) -> Dict[str, List[Inbound]]:
        """Messages in ``states``, by buyer, oldest first (the buyers with the oldest message first)."""
        with self._sessions() as session:
            rows = session.execute(
                select(_Inbound).where(_Inbound.state.in_(list(states))).order_by(_Inbound.id)
            ).scalars().all()
        by_buyer: Dict[str, List[Inbound]] = {}
        for row in rows:
            by_buyer.setdefault(row.buyer_id, []).append(_inbound(row))
        return by_buyer

    def count(self, state: Optional[str] = None) -> int:
        with self._sessions() as session:
            query = select(func.count(_Inbound.id))
            if state is not None:
                query = query.where(_Inbound.state == state)
            return int(session.execute(query).scalar_one())
