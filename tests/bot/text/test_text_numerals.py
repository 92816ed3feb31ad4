"""Chinese and Arabic numerals, and full-width text."""

import pytest

from bot.text.numerals import parse_number, parse_trailing_number, to_halfwidth


@pytest.mark.parametrize(
    "text, expected",
    [
        ("165", 165),
        ("1.65", 1.65),
        ("0", 0),
        ("一", 1),
        ("两", 2),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("二十五", 25),
        ("九十八", 98),
        ("一百", 100),
        ("百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("一百一", 110),
        ("一百二", 120),
        ("一百二十", 120),
        ("一百二十五", 125),
        ("两百", 200),
        ("三百五", 350),
        ("一千", 1000),
        ("一千零五十", 1050),
        ("一千零五", 1005),
        ("两千五", 2500),
        ("两千五百", 2500),
        ("一万", 10000),
        ("一万二", 12000),
        ("十万", 100000),
        ("2千", 2000),
        ("3千5", 3500),
        ("1.5万", 15000),
        ("一点五", 1.5),
        ("三点一四", 3.14),
        ("一六五", 165),
        ("一八二", 182),
        ("壹佰贰拾", 120),
        ("１６５", 165),
        ("〇", 0),
        # two consecutive digits before a unit: an approximate range, read as its midpoint
        ("七八十", 75),
        ("一百一二十", 115),
        ("一百二三", 125),
        ("两三百", 250),
        ("十一二", 11.5),
    ],
)
def test_parse_number(text, expected):
    value = parse_number(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", ["", "  ", "abc", "斤", "一百二五", "一百三二", "十十", "百百", "一点", "点五", "万"])
def test_parse_number_rejects_non_numbers(text):
    assert parse_number(text) is None


def test_digit_by_digit_can_be_refused():
    assert parse_number("一六五", digit_by_digit=False) is None
    assert parse_number("一百六十五", digit_by_digit=False) == 165


@pytest.mark.parametrize(
    "text, expected",
    [
        ("一百", (0, 100)),
        ("六一百", (1, 100)),
        ("六五一百", (2, 100)),
        ("五一百二十", (1, 120)),
        ("斤", None),
    ],
)
def test_parse_trailing_number(text, expected):
    assert parse_trailing_number(text) == expected


def test_to_halfwidth_keeps_offsets():
    text = "ＸＬ码１６５ｃｍ　￥９９"
    narrow = to_halfwidth(text)
    assert narrow == "XL码165cm ￥99"
    assert len(narrow) == len(text)
