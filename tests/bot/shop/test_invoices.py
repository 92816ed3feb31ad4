"""Invoices: electronic invoice after receipt, titles, special VAT invoices."""

from __future__ import annotations

import pytest

from bot.shop import answer_invoice
from bot.shop.replies import MAX_LINES


@pytest.mark.parametrize(
    "hint, topic, phrases",
    [
        (None, "overview", ["电子发票", "确认收货后", "3天内", "个人、企业", "公司名称、税号"]),
        ("能开发票吗", "overview", ["电子发票"]),
        ("能开专票吗", "special_vat", ["开不了专票"]),
        ("公司要开增值税专用发票", "special_vat", ["开不了专票"]),
        ("要纸质的发票", "paper", ["不提供纸质发票"]),
        ("公司报销用", "company", ["企业抬头", "公司名称、税号"]),
        ("company", "company", ["企业抬头"]),
    ],
)
def test_invoice_answers(shop, hint, topic, phrases):
    answer = answer_invoice(shop, hint)
    assert answer.facts["topic"] == topic
    for phrase in phrases:
        assert phrase in answer.text, phrase
    assert len(answer.lines) <= MAX_LINES


def test_special_vat_allowed_in_the_policy(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["invoices"].update(special_vat=True))
    answer = answer_invoice(shop_copy.load(), "专票")
    assert answer.facts["special_vat"] is True and "可以开增值税专用发票" in answer.text


def test_issue_days_come_from_the_policy(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["invoices"].update(issue_within_days=5))
    assert "5天内" in answer_invoice(shop_copy.load()).text


def test_no_invoices(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["invoices"].update(available=False))
    answer = answer_invoice(shop_copy.load(), "专票")
    assert answer.facts["available"] is False and "不提供发票" in answer.text


def test_what_amount_an_invoice_is_for(shop):
    insurance = answer_invoice(shop, aspect="not_invoiced", parts=["运费险"]).text
    coupon = answer_invoice(shop, aspect="amount", parts=["优惠券"]).text
    assert "运费险部分不开票" in insurance and "实付金额" in coupon and "优惠券部分不开票" in coupon
    assert insurance != coupon
    assert "优惠券、运费险" in answer_invoice(shop, aspect="amount").text
