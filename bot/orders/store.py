"""The order store: orders, their lines, tracking, change log, returns and complaints (SQLAlchemy 1.4 ORM over
bot.sql_store, SQLite or PostgreSQL).

Reads hand back immutable snapshots (bot.orders.model), never live ORM objects. Every write says
who did it (``by``: ``buyer:<id>``, ``bot``, ``agent:<name>``) and when (``at``, timezone-aware,
passed in), checks that the order's status allows it, and adds a row to the order's change log.
"""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional, Sequence

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text, delete, select
from sqlalchemy.orm import Session, declarative_base, relationship, selectinload

from bot.orders.model import (
    CHANGEABLE,
    CLOSED,
    COMPLAINT_KINDS,
    FLAG_COLOURS,
    OPEN_RETURN_STATUSES,
    PACKED,
    PAID,
    PRIORITIES,
    RETURN_KINDS,
    RETURN_STATUSES,
    SHIPPED,
    SIGNED,
    STATUSES,
    UNPAID,
    Complaint,
    NewOrder,
    OrderChange,
    OrderItem,
    OrderNotFound,
    OrderStateError,
    OrderView,
    ReturnRequest,
    TrackingEvent,
)
from bot.sql_store import SqlStore, UTCDateTime

#: What each status may move to through ``advance`` (the platform and warehouse side).
_NEXT = {UNPAID: (PAID,), PAID: (PACKED,), PACKED: (SHIPPED,), SHIPPED: (SIGNED,)}
_STAMP = {
    PAID: "paid_at",
    PACKED: "packed_at",
    SHIPPED: "shipped_at",
    SIGNED: "signed_at",
    CLOSED: "closed_at",
}

Base = declarative_base()


def _cents(yuan: float) -> int:
    return int(round(float(yuan) * 100))


def _yuan(cents: int) -> float:
    return cents / 100


