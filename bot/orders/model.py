"""Orders as the rest of the code sees them: immutable snapshots, status names, and the errors of writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import List, Optional, Tuple

# Order status, in the order a Taobao order moves through them (closed: cancelled or never paid).
UNPAID = "unpaid"
PAID = "paid"
PACKED = "packed"  # waybill printed (已打单), not yet handed to the courier
SHIPPED = "shipped"
SIGNED = "signed"
CLOSED = "closed"
STATUSES: Tuple[str, ...] = (UNPAID, PAID, PACKED, SHIPPED, SIGNED, CLOSED)

#: Statuses in which the warehouse has not started on the order: it can still be changed or cancelled.
CHANGEABLE: Tuple[str, ...] = (UNPAID, PAID)

RETURN_KINDS: Tuple[str, ...] = ("return", "exchange", "refund")
RETURN_STATUSES: Tuple[str, ...] = ("requested", "approved", "returned", "refunded", "rejected")
#: A return request in one of these is still being handled; a second one is refused meanwhile.
OPEN_RETURN_STATUSES: Tuple[str, ...] = ("requested", "approved", "returned")

COMPLAINT_KINDS: Tuple[str, ...] = ("wrong_item", "missing_item", "damaged", "color_difference", "other")
PRIORITIES: Tuple[str, ...] = ("normal", "high")
FLAG_COLOURS: Tuple[str, ...] = ("红旗", "黄旗", "绿旗", "蓝旗", "紫旗")


class OrderError(Exception):
    """A write to the order store that cannot be done."""


class OrderNotFound(OrderError):
    """No order with that number."""


class OrderStateError(OrderError):
    """The order's status does not allow the write (e.g. changing the address of a shipped order)."""


@dataclass(frozen=True)
class OrderItem:
    """One line of an order."""

    product_id: str
    name: str
    category: str
    color: str
    size: str
    quantity: int
    price: float


@dataclass(frozen=True)
class TrackingEvent:
    """One courier scan (时间 + 描述), as the courier's tracking page shows it."""

    at: datetime
    text: str


@dataclass(frozen=True)
class OrderChange:
    """One row of the order's change log: who did what when, and the remark flag if any.

    Attributes:
        by: ``buyer:<id>``, ``bot`` or ``agent:<name>``.
        what: address_change, item_change, remark, cancel, status, return_request, return_status,
            complaint.
        field: the changed field (address, items[0].size...), if any.
    """

    at: datetime
    by: str
    what: str
    field: Optional[str] = None
    old: Optional[str] = None
    new: Optional[str] = None
    flag: Optional[str] = None
    remark: Optional[str] = None


@dataclass(frozen=True)
class ReturnRequest:
    """A return, exchange or refund request (退货 / 换货 / 仅退款) and where it stands."""

    id: int
    kind: str
    reason: str
    quality_problem: bool
    status: str
    amount: float
    created_at: datetime
    updated_at: datetime

    @property
    def open(self) -> bool:
        """Whether it is still being handled."""
        return self.status in OPEN_RETURN_STATUSES


@dataclass(frozen=True)
class Complaint:
    """A complaint about the goods received (wrong or missing item, damage, colour difference...)."""

    id: int
    kind: str
    description: str
    priority: str
    created_at: datetime


@dataclass(frozen=True)
class OrderView:
    """One order, read from the store: a snapshot, never a live database object.

    Times are timezone-aware (UTC); answers show them in the shop's timezone.
    """

    id: str
    buyer_id: str
    status: str
    created_at: datetime
    receiver_name: str
    receiver_phone: str
    address: str
    region: str
    total: float
    paid_at: Optional[datetime] = None
    packed_at: Optional[datetime] = None
    shipped_at: Optional[datetime] = None
    signed_at: Optional[datetime] = None
    closed_at: Optional[datetime] = None
    courier: Optional[str] = None
    tracking_no: Optional[str] = None
    items: Tuple[OrderItem, ...] = ()
    tracking: Tuple[TrackingEvent, ...] = ()
    changes: Tuple[OrderChange, ...] = ()
    returns: Tuple[ReturnRequest, ...] = ()
    complaints: Tuple[Complaint, ...] = ()

    @property
    def tail(self) -> str:
        """The last four digits (尾号), how buyers and agents name an order."""
        return self.id[-4:]

    @property
    def last_event(self) -> Optional[TrackingEvent]:
        """The latest courier scan, if any."""
        return max(self.tracking, key=lambda e: e.at) if self.tracking else None

    @property
    def latest_return(self) -> Optional[ReturnRequest]:
        """The most recent return, exchange or refund request, if any."""
        return max(self.returns, key=lambda r: (r.created_at, r.id)) if self.returns else None


@dataclass(frozen=True)
class NewItem:
    """An order line to insert (see OrderStore.add_order)."""

    product_id: str
    name: str
    category: str
    color: str
    size: str
    price: float
    quantity: int = 1


@dataclass(frozen=True)
class NewReturn:
    """A return request to insert along with an order (demo data, imports)."""

    kind: str
    reason: str
    quality_problem: bool
    status: str
    amount: float
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class NewOrder:
    """A whole order to insert, as the platform would hand it over (used by the seed and tests)."""

    id: str
    buyer_id: str
    status: str
    created_at: datetime
    receiver_name: str
    receiver_phone: str
    address: str
    region: str
    total: float
    items: List[NewItem]
    paid_at: Optional[datetime] = None
    packed_at: Optional[datetime] = None
    shipped_at: Optional[datetime] = None
    signed_at: Optional[datetime] = None
    closed_at: Optional[datetime] = None
    courier: Optional[str] = None
    tracking_no: Optional[str] = None
    tracking: List[TrackingEvent] = field(default_factory=list)
    returns: List[NewReturn] = field(default_factory=list)
