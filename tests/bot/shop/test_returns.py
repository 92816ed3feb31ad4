"""Returns: 7-day no-reason eligibility, excluded categories, who pays the postage, exchanges."""

from __future__ import annotations

from datetime import date

import pytest

from bot.shop import answer_exchange, answer_return_policy, answer_return_window
from bot.shop.replies import MAX_LINES
from bot.shop.returns import answer_exchange_question, answer_return_question, no_reason_deadline

from .shop_time import at

FILING_PATH = "已买到的宝贝 → 退货退款 → 我要退货"


@pytest.mark.parametrize(
    "product, quality, returnable, payer, must_say, must_not_say",
    [
        (
            None,
            None,
            None,
            None,
            ["七天无理由", "签收后7天内", "吊牌完好", "质量问题来回运费我们承担", "运费险", FILING_PATH],
            [],
        ),
        ("羽绒服", None, True, None, ["女款连帽白鸭绒羽绒服支持七天无理由", FILING_PATH], []),
        (
            "羽绒服",
            False,
            True,
            "buyer",
            ["由亲承担", "运费险", "5-25元", "七天无理由"],
            ["质量问题运费我们承担"],
        ),
        (
            "羽绒服",
            True,
            True,
            "shop",
            ["运费我们承担", "照片", "不接收到付", "15元以内", "质量问题", FILING_PATH],
            [],
        ),
        (None, True, None, "shop", ["运费我们承担", "先垫付", "不接收到付"], []),
        (None, False, None, "buyer", ["由亲承担", "七天无理由"], []),
        ("袜子", None, False, None, ["袜子", "不支持七天无理由"], [FILING_PATH]),
        ("袜子", False, False, None, ["不支持七天无理由"], ["运费险"]),
        ("so-cotton-01", True, False, "shop", ["运费我们承担"], ["不支持"]),  # quality beats exclusion
    ],
)
def test_return_policy(shop, product, quality, returnable, payer, must_say, must_not_say):
    answer = answer_return_policy(shop, product=product, quality_problem=quality)
    assert answer.facts["returnable_no_reason"] is returnable
    assert answer.facts["postage_payer"] == payer
    for phrase in must_say:
        assert phrase in answer.text, phrase
    for phrase in must_not_say:
        assert phrase not in answer.text, phrase
    assert len(answer.lines) <= MAX_LINES


def test_a_category_added_to_the_exclusions_stops_no_reason_returns(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["returns"]["excluded_categories"].append("羽绒服"))
    answer = answer_return_policy(shop_copy.load(), "羽绒服")
    assert answer.facts["returnable_no_reason"] is False
    assert "不支持七天无理由" in answer.text


def test_a_product_flag_overrides_its_category(shop_copy):
    shop_copy.edit_yaml("catalogue.yml", lambda d: d["products"][11].update(returnable_no_reason=True))
    assert answer_return_policy(shop_copy.load(), "袜子").facts["returnable_no_reason"] is True


def test_freight_insurance_not_gifted_is_worded_as_the_buyers_own(shop_copy):
    shop_copy.edit_yaml(
        "policy.yml", lambda d: d["returns"]["freight_insurance"].update(gifted_by_shop=False)
    )
    answer = answer_return_policy(shop_copy.load(), quality_problem=False)
    assert "买了运费险" in answer.text and "每单都送" not in answer.text


def test_quality_reimbursement_cap_comes_from_the_policy(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["returns"].update(quality_postage_max=20))
    answer = answer_return_policy(shop_copy.load(), quality_problem=True)
    assert answer.facts["postage_max"] == 20 and "20元以内" in answer.text


def test_an_unknown_product_gets_the_general_rule(shop):
    answer = answer_return_policy(shop, "火箭")
    assert answer.facts["product"] is None and answer.facts["unknown_product"] == "火箭"
    assert "本店支持七天无理由" in answer.text


@pytest.mark.parametrize(
    "signed_on, now, is_open",
    [
        (date(2026, 3, 1), at(2026, 3, 1, 20), True),
        (date(2026, 3, 1), at(2026, 3, 8, 23, 59), True),  # 7 days counted from the day after sign-for
        (date(2026, 3, 1), at(2026, 3, 9, 0, 1), False),
        (date(2026, 3, 1), at(2026, 4, 1), False),
    ],
)
def test_no_reason_window_is_counted_from_sign_for(shop, signed_on, now, is_open):
    assert no_reason_deadline(shop.policy, signed_on) == date(2026, 3, 8)
    answer = answer_return_window(shop, now, signed_on, product="牛仔裤")
    assert answer.facts["open"] is is_open
    assert answer.facts["deadline"] == date(2026, 3, 8)
    if not is_open:
        assert "3月8日" in answer.text


def test_window_for_an_excluded_product_is_never_open(shop):
    answer = answer_return_window(shop, at(2026, 3, 2), date(2026, 3, 1), product="袜子")
    assert answer.facts["open"] is False
    assert "不支持七天无理由" in answer.text


def test_exchange(shop):
    answer = answer_exchange(shop, "牛仔裤")
    assert answer.facts["available"] is True and answer.facts["window_days"] == 7
    assert "尺码、颜色" in answer.text
    assert "寄回运费亲承担" in answer.text and "寄出运费我们承担" in answer.text
    assert "已买到的宝贝 → 退换货 → 申请换货" in answer.text


def test_exchange_of_an_excluded_item_is_refused(shop):
    answer = answer_exchange(shop, "袜子")
    assert answer.facts["available"] is False
    assert "不支持" in answer.text


def test_exchange_turned_off_in_the_policy(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["exchanges"].update(available=False))
    answer = answer_exchange(shop_copy.load())
    assert answer.facts["available"] is False and "不支持直接换货" in answer.text


@pytest.mark.parametrize("aspect, unmet, quality, says", [
    ("postage", (), False, "运费险"),
    ("postage", (), True, "15元以内"),
    ("quality", (), False, "质量问题"),
    ("photos", (), False, "照片"),
    ("cod", (), False, "不接收到付件"),
    ("insurance", (), False, "每单都送运费险"),
    ("conditions", ("未穿着",), False, "未穿着做不到的话就不能无理由退了"),
    ("conditions", (), False, "需要未穿着、未洗涤"),
    ("refund_days", (), False, "2天内退款"),
    ("refund_where", (), False, "原路退回"),
    ("how", (), False, "我要退货"),
    ("send_back", (), False, "填写快递单号"),
])
def test_one_return_question_at_a_time(shop, aspect, unmet, quality, says):
    answer = answer_return_question(shop, aspect, quality_problem=quality, unmet=unmet)
    assert says in answer.text and 1 <= len(answer.lines) <= 3, answer.text


@pytest.mark.parametrize("aspect, says", [
    ("how", "申请换货"),
    ("postage", "包邮寄出"),
    ("times", "限换1次"),
    ("sold_out", "退货退款"),
    ("send_back", "备注要换的颜色尺码"),
])
def test_one_exchange_question_at_a_time(shop, aspect, says):
    answer = answer_exchange_question(shop, aspect)
    assert says in answer.text and "我要退货" not in answer.text, answer.text


def test_an_unknown_return_or_exchange_aspect_is_a_programming_error(shop):
    with pytest.raises(ValueError):
        answer_return_question(shop, "colour")
    with pytest.raises(ValueError):
        answer_exchange_question(shop, "colour")