class _Order(Base):
    __tablename__ = "orders"

    id = Column(String(18), primary_key=True)
    buyer_id = Column(String(64), nullable=False, index=True)
    status = Column(String(16), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    paid_at = Column(UTCDateTime)
    packed_at = Column(UTCDateTime)
    shipped_at = Column(UTCDateTime)
    signed_at = Column(UTCDateTime)
    closed_at = Column(UTCDateTime)
    courier = Column(String(32))
    tracking_no = Column(String(40))
    receiver_name = Column(String(64), nullable=False)
    receiver_phone = Column(String(32), nullable=False)
    address = Column(Text, nullable=False)
    region = Column(String(16), nullable=False)
    total_cents = Column(Integer, nullable=False)

    items = relationship("_Item", order_by="_Item.position", cascade="all, delete-orphan")
    tracking = relationship("_Tracking", order_by="_Tracking.id", cascade="all, delete-orphan")
    changes = relationship("_Change", order_by="_Change.id", cascade="all, delete-orphan")
    returns = relationship("_Return", order_by="_Return.id", cascade="all, delete-orphan")
    complaints = relationship("_Complaint", order_by="_Complaint.id", cascade="all, delete-orphan")


class _Item(Base):
    __tablename__ = "order_items"

    id = Column(Integer, primary_key=True, autoincrement=True)
    order_id = Column(String(18), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    product_id = Column(String(64), nullable=False)
    name = Column(String(200), nullable=False)
    category = Column(String(32), nullable=False)
    color = Column(String(32), nullable=False)
    size = Column(String(16), nullable=False)
    quantity = Column(Integer, nullable=False)
    price_cents = Column(Integer, nullable=False)


class _Tracking(Base):
    __tablename__ = "tracking_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    order_id = Column(String(18), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    at = Column(UTCDateTime, nullable=False)
    text = Column(Text, nullable=False)


class _Change(Base):
    __tablename__ = "order_changes"

    id = Column(Integer, primary_key=True, autoincrement=True)
    order_id = Column(String(18), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    at = Column(UTCDateTime, nullable=False)
    by = Column(String(80), nullable=False)
    what = Column(String(32), nullable=False)
    field = Column(String(32))
    old = Column(Text)
    new = Column(Text)
    flag = Column(String(8))
    remark = Column(Text)


class _Return(Base):
    __tablename__ = "return_requests"

    id = Column(Integer, primary_key=True, autoincrement=True)
    order_id = Column(String(18), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(16), nullable=False)
    reason = Column(Text, nullable=False)
    quality_problem = Column(Boolean, nullable=False)
    status = Column(String(16), nullable=False)
    amount_cents = Column(Integer, nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False)


class _Complaint(Base):
    __tablename__ = "complaints"

    id = Column(Integer, primary_key=True, autoincrement=True)
    order_id = Column(String(18), ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(24), nullable=False)
    description = Column(Text, nullable=False)
    priority = Column(String(8), nullable=False)
    by = Column(String(80), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)


def _view(row: _Order) -> OrderView:
    return OrderView(
        id=row.id,
        buyer_id=row.buyer_id,
        status=row.status,
        created_at=row.created_at,
        paid_at=row.paid_at,
        packed_at=row.packed_at,
        shipped_at=row.shipped_at,
        signed_at=row.signed_at,
        closed_at=row.closed_at,
        courier=row.courier,
        tracking_no=row.tracking_no,
        receiver_name=row.receiver_name,
        receiver_phone=row.receiver_phone,
        address=row.address,
        region=row.region,
        total=_yuan(row.total_cents),
        items=tuple(
            OrderItem(i.product_id, i.name, i.category, i.color, i.size, i.quantity, _yuan(i.price_cents))
            for i in row.items
        ),
        tracking=tuple(sorted((TrackingEvent(t.at, t.text) for t in row.tracking), key=lambda e: e.at)),
        changes=tuple(
            OrderChange(c.at, c.by, c.what, c.field, c.old, c.new, c.flag, c.remark) for c in row.changes
        ),
        returns=tuple(
            ReturnRequest(
                r.id,
                r.kind,
                r.reason,
                r.quality_problem,
                r.status,
                _yuan(r.amount_cents),
                r.created_at,
                r.updated_at,
            )
            for r in row.returns
        ),
        complaints=tuple(
            Complaint(c.id, c.kind, c.description, c.priority, c.created_at) for c in row.complaints
        ),
    )


_LOAD_ALL = (
    selectinload(_Order.items),
    selectinload(_Order.tracking),
    selectinload(_Order.changes),
    selectinload(_Order.returns),
    selectinload(_Order.complaints),
)


def _require(row: _Order, allowed: Sequence[str], action: str) -> None:
    if row.status not in allowed:
        raise OrderStateError(
            f"cannot {action} order {row.id}: it is {row.status}, needs {' or '.join(allowed)}"
        )


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: pass a timezone-aware time")
    return at


class OrderStore(SqlStore):
    """Orders, their lines, tracking, change log, return requests and complaints (see SqlStore for ``url``)."""

    metadata = Base.metadata

    def _locked(self, session: Session, order_id: str) -> _Order:
        # FOR UPDATE on PostgreSQL, so two writers cannot both pass the status check (SQLite ignores
        # it and serialises writers anyway).
        row = session.execute(
            select(_Order).where(_Order.id == str(order_id)).with_for_update()
        ).scalar_one_or_none()
        if row is None:
            raise OrderNotFound(f"no order {order_id}")
        return row

    def _log(self, session: Session, row: _Order, at: datetime, by: str, what: str, **values) -> None:
        flag = values.get("flag")
        if flag is not None and flag not in FLAG_COLOURS:
            raise ValueError(f"unknown flag colour {flag!r}; one of {', '.join(FLAG_COLOURS)}")
        session.add(_Change(order_id=row.id, at=_aware(at), by=by, what=what, **values))

    def _snapshot(self, order_id: str) -> OrderView:
        view = self.find_by_id_for_staff(order_id)
        assert view is not None
        return view

    # -- reads ---------------------------------------------------------------------------------

    def get_order(self, buyer_id: str, order_id: str) -> Optional[OrderView]:
        """One order of a buyer.

        Privacy: an order that belongs to another buyer returns None, exactly like an unknown number,
        so a guessed number reveals nothing.
        """
        with self._sessions() as session:
            row = session.execute(
                select(_Order)
                .where(_Order.id == str(order_id).strip(), _Order.buyer_id == buyer_id)
                .options(*_LOAD_ALL)
            ).scalar_one_or_none()
            return _view(row) if row is not None else None

    def recent_orders(self, buyer_id: str, limit: int = 5) -> List[OrderView]:
        """A buyer's orders, newest first."""
        with self._sessions() as session:
            rows = session.execute(
                select(_Order)
                .where(_Order.buyer_id == buyer_id)
                .order_by(_Order.created_at.desc(), _Order.id.desc())
                .limit(limit)
                .options(*_LOAD_ALL)
            ).scalars()
            return [_view(row) for row in rows]

    def find_by_id_for_staff(self, order_id: str) -> Optional[OrderView]:
        """Any order by number, whoever bought it: for agents and the warehouse, never for buyers."""
        with self._sessions() as session:
            row = session.execute(
                select(_Order).where(_Order.id == str(order_id)).options(*_LOAD_ALL)
            ).scalar_one_or_none()
            return _view(row) if row is not None else None

    # -- buyer-facing writes -------------------------------------------------------------------

    def change_address(
        self,
        order_id: str,
        new_address: str,
        *,
        by: str,
        at: datetime,
        region: Optional[str] = None,
        flag: Optional[str] = None,
        remark: Optional[str] = None,
    ) -> OrderView:
        """Change the delivery address (and region) of an order the warehouse has not started.

        Raises:
            OrderNotFound, OrderStateError: packed, shipped, signed or closed.
        """
        if not new_address.strip():
            raise ValueError("new_address is empty")
        with self._transaction() as session:
            row = self._locked(session, order_id)
            _require(row, CHANGEABLE, "change the address of")
            self._log(
                session,
                row,
                at,
                by,
                "address_change",
                field="address",
                old=row.address,
                new=new_address.strip(),
                flag=flag,
                remark=remark,
            )
            row.address = new_address.strip()
            if region and region != row.region:
                self._log(session, row, at, by, "address_change", field="region", old=row.region, new=region)
                row.region = region
        return self._snapshot(order_id)

    def change_item(
        self,
        order_id: str,
        item_index: int,
        color: Optional[str] = None,
        size: Optional[str] = None,
        *,
        by: str,
        at: datetime,
        flag: Optional[str] = None,
        remark: Optional[str] = None,
    ) -> OrderView:
        """Change the colour and/or size of one order line before the warehouse starts on it.

        Raises:
            OrderNotFound, OrderStateError: not unpaid or paid.
            ValueError: neither colour nor size, or no such line.
        """
        if not color and not size:
            raise ValueError("give a color or a size to change")
        with self._transaction() as session:
            row = self._locked(session, order_id)
            _require(row, CHANGEABLE, "change the items of")
            if not 0 <= item_index < len(row.items):
                raise ValueError(f"order {order_id} has no item {item_index}")
            item = row.items[item_index]
            for name, value in (("color", color), ("size", size)):
                if value and value != getattr(item, name):
                    self._log(
                        session,
                        row,
                        at,
                        by,
                        "item_change",
                        field=f"items[{item_index}].{name}",
                        old=getattr(item, name),
                        new=value,
                        flag=flag,
                        remark=remark,
                    )
                    setattr(item, name, value)
        return self._snapshot(order_id)

    def add_remark(self, order_id: str, text: str, flag: str, *, by: str, at: datetime) -> OrderView:
        """Add a seller's remark (备注) with a flag colour; allowed in any status."""
        if not text.strip():
            raise ValueError("remark text is empty")
        if flag not in FLAG_COLOURS:
            raise ValueError(f"unknown flag colour {flag!r}; one of {', '.join(FLAG_COLOURS)}")
        with self._transaction() as session:
            row = self._locked(session, order_id)
            self._log(session, row, at, by, "remark", flag=flag, remark=text.strip())
        return self._snapshot(order_id)

    def cancel(
        self,
        order_id: str,
        *,
        by: str,
        at: datetime,
        flag: Optional[str] = None,
        remark: Optional[str] = None,
    ) -> OrderView:
        """Close an unpaid or paid (not yet packed) order.

        Raises:
            OrderNotFound, OrderStateError: packed or later (that needs an intercept or a return).
        """
        with self._transaction() as session:
            row = self._locked(session, order_id)
            _require(row, CHANGEABLE, "cancel")
            self._log(
                session,
                row,
                at,
                by,
                "cancel",
                field="status",
                old=row.status,
                new=CLOSED,
                flag=flag,
                remark=remark,
            )
            row.status, row.closed_at = CLOSED, _aware(at)
        return self._snapshot(order_id)

    def request_return(
        self,
        order_id: str,
        kind: str,
        reason: str,
        quality_problem: bool,
        *,
        by: str,
        at: datetime,
        flag: Optional[str] = None,
        remark: Optional[str] = None,
    ) -> ReturnRequest:
        """Record a return, exchange or refund request.

        Returns and exchanges need a signed-for order; a refund only (仅退款) needs a paid one that
        was not closed. One open request per order at a time.

        Raises:
            OrderNotFound, OrderStateError, ValueError: unknown kind.
        """
        if kind not in RETURN_KINDS:
            raise ValueError(f"unknown kind {kind!r}; one of {', '.join(RETURN_KINDS)}")
        with self._transaction() as session:
            row = self._locked(session, order_id)
            allowed = (SIGNED,) if kind in ("return", "exchange") else (PAID, PACKED, SHIPPED, SIGNED)
            _require(row, allowed, f"request a {kind} for")
            if any(r.status in OPEN_RETURN_STATUSES for r in row.returns):
                raise OrderStateError(f"order {order_id} already has an open return request")
            request = _Return(
                order_id=row.id,
                kind=kind,
                reason=reason,
                quality_problem=bool(quality_problem),
                status="requested",
                amount_cents=0 if kind == "exchange" else row.total_cents,
                created_at=_aware(at),
                updated_at=at,
            )
            session.add(request)
            self._log(
                session,
                row,
                at,
                by,
                "return_request",
                field="returns",
                new=kind,
                flag=flag,
                remark=remark or reason,
            )
            session.flush()
            return ReturnRequest(
                request.id,
                kind,
                reason,
                bool(quality_problem),
                "requested",
                _yuan(request.amount_cents),
                request.created_at,
                request.updated_at,
            )

    def record_complaint(
        self,
        order_id: str,
        kind: str,
        description: str,
        *,
        by: str,
        at: datetime,
        priority: str = "normal",
        flag: Optional[str] = None,
        remark: Optional[str] = None,
    ) -> Complaint:
        """Record a complaint about the goods of a shipped or signed-for order.

        Raises:
            OrderNotFound, OrderStateError: nothing was shipped yet; ValueError: unknown kind/priority.
        """
        if kind not in COMPLAINT_KINDS:
            raise ValueError(f"unknown complaint kind {kind!r}; one of {', '.join(COMPLAINT_KINDS)}")
        if priority not in PRIORITIES:
            raise ValueError(f"unknown priority {priority!r}")
        with self._transaction() as session:
            row = self._locked(session, order_id)
            _require(row, (SHIPPED, SIGNED), "record a complaint about")
            complaint = _Complaint(
                order_id=row.id,
                kind=kind,
                description=description,
                priority=priority,
                by=by,
                created_at=_aware(at),
            )
            session.add(complaint)
            self._log(
                session,
                row,
                at,
                by,
                "complaint",
                field="complaints",
                new=kind,
                flag=flag,
                remark=remark or description or None,
            )
            session.flush()
            return Complaint(complaint.id, kind, description, priority, complaint.created_at)

    # -- platform, warehouse and after-sales side ----------------------------------------------

    def add_order(self, order: NewOrder) -> OrderView:
        """Insert a whole order (as the platform hands it over; also the demo seed)."""
        if order.status not in STATUSES:
            raise ValueError(f"unknown status {order.status!r}")
        with self._transaction() as session:
            row = _Order(
                id=order.id,
                buyer_id=order.buyer_id,
                status=order.status,
                created_at=_aware(order.created_at),
                paid_at=order.paid_at,
                packed_at=order.packed_at,
                shipped_at=order.shipped_at,
                signed_at=order.signed_at,
                closed_at=order.closed_at,
                courier=order.courier,
                tracking_no=order.tracking_no,
                receiver_name=order.receiver_name,
                receiver_phone=order.receiver_phone,
                address=order.address,
                region=order.region,
                total_cents=_cents(order.total),
            )
            row.items = [
                _Item(
                    position=i,
                    product_id=it.product_id,
                    name=it.name,
                    category=it.category,
                    color=it.color,
                    size=str(it.size),
                    quantity=it.quantity,
                    price_cents=_cents(it.price),
                )
                for i, it in enumerate(order.items)
            ]
            row.tracking = [_Tracking(at=_aware(e.at), text=e.text) for e in order.tracking]
            for r in order.returns:
                if r.kind not in RETURN_KINDS or r.status not in RETURN_STATUSES:
                    raise ValueError(f"bad return request {r}")
            row.returns = [
                _Return(
                    kind=r.kind,
                    reason=r.reason,
                    quality_problem=r.quality_problem,
                    status=r.status,
                    amount_cents=_cents(r.amount),
                    created_at=_aware(r.created_at),
                    updated_at=r.updated_at,
                )
                for r in order.returns
            ]
            session.add(row)
        return self._snapshot(order.id)

    def remove_buyer_orders(self, buyer_id: str) -> int:
        """Delete every order of a buyer with everything attached (demo resets); returns how many."""
        with self._transaction() as session:
            ids = session.execute(select(_Order.id).where(_Order.buyer_id == buyer_id)).scalars().all()
            if ids:
                for table in (_Item, _Tracking, _Change, _Return, _Complaint):
                    session.execute(delete(table).where(table.order_id.in_(ids)))
                session.execute(delete(_Order).where(_Order.id.in_(ids)))
            return len(ids)

    def advance(
        self,
        order_id: str,
        status: str,
        *,
        by: str,
        at: datetime,
        courier: Optional[str] = None,
        tracking_no: Optional[str] = None,
    ) -> OrderView:
        """Move an order one step on: paid, packed (waybill printed), shipped, signed for.

        Raises:
            OrderStateError: not the next step (e.g. signing for an unpaid order).
        """
        with self._transaction() as session:
            row = self._locked(session, order_id)
            if status not in _NEXT.get(row.status, ()):
                raise OrderStateError(f"order {order_id} cannot go from {row.status} to {status}")
            self._log(session, row, at, by, "status", field="status", old=row.status, new=status)
            row.status = status
            setattr(row, _STAMP[status], _aware(at))
            if courier:
                row.courier = courier
            if tracking_no:
                row.tracking_no = tracking_no
        return self._snapshot(order_id)

    def add_tracking_event(self, order_id: str, at: datetime, text: str) -> OrderView:
        """Add a courier scan to a shipped or signed-for order."""
        with self._transaction() as session:
            row = self._locked(session, order_id)
            _require(row, (SHIPPED, SIGNED), "add tracking to")
            session.add(_Tracking(order_id=row.id, at=_aware(at), text=text))
        return self._snapshot(order_id)

    def set_return_status(
        self, order_id: str, request_id: int, status: str, *, by: str, at: datetime
    ) -> OrderView:
        """Move a return request on (approved, returned, refunded, rejected)."""
        if status not in RETURN_STATUSES:
            raise ValueError(f"unknown return status {status!r}")
        with self._transaction() as session:
            row = self._locked(session, order_id)
            request = next((r for r in row.returns if r.id == request_id), None)
            if request is None:
                raise OrderNotFound(f"order {order_id} has no return request {request_id}")
            if request.status not in OPEN_RETURN_STATUSES:
                raise OrderStateError(f"return request {request_id} is already {request.status}")
            self._log(
                session,
                row,
                at,
                by,
                "return_status",
                field=f"returns[{request_id}].status",
                old=request.status,
                new=status,
            )
            request.status, request.updated_at = status, _aware(at)
        return self._snapshot(order_id)
