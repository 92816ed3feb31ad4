"""Payment: 花呗, 分期, 代付, credit cards, no cash on delivery, failures."""

from __future__ import annotations

import pytest

from bot.shop import answer_payment
from bot.shop.replies import MAX_LINES


@pytest.mark.parametrize(
    "hint, topic, allowed, phrases",
    [
        (None, "overview", None, ["支付宝", "花呗", "不支持货到付款"]),
        ("怎么付款", "overview", None, ["支付宝"]),
        ("能用花呗吗", "huabei", True, ["可以用花呗", "满300元", "3期免息"]),
        ("花呗分期可以吗", "instalments", True, ["满300元", "3/6/12期", "3期免息"]),
        ("能分6期吗", "instalments", True, ["3/6/12期"]),
        ("能找人代付吗", "proxy_pay", True, ["找朋友帮忙付"]),
        ("可以让我老公帮忙付吗", "proxy_pay", True, ["找朋友帮忙付"]),
        ("proxy_pay", "proxy_pay", True, ["找朋友帮忙付"]),
        ("能用信用卡吗", "credit_card", True, ["支持信用卡"]),
        ("可以货到付款吗", "cash_on_delivery", False, ["不支持货到付款"]),
        ("花呗付不了款怎么办", "failure", None, ["别着急", "换一种付款方式"]),
    ],
)
def test_payment_answers(shop, hint, topic, allowed, phrases):
    answer = answer_payment(shop, hint)
    assert answer.facts == {"topic": topic, "allowed": allowed}
    for phrase in phrases:
        assert phrase in answer.text, phrase
    assert len(answer.lines) <= MAX_LINES


def test_instalment_minimum_comes_from_the_policy(shop_copy):
    shop_copy.edit_yaml(
        "policy.yml", lambda d: d["payment"]["instalments"].update(min_amount=500, interest_free_periods=[])
    )
    answer = answer_payment(shop_copy.load(), "分期")
    assert "满500元" in answer.text and "免息" not in answer.text


def test_proxy_pay_turned_off(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["payment"].update(proxy_pay=False))
    answer = answer_payment(shop_copy.load(), "代付")
    assert answer.facts["allowed"] is False and "不支持代付" in answer.text


def test_overview_follows_the_cash_on_delivery_flag(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["payment"].update(cash_on_delivery=True))
    shop = shop_copy.load()
    assert "也可以货到付款" in answer_payment(shop).text
    assert answer_payment(shop, "货到付款").facts["allowed"] is True


@pytest.mark.parametrize("amount, periods, says, allowed", [
    (459, None, "3期免息", True),
    (1328, None, "可以用花呗分期", True),
    (199, None, "还差101元", False),
    (None, 12, "有手续费", True),
    (None, 3, "免息", True),
    (None, 24, "没有24期", True),
])
def test_instalments_for_an_amount_or_a_number_of_periods(shop, amount, periods, says, allowed):
    answer = answer_payment(shop, "能分期吗", amount=amount, periods=periods)
    assert says in answer.text and answer.facts["allowed"] is allowed, answer.text


def test_a_bank_card_is_every_card_the_shop_takes(shop):
    text = answer_payment(shop, "那银行卡呢").text
    assert "信用卡、储蓄卡都可以" in text


def test_paying_for_someone_step_by_step_and_cards_at_a_big_sale(shop):
    assert "找朋友帮忙付" in answer_payment(shop, "proxy_pay", how=True).text
    sale = answer_payment(shop, "信用卡", sale=True).text
    assert "个别活动款" in sale and sale != answer_payment(shop, "信用卡").text


@pytest.mark.parametrize("said", ["免息吗", "分期有手续费吗", "要利息不", "免不免息"])
def test_asking_about_the_charge_names_the_free_and_the_charged_periods(shop, said):
    answer = answer_payment(shop, text_hint="instalments", amount=869, words=said)
    assert "3期免息" in answer.text and "6/12期有手续费" in answer.text, answer.text
    assert answer.facts["interest_free"] == [3]


def test_which_periods_are_free_follows_the_policy(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["payment"]["instalments"].update(interest_free_periods=[]))
    assert "没有免息" in answer_payment(shop_copy.load(), text_hint="instalments", words="免息吗").text
    shop_copy.edit_yaml("policy.yml", lambda d: d["payment"]["instalments"].update(interest_free_periods=[3, 6, 12]))
    assert "3/6/12期都免息" in answer_payment(shop_copy.load(), text_hint="instalments", words="有手续费吗").text


def test_asking_how_many_periods_is_not_a_question_of_charge(shop):
    answer = answer_payment(shop, text_hint="instalments", amount=869, words="能分几期 免息吗")
    assert "869元可以用花呗分期" in answer.text
