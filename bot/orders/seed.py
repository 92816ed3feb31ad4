"""Demo orders for trying the assistant: one per state, timed relative to ``now`` so they stay true.

``python -m bot.orders.seed [--url URL]`` replaces the demo buyer's orders (and the other buyer's,
used to check that nobody sees another buyer's order) with fresh ones and prints them. The clock is
read only here, in the command; ``XIAODIAN_NOW`` (ISO 8601) fixes it, as for the action server.
"""

from __future__ import annotations

import argparse
import os
import hashlib
import sys
from datetime import datetime, timedelta
from typing import List, Optional, Sequence
from zoneinfo import ZoneInfo

from bot.orders.model import (
    PACKED,
    PAID,
    SHIPPED,
    SIGNED,
    UNPAID,
    NewItem,
    NewOrder,
    NewReturn,
    OrderView,
    TrackingEvent,
)
from bot import clock
from bot.orders.store import OrderStore
from bot.orders.wording import order_label
from bot.shop.loading import Shop, load_shop

DEMO_BUYER = "demo-buyer"
OTHER_BUYER = "other-buyer"

# Made-up receivers (the 138-0013-8000 range is the usual example number); never real people.
_HOME = ("王小明", "13800138000", "浙江省杭州市西湖区文三路100号1幢2单元301室", "浙江")
_FAR = ("王小明", "13800138000", "新疆维吾尔自治区乌鲁木齐市天山区解放南路88号", "新疆")
_GUANGZHOU = ("王小明", "13800138000", "广东省广州市天河区体育西路66号", "广东")
_OTHER = ("李小红", "13900139000", "江苏省南京市鼓楼区中山路200号", "江苏")


def demo_order_id(buyer_id: str, key: str) -> str:
    """A stable 18-digit Taobao-like number per buyer and demo slot, so stories can name it."""
    digest = int(hashlib.sha256(f"{buyer_id}:{key}".encode()).hexdigest(), 16)
    return "3" + str(digest % 10**17).zfill(17)


def _tracking_no(order_id: str, courier: str) -> str:
    prefix = {"中通": "7531", "EMS": "9812"}.get(courier, "6600")
    return prefix + order_id[-9:]


def _item(shop: Shop, product_id: str, color: str, size: str) -> NewItem:
    product = shop.catalogue.find(product_id)
    if product is None or color not in product.colors or size not in product.sizes:
        raise ValueError(f"demo item {product_id} {color} {size} is not in the catalogue")
    return NewItem(product_id, product.name, product.category, color, size, product.price)


def _order(
    buyer_id: str, key: str, status: str, created: datetime, receiver: tuple, items: List[NewItem], **times
) -> NewOrder:
    name, phone, address, region = receiver
    order_id = demo_order_id(buyer_id, key)
    courier = times.pop("courier", None)
    if courier:
        times.setdefault("tracking_no", _tracking_no(order_id, courier))
    return NewOrder(
        id=order_id,
        buyer_id=buyer_id,
        status=status,
        created_at=created,
        receiver_name=name,
        receiver_phone=phone,
        address=address,
        region=region,
        total=round(sum(i.price * i.quantity for i in items), 2),
        items=items,
        courier=courier,
        **times,
    )


def demo_orders(shop: Shop, now: datetime, buyer_id: str = DEMO_BUYER) -> List[NewOrder]:
    """The demo buyer's orders, one per state, with times relative to ``now``."""
    h, d = timedelta(hours=1), timedelta(days=1)
    orders: List[NewOrder] = []

    orders.append(
        _order(
            buyer_id,
            "unpaid",
            UNPAID,
            now - timedelta(minutes=20),
            _HOME,
            [_item(shop, "hd-fleece-01", "灰色", "L")],
        )
    )
    orders.append(
        _order(
            buyer_id,
            "paid",
            PAID,
            now - 70 * timedelta(minutes=1),
            _HOME,
            [_item(shop, "cd-knit-01", "燕麦色", "M")],
            paid_at=now - h,
        )
    )
    orders.append(
        _order(
            buyer_id,
            "packed",
            PACKED,
            now - d - 2 * h,
            _HOME,
            [_item(shop, "pt-chino-01", "黑色", "32")],
            paid_at=now - d - h,
            packed_at=now - 3 * h,
            courier="中通",
        )
    )

    shipped = now - 2 * d
    orders.append(
        _order(
            buyer_id,
            "shipped",
            SHIPPED,
            shipped - d,
            _GUANGZHOU,
            [_item(shop, "jn-denim-01", "深蓝色", "M")],
            paid_at=shipped - d + h,
            packed_at=shipped - 4 * h,
            shipped_at=shipped,
            courier="中通",
            tracking=[
                TrackingEvent(shipped, "【杭州市】中通快递 杭州西湖区公司 已揽收"),
                TrackingEvent(shipped + 5 * h, "【杭州市】快件已发往 广州中转部"),
                TrackingEvent(shipped + d + 2 * h, "【广州市】快件已到达 广州中转部"),
                TrackingEvent(now - 5 * h, "【广州市】快件已发往 广州天河区公司"),
            ],
        )
    )

    # Late: shipped to 新疆 long enough ago to be past the zone's estimate plus the grace days.
    zone = shop.policy.zone_of("新疆")
    late_days = (zone.days_max if zone else 8) + shop.policy.orders.late_after_days + 2
    sent = now - late_days * d
    orders.append(
        _order(
            buyer_id,
            "late",
            SHIPPED,
            sent - d,
            _FAR,
            [_item(shop, "po-men-01", "白色", "XL")],
            paid_at=sent - d + h,
            packed_at=sent - 3 * h,
            shipped_at=sent,
            courier="EMS",
            tracking=[
                TrackingEvent(sent, "【杭州市】邮政EMS 杭州邮区中心局 已收寄"),
                TrackingEvent(sent + d, "【杭州市】离开杭州邮区中心局 发往乌鲁木齐"),
                TrackingEvent(sent + 5 * d, "【乌鲁木齐市】到达乌鲁木齐邮区中心局 处理中"),
            ],
        )
    )

    for key, product_id, color, size, signed_days in (
        ("signed-3", "jk-wind-01", "黑色", "XL", 3),
        ("signed-10", "jk-down-01", "米白色", "M", 10),
    ):
        signed = now - signed_days * d
        sent = signed - 2 * d
        orders.append(
            _order(
                buyer_id,
                key,
                SIGNED,
                sent - d,
                _HOME,
                [_item(shop, product_id, color, size)],
                paid_at=sent - d + h,
                packed_at=sent - 3 * h,
                shipped_at=sent,
                signed_at=signed,
                courier="中通",
                tracking=[
                    TrackingEvent(sent, "【杭州市】中通快递 杭州西湖区公司 已揽收"),
                    TrackingEvent(sent + d, "【杭州市】快件已到达 杭州西湖区公司 正在派送"),
                    TrackingEvent(signed, "【杭州市】快件已签收，签收人：本人"),
                ],
            )
        )

    # A return in progress: asked two days ago, goods back at the warehouse this morning, refund pending.
    signed = now - 5 * d
    item = _item(shop, "sk-pleat-01", "黑色", "M")
    orders.append(
        _order(
            buyer_id,
            "refund",
            SIGNED,
            signed - 3 * d,
            _HOME,
            [item],
            paid_at=signed - 3 * d + h,
            packed_at=signed - 2 * d - 3 * h,
            shipped_at=signed - 2 * d,
            signed_at=signed,
            courier="中通",
            tracking=[
                TrackingEvent(signed - 2 * d, "【杭州市】中通快递 杭州西湖区公司 已揽收"),
                TrackingEvent(signed, "【杭州市】快件已签收，签收人：本人"),
            ],
            returns=[
                NewReturn("return", "尺码不合适", False, "returned", item.price, now - 2 * d, now - 3 * h)
            ],
        )
    )
    return orders


