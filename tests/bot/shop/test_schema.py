"""The policy's own lookups: region names, couriers, holiday notes that agree with the calendar."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.shop.workdays import next_dispatch_day


@pytest.mark.parametrize(
    "name, canonical",
    [
        ("新疆", "新疆"),
        ("新疆维吾尔自治区", "新疆"),
        ("乌鲁木齐", "新疆"),
        ("乌鲁木齐市", "新疆"),
        ("寄到新疆那边", "新疆"),
        ("西藏自治区", "西藏"),
        ("广西壮族自治区", "广西"),
        ("宁夏回族自治区", "宁夏"),
        ("内蒙", "内蒙古"),
        ("北京市", "北京"),
        ("广东省", "广东"),
        ("深圳市", "广东"),
        ("沪", "上海"),
        ("吉林市", "吉林"),
        ("  上海 ", "上海"),
        ("火星", None),
        ("", None),
        (None, None),
    ],
)
def test_canonical_region(shop, name, canonical):
    assert shop.policy.canonical_region(name) == canonical


def test_every_region_resolves_to_itself_and_sits_in_one_zone(shop):
    policy = shop.policy
    assert len(policy.regions) == 31
    for region in policy.regions:
        assert policy.canonical_region(region.name) == region.name
        assert policy.zone_of(region.name) is not None


@pytest.mark.parametrize(
    "name, canonical",
    [("顺风", "顺丰"), ("中通快递", "中通"), ("发顺丰", "顺丰"), ("ems", "EMS"), ("百世", None), ("", None)],
)
def test_courier_lookup(shop, name, canonical):
    found = shop.policy.courier(name)
    assert (found.name if found else None) == canonical


def test_holiday_notes_agree_with_the_computed_reopening_day(shop):
    # Each note says "M月D日起..." for the day dispatch resumes; a wrong date in the note would tell
    # buyers something the dispatch logic contradicts.
    for holiday in shop.policy.holidays:
        match = re.search(r"(\d+)月(\d+)日起", holiday.note)
        assert match, holiday
        reopening = next_dispatch_day(shop.policy, holiday.end)
        assert (reopening.month, reopening.day) == (int(match.group(1)), int(match.group(2))), holiday


def test_holidays_cover_2026_and_2027(shop):
    years = {h.start.year for h in shop.policy.holidays}
    assert {2026, 2027} <= years
    spring = [h for h in shop.policy.holidays if h.name == "春节"]
    assert [h.start.year for h in spring] == [2026, 2027]
    assert all(h.agents_off for h in spring)


def test_holiday_lookup(shop):
    assert shop.policy.holiday_on(date(2026, 2, 17)).name == "春节"
    assert shop.policy.holiday_on(date(2026, 3, 17)) is None


def test_a_holiday_is_named_by_its_name_its_short_name_or_an_alias(shop):
    policy = shop.policy
    assert policy.holiday_named("国庆还发货吗", date(2026, 11, 23)).start == date(2027, 10, 1)  # the coming one
    assert policy.holiday_named("清明放假吗", date(2026, 11, 23)).name == "清明节"
    assert policy.holiday_named("过年前能到吗", date(2026, 11, 23)).name == "春节"
    assert policy.holiday_named("双十一还有货吗", date(2026, 11, 23)) is None
