"""Fixtures for the workbench: the real shop, the demo buyer's orders, tickets made to measure."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import List
from zoneinfo import ZoneInfo

import pytest

from bot.handoff.ticket import Ticket, TranscriptLine
from bot.orders.model import OrderView
from bot.orders.seed import DEMO_BUYER, seed_demo_orders
from bot.orders.store import OrderStore
from bot.shop import Shop, load_shop
from bot.workbench.wording import Workbench, load_workbench

#: 2026-03-11, a Wednesday at 15:00 in Hangzhou: the spring promotion (满199减20 on four products) is live.
NOW = datetime(2026, 3, 11, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="session")
def shop() -> Shop:
    return load_shop()


@pytest.fixture(scope="session")
def workbench() -> Workbench:
    return load_workbench()


@pytest.fixture(scope="session")
def orders(tmp_path_factory) -> List[OrderView]:
    """The demo buyer's orders (one per state), newest first."""
    store = OrderStore(f"sqlite:///{tmp_path_factory.mktemp('orders') / 'orders.sqlite'}")
    seed_demo_orders(store, NOW, shop=load_shop())
    found = store.recent_orders(DEMO_BUYER, limit=20)
    store.close()
    return found


def make_ticket(reasons, facts=None, product=None, order_ids=(), transcript=(), **fields) -> Ticket:
    return Ticket(id=fields.pop("id", "t-1"), conversation_id=DEMO_BUYER, buyer_id=fields.pop("buyer_id", DEMO_BUYER),
                  reasons=list(reasons), priority=fields.pop("priority", "normal"), facts=dict(facts or {}),
                  product_id=product, order_ids=list(order_ids), created_at=fields.pop("created_at", NOW - timedelta(minutes=10)),
                  updated_at=NOW, transcript=list(transcript), **fields)


def line(sender: str, minutes_ago: float, text: str = "…") -> TranscriptLine:
    return TranscriptLine(at=NOW - timedelta(minutes=minutes_ago), sender=sender, text=text,
                          agent="alice" if sender == "agent" else None)
