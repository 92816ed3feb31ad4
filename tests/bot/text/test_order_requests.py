"""Order request words: new addresses, complaint kinds, refund progress questions."""
from __future__ import annotations

import pytest

from bot.text.order_requests import asks_refund_progress, complaint_kind, new_address


@pytest.mark.parametrize(
    "text, expected",
    [
        ("地址改成浙江省杭州市西湖区文三路100号", "浙江省杭州市西湖区文三路100号"),
        ("帮我把地址改为：上海市浦东新区张江路8号3楼", "上海市浦东新区张江路8号3楼"),
        ("新地址 广东省深圳市南山区科技园1栋", "广东省深圳市南山区科技园1栋"),
        ("江苏省南京市鼓楼区中山路1号 王女士 13900001111", "江苏省南京市鼓楼区中山路1号 王女士 13900001111"),
        ("地址写错了", None),
        ("地址写错了 帮我改成浙江省宁波市鄞州区天童南路588号", "浙江省宁波市鄞州区天童南路588号"),
        ("收货地址是：四川省成都市武侯区人民南路四段1号", "四川省成都市武侯区人民南路四段1号"),
        ("改成L码", None),
        ("能改地址吗", None),
        ("", None),
        ("我想问下发货时间是几号", None),
    ],
)
def test_new_address(text, expected):
    assert new_address(text) == expected


@pytest.mark.parametrize(
    "text, kind",
    [
        ("少发了一件", "missing_item"),
        ("只收到一条裤子", "missing_item"),
        ("发错颜色了 我要的是黑色", "wrong_item"),
        ("尺码不对", "wrong_item"),
        ("色差太大了", "color_difference"),
        ("衣服破了个洞", "damaged"),
        ("袖子开线了", "damaged"),
        ("不喜欢", "other"),
    ],
)
def test_complaint_kind(text, kind):
    assert complaint_kind(text) == kind


@pytest.mark.parametrize(
    "text, expected",
    [("退款什么时候到账", True), ("退款进度怎么样了", True), ("钱怎么还没退回来", True),
     ("我要退款", False), ("能退货吗", False), ("退款到哪了", True)],
)
def test_asks_refund_progress(text, expected):
    assert asks_refund_progress(text) is expected
