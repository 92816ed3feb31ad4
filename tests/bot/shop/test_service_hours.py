"""Human agents' hours: daily hours, holiday hours, closures with no agents."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.shop import agents_on_duty, answer_service_hours, next_on_duty

from .shop_time import SHANGHAI, at


@pytest.mark.parametrize(
    "now, on_duty, next_start",
    [
        (at(2026, 3, 4, 8, 59), False, at(2026, 3, 4, 9, 0)),
        (at(2026, 3, 4, 9, 0), True, at(2026, 3, 4, 9, 0)),
        (at(2026, 3, 4, 22, 59), True, at(2026, 3, 4, 22, 59)),
        (at(2026, 3, 4, 23, 0), False, at(2026, 3, 5, 9, 0)),
        (at(2026, 3, 7, 12, 0), True, at(2026, 3, 7, 12, 0)),  # agents work weekends
        (at(2026, 10, 2, 9, 30), False, at(2026, 10, 2, 10, 0)),  # 国庆: 10:00-20:00
        (at(2026, 10, 2, 20, 30), False, at(2026, 10, 3, 10, 0)),
        (at(2026, 2, 15, 12, 0), False, at(2026, 2, 26, 9, 0)),  # 春节: agents off
        (at(2026, 2, 11, 23, 30), False, at(2026, 2, 26, 9, 0)),  # eve of 春节, after hours
    ],
)
def test_agents_on_duty(shop, now, on_duty, next_start):
    assert agents_on_duty(shop.policy, now) is on_duty
    assert next_on_duty(shop.policy, now) == next_start


@pytest.mark.parametrize(
    "now, phrase",
    [
        (at(2026, 3, 4, 10, 0), "现在就可以为您转接"),
        (at(2026, 3, 4, 23, 30), "明天09:00上线"),
        (at(2026, 3, 5, 2, 0), "今天09:00上线"),
        (at(2026, 10, 2, 12, 0), "国庆节期间人工客服在线时间是10:00-20:00"),
        (at(2026, 2, 15, 12, 0), "2月26日09:00恢复在线"),
    ],
)
def test_answer_service_hours(shop, now, phrase):
    answer = answer_service_hours(shop, now)
    assert phrase in answer.text


def test_hours_come_from_the_policy(shop_copy):
    shop_copy.replace_text("policy.yml", 'end: "23:00"', 'end: "22:00"')
    shop = shop_copy.load()
    assert agents_on_duty(shop.policy, at(2026, 3, 4, 22, 30)) is False
    assert "09:00-22:00" in answer_service_hours(shop, at(2026, 3, 4, 22, 30)).text


def test_next_on_duty_is_in_shop_time(shop):
    result = next_on_duty(shop.policy, at(2026, 3, 4, 23, 30))
    assert result.tzinfo is not None and result == datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI)
