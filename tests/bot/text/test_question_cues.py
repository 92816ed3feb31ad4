"""What exactly a message asks, read from its words (bot/text/question_cues.py, data/lexicon/questions.yml)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.text.question_cues import (
    QuestionLexiconError,
    Quantity,
    body_details,
    compared_on,
    is_follow_up,
    later_moment,
    load_question_lexicon,
    order_days,
    people_count,
    quantities,
    question_cues,
    unmet_conditions,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize("text, present, absent", [
    ("买两件多少钱", {"price_total"}, {"bargain"}),
    ("能便宜点吗", {"bargain"}, {"price_total"}),
    ("等双十二买能便宜多少", {"price_total"}, {"bargain"}),  # 便宜多少 is a price, 便宜点 bargaining
    ("这两张能一起用吗", {"coupon_stack", "coupon_word"}, set()),  # 张 counts coupons
    ("新人券怎么领", {"coupon_get", "new_member"}, set()),
    ("满299减30的券什么时候过期", {"coupon_expiry", "coupon_word"}, set()),
    ("你们几点截单", {"cutoff"}, set()),
    ("从哪里发货的", {"warehouse"}, set()),
    ("你们人工客服几点上班啊", {"service_hours"}, set()),
    ("来回运费谁出", {"who_pays"}, set()),
    ("换了还不合适还能再换吗", {"times"}, set()),
    ("怎么还不发货", {"not_shipped"}, {"how_to"}),  # 怎么还 asks why, not how
    ("羽绒服和羊毛大衣哪个更暖和", {"compare"}, set()),
    ("好的 那我拍米白的", {"will_buy"}, set()),
    ("里面想穿卫衣", {"layering"}, set()),
    ("寄回去的时候要注意什么", {"send_back_notes"}, {"sent_back"}),
    ("我退回去的裙子你们收到没", {"sent_back", "received"}, set()),
])
def test_cues(text, present, absent):
    cues = question_cues(text)
    assert present <= cues, cues
    assert not (absent & cues), cues


@pytest.mark.parametrize("text, expected", [
    ("买两件多少钱", [Quantity(2, start=1)]),
    ("卫衣加一件T恤", [Quantity(1, start=3)]),
    ("袜子一包发顺丰", [Quantity(1, start=2)]),
    ("polo白色黑色各要一件", [Quantity(1, each=True, start=8)]),
    ("买三包呢", [Quantity(3, start=1)]),
    ("两个人各一件", [Quantity(1, each=True, start=3)]),  # 两个人 counts people, not garments
    ("包邮吗", []),
    ("五双装袜子", []),  # a pack, not a count
    ("一个订单能用几张店铺券", []),
])
def test_quantities(text, expected):
    assert quantities(text) == expected


@pytest.mark.parametrize("text, people", [
    ("两个人各一件一共多少钱", 2), ("情侣穿 各拍什么码", 2), ("我们俩一人一件", 2), ("三个人各买一件", 3),
    ("买两件", None),
])
def test_people_count(text, people):
    assert people_count(text) == people


@pytest.mark.parametrize("text, follow", [
    ("那新疆呢", True), ("两件呢", True), ("要是我五点以后才付款呢", True), ("浅蓝条纹呢", True),
    ("一件的话", True), ("那银行卡", True),
    ("新疆包邮吗", False), ("满减那张呢 在哪领 顺便问下 今天能发吗 能用花呗吗", False), ("", False),
])
def test_follow_up_shape(text, follow):
    assert is_follow_up(text) is follow


@pytest.mark.parametrize("text, days", [
    ("昨天买的裤子怎么还没发", (date(2026, 11, 22), date(2026, 11, 22))),
    ("前天发货的那条牛仔裤", (date(2026, 11, 21), date(2026, 11, 21))),
    ("上周买的那件外套能退吗", (date(2026, 11, 16), date(2026, 11, 22))),  # Monday to Sunday of last week
    ("这周拍的", (date(2026, 11, 23), date(2026, 11, 23))),
    ("刚拍的开衫不想要了", (MONDAY, MONDAY)),
    ("开衫能退吗", None),
])
def test_order_days(text, days):
    assert order_days(text, MONDAY) == days


@pytest.mark.parametrize("text, moment", [
    ("要是我五点以后才付款呢", datetime(2026, 11, 23, 17, 0, tzinfo=SHANGHAI)),  # 5 a.m. has passed: 17:00
    ("晚上八点付款呢", datetime(2026, 11, 23, 20, 0, tzinfo=SHANGHAI)),
    ("明天上午10点付", datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)),
    ("下午3点半", datetime(2026, 11, 23, 15, 30, tzinfo=SHANGHAI)),
    ("晚上付", datetime(2026, 11, 23, 20, 0, tzinfo=SHANGHAI)),
    ("现在付", None),
    ("后天付款呢", date(2026, 11, 25)),
    ("周六下单啥时候发", date(2026, 11, 28)),
    ("要是礼拜天晚上拍呢", datetime(2026, 11, 29, 20, 0, tzinfo=SHANGHAI)),
    ("周末拍的话", date(2026, 11, 28)),
    ("下周一上午付", date(2026, 11, 30)),
    ("这周五下午三点付款", datetime(2026, 11, 27, 15, 0, tzinfo=SHANGHAI)),
    ("星期一晚上付", datetime(2026, 11, 23, 20, 0, tzinfo=SHANGHAI)),  # Monday is today
    ("周一到周五都发货吗", None),  # a range, not a day
    ("我在上海 今天下单明天能收到吗", None),  # ordering now, asking about the arrival
    ("周六能到吗", None),
])
def test_later_moment(text, moment):
    now = datetime(2026, 11, 23, 15, 20, tzinfo=SHANGHAI)
    assert later_moment(text, now) == moment


@pytest.mark.parametrize("text, details", [
    ("我屁股比较大", ["broad_hips"]),
    ("大腿也有点粗 M会不会紧", ["thick_thighs"]),
    ("我肩膀比较宽 S会不会窄", ["broad_shoulders"]),
    ("胯宽 腿粗", ["broad_hips", "thick_thighs"]),
    ("有小肚子", ["big_belly"]),
    ("腿长", []),
])
def test_body_details(text, details):
    assert body_details(text) == details


@pytest.mark.parametrize("text, key, more", [
    ("羽绒服和羊毛大衣哪个更暖和", "warmth", True), ("哪个贵", "price", True), ("哪个便宜", "price", False),
    ("卫衣和T恤哪个厚", "thickness", True), ("哪个容易缩水", "shrinking", True), ("哪个不缩水", "shrinking", False),
    ("哪个好打理", "care", True),
])
def test_compared_on(text, key, more):
    found = compared_on(text)
    assert (found.key, found.more) == (key, more)


def test_compared_on_nothing_known():
    assert compared_on("哪个好看") is None


def test_unmet_return_conditions_are_named_as_the_policy_writes_them(shop):
    conditions = shop.policy.returns.conditions
    assert unmet_conditions("穿过一次还能退吗", conditions) == ["未穿着"]
    assert unmet_conditions("吊牌剪了呢", conditions) == ["吊牌完好"]
    assert unmet_conditions("已经洗过了 吊牌也剪了", conditions) == ["未洗涤", "吊牌完好"]
    assert unmet_conditions("可以七天无理由吗", conditions) == []


def test_a_longer_cue_word_wins_and_blockers_stop_the_shorter(tmp_path):
    path = tmp_path / "questions.yml"
    path.write_text("cues:\n  price_total: [多少钱]\n  short: [多少]\nnot_cues: [多少次]\n", encoding="utf-8")
    lexicon = load_question_lexicon(path)
    assert lexicon.find("这件多少钱") == {"price_total"}
    assert lexicon.find("能换多少次") == frozenset()


@pytest.mark.parametrize("content, message", [
    ("cues: [a, b]\n", "cues"),
    ("cues:\n  x: []\n", "cues.x"),
    ("cues:\n  x: [a]\nnot_cues: a\n", "not_cues"),
    ("cues: {x: [a]\n", "not valid YAML"),
])
def test_a_malformed_lexicon_is_refused_with_where(tmp_path, content, message):
    path = tmp_path / "questions.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(QuestionLexiconError, match=message):
        load_question_lexicon(path)


def test_a_missing_lexicon_says_so(tmp_path):
    with pytest.raises(QuestionLexiconError, match="not found"):
        load_question_lexicon(tmp_path / "nope.yml")
