"""Shipping: dispatch dates over the shop calendar, delivery estimates, postage and couriers."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.shop import answer_courier, answer_shipping_fee, answer_shipping_time, dispatch_date
from bot.shop.replies import MAX_LINES
from bot.shop.shipping import (
    answer_cutoff,
    answer_delivery_days,
    answer_order_postage,
    answer_holiday,
    answer_paying_later,
    answer_warehouse,
    time_to_cutoff,
)

from .shop_time import at

# 2026-03-04 is a Wednesday; 春节 closure 2026-02-12..02-25; 2026-02-28 (Sat) and 2026-09-20 (Sun)
# are make-up dispatch days; 中秋 2026-09-25..27; 国庆 10-01..07; 元旦 2027-01-01..03.
DISPATCH_CASES = [
    # now,                  expected dispatch,   case,              label in reply
    (at(2026, 3, 4, 9, 0), date(2026, 3, 4), "today", "今天就能发出"),
    (at(2026, 3, 4, 15, 59), date(2026, 3, 4), "today", "今天就能发出"),
    (at(2026, 3, 4, 16, 0), date(2026, 3, 5), "after_cutoff", "明天（3月5日）"),
    (at(2026, 3, 4, 23, 59), date(2026, 3, 5), "after_cutoff", "明天（3月5日）"),
    (at(2026, 3, 5, 0, 1), date(2026, 3, 5), "today", "今天就能发出"),
    (at(2026, 3, 6, 17, 0), date(2026, 3, 9), "after_cutoff", "周一（3月9日）"),  # Friday evening
    (at(2026, 3, 7, 10, 0), date(2026, 3, 9), "rest_day", "后天（3月9日）"),  # Saturday
    (at(2026, 3, 8, 10, 0), date(2026, 3, 9), "rest_day", "明天（3月9日）"),  # Sunday
    (at(2026, 2, 11, 15, 0), date(2026, 2, 11), "today", "今天就能发出"),  # day before 春节, in time
    (at(2026, 2, 11, 17, 0), date(2026, 2, 26), "before_holiday", "2月26日"),  # day before 春节, late
    (at(2026, 2, 14, 10, 0), date(2026, 2, 26), "holiday_closure", "2月26日"),  # during 春节
    (at(2026, 2, 25, 20, 0), date(2026, 2, 26), "holiday_closure", "明天（2月26日）"),  # last closed day
    (at(2026, 2, 28, 10, 0), date(2026, 2, 28), "today", "今天就能发出"),  # make-up Saturday
    (at(2026, 2, 28, 17, 0), date(2026, 3, 2), "after_cutoff", "后天（3月2日）"),
    (at(2026, 9, 19, 17, 0), date(2026, 9, 20), "rest_day", "明天（9月20日）"),  # Sunday make-up day
    (at(2026, 9, 26, 10, 0), date(2026, 9, 28), "holiday_closure", "后天（9月28日）"),  # 中秋
    (at(2026, 9, 30, 17, 0), date(2026, 10, 8), "before_holiday", "10月8日"),  # eve of 国庆
    (at(2026, 12, 31, 17, 0), date(2027, 1, 4), "before_holiday", "周一（1月4日）"),  # eve of 元旦 2027
    (at(2027, 1, 30, 11, 0), date(2027, 2, 15), "holiday_closure", "2月15日"),  # Sat before 春节 2027
]


@pytest.mark.parametrize("now, expected, case, label", DISPATCH_CASES)
def test_dispatch_day_follows_cutoff_weekends_and_holidays(shop, now, expected, case, label):
    assert dispatch_date(shop.policy, now) == expected
    answer = answer_shipping_time(shop, now)
    assert answer.facts["dispatch_date"] == expected
    assert answer.facts["case"] == case
    assert answer.facts["ships_today"] is (case == "today")
    assert label in answer.text
    assert len(answer.lines) <= MAX_LINES


def test_before_cutoff_the_reply_names_the_time_and_the_cutoff(shop):
    answer = answer_shipping_time(shop, at(2026, 3, 4, 15, 20))
    assert answer.lines[0].startswith("亲，现在是15:20，40分钟内（16:00前）付款今天就能发出")


@pytest.mark.parametrize(
    "hour, minute, second, left",
    [(9, 55, 0, "6小时5分钟"), (14, 0, 0, "2小时"), (15, 59, 30, "1分钟"), (16, 0, 0, ""), (18, 0, 0, "")],
)
def test_time_to_cutoff_is_rounded_up_and_empty_once_past(hour, minute, second, left):
    tz = ZoneInfo("Asia/Shanghai")
    assert time_to_cutoff(datetime(2026, 3, 4, hour, minute, second, tzinfo=tz), time(16, 0)) == left


@pytest.mark.parametrize(
    "now, holiday",
    [
        (at(2026, 2, 11, 17, 0), "春节"),
        (at(2026, 2, 14), "春节"),
        (at(2026, 9, 30, 17, 0), "国庆节"),
        (at(2026, 3, 6, 17, 0), None),
    ],
)
def test_a_holiday_in_the_way_is_named(shop, now, holiday):
    answer = answer_shipping_time(shop, now)
    assert answer.facts["holiday"] == holiday
    if holiday:
        assert holiday in answer.text


def test_now_in_another_timezone_is_converted_to_shop_time(shop):
    # 07:30 UTC is 15:30 in Shanghai (before the cut-off); 08:30 UTC is 16:30 (after).
    assert dispatch_date(shop.policy, datetime(2026, 3, 4, 7, 30, tzinfo=timezone.utc)) == date(2026, 3, 4)
    assert dispatch_date(shop.policy, datetime(2026, 3, 4, 8, 30, tzinfo=timezone.utc)) == date(2026, 3, 5)


def test_a_naive_now_is_refused(shop):
    with pytest.raises(ValueError, match="timezone-aware"):
        answer_shipping_time(shop, datetime(2026, 3, 4, 15, 0))


@pytest.mark.parametrize(
    "region, canonical, days_min, days_max",
    [
        ("上海", "上海", 1, 2),
        ("上海市", "上海", 1, 2),
        ("杭州", "浙江", 1, 2),
        ("广州", "广东", 2, 3),
        ("广东省", "广东", 2, 3),
        ("哈尔滨", "黑龙江", 3, 5),
        ("内蒙古自治区", "内蒙古", 3, 5),
        ("新疆", "新疆", 5, 8),
        ("新疆维吾尔自治区", "新疆", 5, 8),
        ("乌鲁木齐", "新疆", 5, 8),
        ("拉萨市", "西藏", 5, 8),
    ],
)
def test_delivery_estimate_by_region(shop, region, canonical, days_min, days_max):
    now = at(2026, 3, 6, 17, 0)  # ships Monday 3月9日
    answer = answer_shipping_time(shop, now, region=region)
    assert answer.facts["region"] == canonical
    assert (answer.facts["days_min"], answer.facts["days_max"]) == (days_min, days_max)
    assert answer.facts["arrival_earliest"] == date(2026, 3, 9 + days_min)
    assert answer.facts["arrival_latest"] == date(2026, 3, 9 + days_max)
    expected = f"{days_min}-{days_max}" if days_min != days_max else str(days_min)
    assert f"{canonical}一般{expected}天" in answer.text


def test_without_a_region_the_nearest_zone_is_given_and_the_region_asked(shop):
    answer = answer_shipping_time(shop, at(2026, 3, 4, 15, 20))
    assert answer.facts["region"] is None
    assert "江浙沪皖一般1-2天" in answer.text
    assert "哪个省" in answer.text


def test_an_unknown_region_is_said_so(shop):
    answer = answer_shipping_time(shop, at(2026, 3, 4, 15, 20), region="火星")
    assert answer.facts["region"] is None and answer.facts["unknown_region"] == "火星"
    assert "火星" in answer.text


def test_moving_the_cutoff_in_the_policy_changes_the_answer(shop_copy):
    now = at(2026, 3, 4, 17, 0)
    assert answer_shipping_time(shop_copy.load(), now).facts["ships_today"] is False
    shop_copy.replace_text("policy.yml", 'cutoff: "16:00"', 'cutoff: "17:30"')
    changed = answer_shipping_time(shop_copy.load(), now)
    assert changed.facts["ships_today"] is True
    assert "（17:30前）付款" in changed.text and "30分钟内" in changed.text


def test_adding_a_holiday_in_the_policy_changes_the_answer(shop_copy):
    now = at(2026, 3, 4, 17, 0)

    def close_thursday(data):
        data["holidays"].append(
            {"name": "仓库盘点", "start": date(2026, 3, 5), "end": date(2026, 3, 6), "note": "盘点"}
        )

    shop_copy.edit_yaml("policy.yml", close_thursday)
    answer = answer_shipping_time(shop_copy.load(), now)
    assert answer.facts["dispatch_date"] == date(2026, 3, 9)
    assert answer.facts["holiday"] == "仓库盘点"


def test_a_dispatch_on_saturdays_policy_ships_friday_evening_orders_on_saturday(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["dispatch"]["weekdays"].append("周六"))
    answer = answer_shipping_time(shop_copy.load(), at(2026, 3, 6, 17, 0))
    assert answer.facts["dispatch_date"] == date(2026, 3, 7)
    assert "明天（3月7日）" in answer.text


# -- postage ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "region, amount, remote, free, postage, gap",
    [
        ("广东", 98.99, False, False, 8, 0.01),
        ("广东", 99, False, True, 0, 0),
        ("深圳", 120, False, True, 0, 0),
        ("上海", 0, False, False, 8, 99),
        ("新疆", 1000, True, False, 20, 0),  # never free
        ("西藏自治区", 50, True, False, 25, 0),
        ("海南", 298, True, False, 10, 1),
        ("海口", 299, True, True, 0, 0),
        ("内蒙古", 150, True, False, 12, 149),
    ],
)
def test_postage_by_region_and_amount(shop, region, amount, remote, free, postage, gap):
    answer = answer_shipping_fee(shop, region=region, order_amount=amount)
    facts = answer.facts
    assert (facts["remote"], facts["free"], facts["postage"], facts["gap"]) == (remote, free, postage, gap)
    if free:
        assert "已经包邮" in answer.text
    elif gap:
        assert f"再凑{gap:g}元" in answer.text
    else:
        assert f"运费{postage}元" in answer.text


def test_remote_region_without_amount_states_its_postage(shop):
    answer = answer_shipping_fee(shop, region="乌鲁木齐")
    assert answer.facts["region"] == "新疆" and answer.facts["fee"] == 20
    assert "偏远地区" in answer.text and "20元" in answer.text
    assert "free" not in answer.facts


def test_without_a_region_the_general_rule_is_stated_and_the_region_asked(shop):
    answer = answer_shipping_fee(shop)
    assert answer.facts["needs_region"] is True
    assert "满99元包邮" in answer.text and "运费8元" in answer.text
    for region in ["新疆", "西藏", "青海", "内蒙古", "宁夏", "甘肃", "海南"]:
        assert region in answer.text
    assert "哪个省" in answer.text
    assert len(answer.lines) <= MAX_LINES


def test_an_unknown_region_gets_the_general_rule(shop):
    answer = answer_shipping_fee(shop, region="火星", order_amount=50)
    assert answer.facts["needs_region"] is True
    assert "火星" in answer.lines[0]
    assert len(answer.lines) <= MAX_LINES


@pytest.mark.parametrize("amount", [-1, "-1", "很多"])
def test_a_bad_amount_is_refused(shop, amount):
    with pytest.raises(ValueError):
        answer_shipping_fee(shop, region="广东", order_amount=amount)


def test_an_amount_extracted_as_text_is_understood(shop):
    assert answer_shipping_fee(shop, region="广东", order_amount="120元").facts["free"] is True


def test_editing_the_threshold_changes_the_answer(shop_copy):
    assert answer_shipping_fee(shop_copy.load(), "广东", 120).facts["free"] is True
    shop_copy.edit_yaml("policy.yml", lambda d: d["postage"].update(free_threshold=129))
    answer = answer_shipping_fee(shop_copy.load(), "广东", 120)
    assert answer.facts["free"] is False and answer.facts["gap"] == 9
    assert "满129元包邮" in answer.text


def test_editing_a_remote_postage_changes_the_answer(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["postage"]["remote"][0].update(fee=18))
    answer = answer_shipping_fee(shop_copy.load(), "新疆")
    assert answer.facts["fee"] == 18 and "运费18元" in answer.text


def test_a_region_removed_from_the_remote_list_ships_free_over_the_threshold(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["postage"]["remote"].pop(6))  # 海南
    answer = answer_shipping_fee(shop_copy.load(), "海南", 120)
    assert answer.facts["remote"] is False and answer.facts["free"] is True


# -- couriers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "asked, case, canonical, surcharge, phrase",
    [
        ("顺丰", "surcharge", "顺丰", 12, "补12元"),
        ("顺丰速运", "surcharge", "顺丰", 12, "补12元"),
        ("sf", "surcharge", "顺丰", 12, "补12元"),
        ("京东", "unavailable", "京东", 0, "发不了京东"),
        ("京东快递", "unavailable", "京东", 0, "发不了京东"),
        ("申通", "unavailable", "申通", 0, "发不了申通"),
        ("圆通", "free_choice", "圆通", 0, "不用加钱"),
        ("中通", "is_default", "中通", 0, "默认就是发中通"),
        ("EMS", "surcharge", "EMS", 8, "补8元"),
        ("邮政", "surcharge", "EMS", 8, "补8元"),
        ("百世汇通", "unknown", None, None, "没有合作"),
    ],
)
def test_a_named_courier(shop, asked, case, canonical, surcharge, phrase):
    answer = answer_courier(shop, asked)
    assert answer.facts["case"] == case
    assert answer.facts["courier"] == canonical
    if surcharge is not None:
        assert answer.facts["surcharge"] == surcharge
    assert phrase in answer.text


def test_courier_overview_names_default_options_and_unavailable(shop):
    answer = answer_courier(shop)
    assert answer.facts["default"] == "中通"
    assert "默认发中通" in answer.text
    assert "顺丰（补12元）" in answer.text
    assert "京东" in answer.text and "发不了" in answer.text
    assert "EMS" in answer.lines[1] and "新疆" in answer.lines[1]
    assert len(answer.lines) <= MAX_LINES


@pytest.mark.parametrize(
    "region, courier, case",
    [
        ("西藏", None, "regional_default"),
        ("拉萨", "EMS", "regional_default"),
        ("广东", None, "overview"),
        ("广东", "EMS", "surcharge"),
    ],
)
def test_remote_regions_default_to_their_courier(shop, region, courier, case):
    answer = answer_courier(shop, courier, region=region)
    assert answer.facts["case"] == case
    if case == "regional_default":
        assert "EMS" in answer.text and answer.facts.get("surcharge", 0) == 0


def test_editing_a_surcharge_changes_the_answer(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["couriers"][3].update(surcharge=15))
    answer = answer_courier(shop_copy.load(), "顺丰")
    assert answer.facts["surcharge"] == 15 and "补15元" in answer.text


def test_cut_off_warehouse_and_days_to_a_region(shop):
    assert "16:00截单" in answer_cutoff(shop).text
    assert "杭州" in answer_warehouse(shop).text
    days = answer_delivery_days(shop, "杭州")
    assert days.facts["region"] == "浙江" and "1-2天" in days.text


@pytest.mark.parametrize("hour, ships", [(15, "今天"), (17, "明天")])
def test_paying_later(shop, hour, ships):
    monday = at(2026, 11, 23, 15, 20)
    later = monday.replace(hour=hour, minute=50 if hour == 15 else 0)
    answer = answer_paying_later(shop, monday, later)
    assert ships in answer.text, answer.text


@pytest.mark.parametrize("named, says", [
    ("元旦还发货吗", ["元旦（1月1日-1月3日）仓库放假不发货", "12月31日16:00前付款的节前发出", "1月4日起", "10:00-18:00"]),
    ("过年发货吗", ["春节（2月1日-2月14日）", "1月29日16:00前付款", "人工客服也休息"]),
    ("五一放假吗", ["劳动节（5月1日-5月5日）", "4月30日16:00前", "10:00-20:00"]),
])
def test_a_coming_holiday_asked_by_name(shop, named, says):
    monday = at(2026, 11, 23, 15, 20)
    answer = answer_holiday(shop, monday, shop.policy.holiday_named(named, monday.date()))
    assert all(words in answer.text for words in says), answer.text


def test_during_a_holiday_the_usual_answer_says_when_it_ships(shop):
    new_year = at(2027, 1, 2, 10, 0)
    answer = answer_holiday(shop, new_year, shop.policy.holiday_named("元旦", new_year.date()))
    assert answer.facts["case"] == "holiday_closure" and "1月4日" in answer.text


@pytest.mark.parametrize("day, says", [
    (date(2026, 11, 28), ["周六仓库不发货", "下周一（11月30日）发出"]),  # a Saturday
    (date(2026, 11, 25), ["后天16:00前付款的话当天就能发出", "周四（11月26日）发出"]),  # a Wednesday
])
def test_paying_on_a_day_without_a_time(shop, day, says):
    answer = answer_paying_later(shop, at(2026, 11, 23, 15, 20), day)
    assert all(words in answer.text for words in says), answer.text


@pytest.mark.parametrize("region, amount, says", [
    ("广东", 79, "再凑20元就包邮"),
    ("广东", 158, "已经包邮"),
    ("新疆", 158, "也要运费20元"),
    ("内蒙古", 278, "再凑21元"),
    (None, 328, "已经包邮"),
])
def test_postage_of_one_order(shop, region, amount, says):
    answer = answer_order_postage(shop, region, amount)
    assert says in answer.text and len(answer.lines) == 1, answer.text
