"""The order store: snapshots, the privacy rule, writes refused by state, the change log, the seed."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from bot.orders.model import OrderNotFound, OrderStateError
from bot.orders.seed import DEMO_BUYER, OTHER_BUYER, demo_order_id, seed_demo_orders
from bot.orders.store import OrderStore
from bot.sql_store import DEFAULT_DB_FILE, default_url

from .conftest import NOW, demo

LATER = NOW + timedelta(minutes=5)
ALL_KEYS = ["unpaid", "paid", "packed", "shipped", "late", "signed-3", "signed-10", "refund"]


def test_the_seed_makes_one_order_per_state_with_catalogue_goods(seeded, shop):
    orders = seeded.recent_orders(DEMO_BUYER, limit=20)
    assert len(orders) == len(ALL_KEYS)
    assert [o.created_at for o in orders] == sorted((o.created_at for o in orders), reverse=True)
    assert {demo(seeded, k).status for k in ALL_KEYS} == {"unpaid", "paid", "packed", "shipped", "signed"}
    for order in orders:
        assert len(order.id) == 18 and order.id.isdigit()
        for item in order.items:
            product = shop.catalogue.find(item.product_id)
            assert product and item.color in product.colors and item.size in product.sizes
    assert len({o.tail for o in orders}) == len(orders)  # buyers name orders by 尾号
    jacket = demo(seeded, "signed-3")
    assert jacket.items[0].product_id == "jk-wind-01"
    assert NOW - jacket.signed_at == timedelta(days=3)
    assert demo(seeded, "signed-10").items[0].product_id == "jk-down-01"
    shipped = demo(seeded, "shipped")
    assert shipped.courier == "中通" and 3 <= len(shipped.tracking) <= 4
    assert demo(seeded, "refund").latest_return.status == "returned"


def test_seeding_again_replaces_the_orders_with_the_same_numbers(seeded, shop):
    before = {o.id for o in seeded.recent_orders(DEMO_BUYER, limit=20)}
    seeded.change_address(demo_order_id(DEMO_BUYER, "paid"), "上海市黄浦区1号", by="bot", at=LATER)
    seed_demo_orders(seeded, NOW + timedelta(days=1), shop=shop)
    after = seeded.recent_orders(DEMO_BUYER, limit=20)
    assert {o.id for o in after} == before
    paid = demo(seeded, "paid")
    assert paid.changes == () and "杭州" in paid.address  # fresh, not the edited one
    assert NOW + timedelta(days=1) - demo(seeded, "signed-3").signed_at == timedelta(days=3)


def test_another_buyers_order_looks_exactly_like_an_unknown_number(seeded):
    theirs = seeded.recent_orders(OTHER_BUYER)
    assert theirs
    for order in theirs:
        assert seeded.get_order(DEMO_BUYER, order.id) is None
        assert seeded.get_order(OTHER_BUYER, order.id) == order
    assert seeded.get_order(DEMO_BUYER, "300000000000000000") is None
    assert all(o.buyer_id == DEMO_BUYER for o in seeded.recent_orders(DEMO_BUYER, limit=20))
    assert seeded.find_by_id_for_staff(theirs[0].id) == theirs[0]


def test_recent_orders_are_newest_first_and_limited(seeded):
    recent = seeded.recent_orders(DEMO_BUYER, limit=3)
    assert [o.id for o in recent] == [demo_order_id(DEMO_BUYER, k) for k in ("unpaid", "paid", "packed")]
    assert seeded.recent_orders("nobody-at-all") == []


def test_reads_are_immutable_snapshots_with_aware_times(seeded):
    order = demo(seeded, "shipped")
    with pytest.raises(dataclasses.FrozenInstanceError):
        order.status = "signed"  # type: ignore[misc]
    assert order.created_at.tzinfo is not None
    assert order.shipped_at == NOW - timedelta(days=2)
    assert order.total == 169.0 and isinstance(order.items, tuple)


# Which writes each status allows (True) or refuses with OrderStateError (False).
WRITES = {
    #             address  item   cancel  return  refund  complaint
    "unpaid": (True, True, True, False, False, False),
    "paid": (True, True, True, False, True, False),
    "packed": (False, False, False, False, True, False),
    "shipped": (False, False, False, False, True, True),
    "signed-3": (False, False, False, True, True, True),
}


@pytest.mark.parametrize("key", list(WRITES))
def test_writes_are_allowed_or_refused_by_the_orders_state(seeded, shop, key):
    order_id = demo_order_id(DEMO_BUYER, key)
    writes = [
        lambda: seeded.change_address(order_id, "上海市黄浦区南京东路1号", by="bot", at=LATER, region="上海"),
        lambda: seeded.change_item(
            order_id, 0, size=demo(seeded, key).items[0].size, color="黑色", by="bot", at=LATER
        ),
        lambda: seeded.cancel(order_id, by="buyer:demo-buyer", at=LATER),
        lambda: seeded.request_return(order_id, "return", "不喜欢", False, by="bot", at=LATER),
        lambda: seeded.request_return(order_id, "refund", "不想要了", False, by="bot", at=LATER),
        lambda: seeded.record_complaint(order_id, "damaged", "袖口开线", by="bot", at=LATER),
    ]
    for write, allowed in zip(writes, WRITES[key]):
        seed_state = demo(seeded, key)
        if allowed:
            write()
            # Undo by re-seeding so each write is judged on the original state.
            seed_demo_orders(seeded, NOW, shop=shop)
        else:
            with pytest.raises(OrderStateError):
                write()
            assert demo(seeded, key) == seed_state  # nothing written


def test_every_write_leaves_a_change_log_row(seeded):
    order_id = demo_order_id(DEMO_BUYER, "paid")
    seeded.change_address(
        order_id,
        "上海市黄浦区南京东路1号",
        by="buyer:demo-buyer",
        at=LATER,
        region="上海",
        flag="红旗",
        remark="改地址：杭州 → 上海",
    )
    seeded.change_item(order_id, 0, size="L", by="bot", at=LATER)
    seeded.add_remark(order_id, "送礼，不要放发票", "黄旗", by="agent:小美", at=LATER)
    order = seeded.cancel(order_id, by="buyer:demo-buyer", at=LATER + timedelta(minutes=1), flag="绿旗")
    log = [(c.what, c.field, c.by, c.flag) for c in order.changes]
    assert log == [
        ("address_change", "address", "buyer:demo-buyer", "红旗"),
        ("address_change", "region", "buyer:demo-buyer", None),
        ("item_change", "items[0].size", "bot", None),
        ("remark", None, "agent:小美", "黄旗"),
        ("cancel", "status", "buyer:demo-buyer", "绿旗"),
    ]
    first = order.changes[0]
    assert first.old.startswith("浙江") and first.new == "上海市黄浦区南京东路1号" and first.at == LATER
    assert first.remark == "改地址：杭州 → 上海"
    assert order.status == "closed" and order.region == "上海" and order.items[0].size == "L"

    signed = demo_order_id(DEMO_BUYER, "signed-3")
    request = seeded.request_return(signed, "exchange", "尺码大了", False, by="bot", at=LATER)
    complaint = seeded.record_complaint(signed, "damaged", "袖口开线", by="bot", at=LATER, priority="high")
    order = seeded.find_by_id_for_staff(signed)
    assert [c.what for c in order.changes] == ["return_request", "complaint"]
    assert order.returns[-1] == request and request.amount == 0 and request.status == "requested"
    assert order.complaints == (complaint,) and complaint.priority == "high"


def test_one_open_return_request_at_a_time(seeded):
    order_id = demo_order_id(DEMO_BUYER, "refund")
    with pytest.raises(OrderStateError, match="open return"):
        seeded.request_return(order_id, "return", "再退一次", False, by="bot", at=LATER)
    request = demo(seeded, "refund").latest_return
    seeded.set_return_status(order_id, request.id, "refunded", by="agent:小美", at=LATER)
    assert demo(seeded, "refund").latest_return.status == "refunded"
    with pytest.raises(OrderStateError):
        seeded.set_return_status(order_id, request.id, "returned", by="agent:小美", at=LATER)


def test_status_moves_one_step_at_a_time(seeded):
    order_id = demo_order_id(DEMO_BUYER, "paid")
    with pytest.raises(OrderStateError):
        seeded.advance(order_id, "signed", by="agent:仓库", at=LATER)
    seeded.advance(order_id, "packed", by="agent:仓库", at=LATER, courier="中通", tracking_no="75310000001")
    order = seeded.advance(order_id, "shipped", by="agent:仓库", at=LATER + timedelta(hours=2))
    order = seeded.add_tracking_event(order_id, LATER + timedelta(hours=3), "已揽收")
    assert (
        order.status == "shipped" and order.tracking_no == "75310000001" and order.last_event.text == "已揽收"
    )


def test_bad_writes_are_refused_clearly(seeded):
    order_id = demo_order_id(DEMO_BUYER, "paid")
    with pytest.raises(OrderNotFound):
        seeded.cancel("300000000000000000", by="bot", at=LATER)
    with pytest.raises(ValueError, match="naive"):
        seeded.cancel(order_id, by="bot", at=datetime(2026, 3, 11, 15, 0))
    with pytest.raises(ValueError, match="flag"):
        seeded.add_remark(order_id, "x", "黑旗", by="bot", at=LATER)
    with pytest.raises(ValueError):
        seeded.change_item(order_id, 5, size="L", by="bot", at=LATER)
    with pytest.raises(ValueError):
        seeded.change_item(order_id, 0, by="bot", at=LATER)
    assert demo(seeded, "paid").changes == ()


def test_times_come_back_as_the_same_instant(seeded):
    order_id = demo_order_id(DEMO_BUYER, "paid")
    moment = datetime(2026, 3, 11, 23, 59, 30, tzinfo=timezone(timedelta(hours=8)))
    order = seeded.add_remark(order_id, "夜里的备注", "黄旗", by="bot", at=moment)
    assert order.changes[-1].at == moment


def test_the_default_database_is_a_file_in_the_repository_unless_database_url_is_set(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert default_url() == f"sqlite:///{DEFAULT_DB_FILE}"
    assert DEFAULT_DB_FILE.parent.name == "var" and (DEFAULT_DB_FILE.parents[1] / "bot" / "orders").is_dir()
    monkeypatch.setenv("DATABASE_URL", "sqlite:///:memory:")
    assert OrderStore().url == "sqlite:///:memory:"


def test_a_sqlite_file_gets_its_folder(tmp_path):
    store = OrderStore(f"sqlite:///{tmp_path / 'deep' / 'er' / 'orders.sqlite'}")
    store.create_schema()
    store.create_schema()  # safe to repeat
    assert (tmp_path / "deep" / "er" / "orders.sqlite").exists()
    store.close()
