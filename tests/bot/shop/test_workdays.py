"""How days are named to buyers (今天, 周三, 下周一, 12月9日) from the shop's calendar words."""
from datetime import date

import pytest

from bot.shop.workdays import day_label, day_with_date

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize("day, label", [
    (date(2026, 11, 23), "今天"),
    (date(2026, 11, 24), "明天"),
    (date(2026, 11, 25), "后天"),
    (date(2026, 11, 28), "周六"),
    (date(2026, 11, 30), "下周一"),  # seven days on: next week's Monday, not "周一"
    (date(2026, 12, 6), "下周日"),
    (date(2026, 12, 7), "12月7日"),  # the week after next: the date
])
def test_day_labels(shop, day, label):
    assert day_label(shop.replies, day, MONDAY) == label


def test_a_day_after_the_coming_week_is_named_on_a_sunday_too(shop):
    sunday = date(2026, 11, 29)
    assert day_label(shop.replies, date(2026, 12, 3), sunday) == "周四"  # within seven days
    assert day_label(shop.replies, date(2026, 12, 7), sunday) == "12月7日"  # 8 days on: past next week (11-30 to 12-6)
    assert day_with_date(shop.replies, date(2026, 11, 30), MONDAY) == "下周一（11月30日）"