def other_buyer_orders(shop: Shop, now: datetime, buyer_id: str = OTHER_BUYER) -> List[NewOrder]:
    """Orders of another buyer: the demo buyer must never see them."""
    d = timedelta(days=1)
    sent = now - d
    return [
        _order(
            buyer_id,
            "shipped",
            SHIPPED,
            sent - d,
            _OTHER,
            [_item(shop, "ct-wool-01", "驼色", "M")],
            paid_at=sent - d,
            packed_at=sent - 2 * timedelta(hours=1),
            shipped_at=sent,
            courier="中通",
            tracking=[TrackingEvent(sent, "【杭州市】中通快递 杭州西湖区公司 已揽收")],
        ),
        _order(
            buyer_id,
            "signed",
            SIGNED,
            now - 6 * d,
            _OTHER,
            [_item(shop, "jk-wind-01", "军绿色", "L")],
            paid_at=now - 6 * d,
            packed_at=now - 5 * d,
            shipped_at=now - 5 * d,
            signed_at=now - 3 * d,
            courier="中通",
        ),
    ]


def seed_demo_orders(
    store: OrderStore,
    now: datetime,
    buyer_id: str = DEMO_BUYER,
    shop: Optional[Shop] = None,
    other_buyer_id: Optional[str] = OTHER_BUYER,
) -> List[OrderView]:
    """Replace the demo buyer's (and the other buyer's) orders with fresh ones timed from ``now``.

    Idempotent: running it twice leaves the same orders, with the same numbers.

    Args:
        store: the order store (its schema is created if missing).
        now: the current time, timezone-aware.
        buyer_id: the demo buyer.
        shop: the loaded shop (catalogue and delivery zones); the repository's own if omitted.
        other_buyer_id: a second buyer for privacy checks; None to leave them out.

    Returns:
        The orders made, the demo buyer's first, newest first within each buyer.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    shop = shop or load_shop()
    store.create_schema()
    made: List[OrderView] = []
    plan = [(buyer_id, demo_orders(shop, now, buyer_id))]
    if other_buyer_id:
        plan.append((other_buyer_id, other_buyer_orders(shop, now, other_buyer_id)))
    for buyer, orders in plan:
        store.remove_buyer_orders(buyer)
        for order in orders:
            store.add_order(order)
        made.extend(store.recent_orders(buyer, limit=len(orders)))
    return made


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Seed the demo orders and print them (one line each)."""
    os.umask(0o077)  # the order store holds names, phones and addresses: readable by its owner only
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: $DATABASE_URL, else var/orders.sqlite)")
    parser.add_argument("--buyer", default=DEMO_BUYER, help=f"demo buyer id (default {DEMO_BUYER})")
    args = parser.parse_args(argv)
    shop = load_shop()
    zone = ZoneInfo(shop.policy.shop.timezone)
    now = clock.now(zone)
    store = OrderStore(args.url)
    try:
        made = seed_demo_orders(store, now, buyer_id=args.buyer, shop=shop)
        where = store.engine.url.render_as_string(hide_password=True)
        print(f"Seeded {len(made)} orders into {where} at {now:%Y-%m-%d %H:%M %Z}")
        for order in made:
            print(f"  {order.buyer_id:12} {order.id}  {order.status:8} {order_label(order, shop)}")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
