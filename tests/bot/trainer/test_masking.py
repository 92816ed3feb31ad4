"""Masking of personal data: one test per pattern, and what must never be masked."""

import pytest

from bot.trainer.masking import mask


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我的手机13912345678", "我的手机[电话]"),
        ("电话 139 8765 4321 谢谢", "电话 [电话] 谢谢"),
        ("+86 13700001111", "[电话]"),
        ("座机021-66667777", "座机[电话]"),
        ("（0755）2345678找我", "[电话]找我"),
    ],
)
def test_phones_are_masked(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("地址改成江苏省南京市鼓楼区中山路8号", "地址改成[地址]"),
        ("发到成都武侯区天府大道200号5栋", "发到[地址]"),
        ("临平区东湖街道那边能送吗", "[地址]那边能送吗"),
        ("阳光小区2栋1单元502室", "[地址]"),
        ("寄到北京市海淀区", "寄到[地址]"),
    ],
)
def test_addresses_are_masked(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("收件人王芳电话13912345678", "收件人[姓名]电话[电话]"),
        ("我叫刘小燕", "我叫[姓名]"),
        ("收货人改成欧阳明", "收货人改成[姓名]"),
        ("姓名：陈静", "姓名：[姓名]"),
    ],
)
def test_names_after_cues_are_masked(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("订单987654321098765432怎么还没发", "订单[订单号]怎么还没发"),
        ("1234567890123456 这单", "[订单号] 这单"),
        ("查一下SF9876543210987", "查一下[订单号]"),
        ("快递单号是 4300987654321 一直不动", "快递单号是 [订单号] 一直不动"),
    ],
)
def test_order_and_tracking_numbers_are_masked(text, expected):
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我身高165体重100斤穿什么码",
        "175 140斤 拿XL还是XXL",
        "腰围72cm 衣长65",
        "38号有吗",
        "5月20号之前能到吗",
        "2024-06-18下的单",
        "价格199元 能便宜10块吗",
        "这两个颜色区别大吗",
        "是在哪个市场买的",
        "收货地址写错了",
        "姓名填错了怎么改",
        "我是学生有优惠吗",
        "我在上海能发吗",
        "买了3件 一共297",
    ],
)
def test_sizes_prices_heights_dates_are_left_alone(text):
    assert mask(text) == text
