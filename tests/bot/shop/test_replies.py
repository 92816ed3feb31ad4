"""Reply templates: rendering, the four-line limit, and the file matching what the code renders."""

from __future__ import annotations

import pytest

from bot.shop.replies import MAX_LINES, SPEC, Answer, join_lines


def test_the_shop_replies_match_the_spec_exactly(shop):
    assert shop.replies.cross_check() == []
    for topic, keys in SPEC.items():
        for key in keys:
            assert shop.replies.template(f"{topic}.{key}")


def test_every_template_is_short_and_addresses_the_buyer_politely(shop):
    for topic, keys in SPEC.items():
        for key in keys:
            text = shop.replies.template(f"{topic}.{key}")
            assert len(text.strip().splitlines()) <= MAX_LINES


def test_render_fills_named_fields_and_ignores_extra_ones(shop):
    text = shop.replies.render("courier.is_default", courier="中通", unused="x")
    assert text == "亲，我们默认就是发中通哦～"


def test_render_names_a_missing_field(shop):
    with pytest.raises(KeyError, match="courier"):
        shop.replies.render("courier.is_default")


def test_join_lines_keeps_every_fact_within_four_lines():
    assert join_lines("一", None, "", "二\n三") == "一\n二\n三"
    assert join_lines("1", "2", "3", "4", "5") == "1\n2\n3\n4 5"


def test_answer_lines():
    assert Answer(text="a\nb").lines == ["a", "b"]
    assert Answer(text="a").facts == {} and Answer(text="a").hand_off_reason is None


def test_a_reworded_reply_is_used(shop_copy):
    from bot.shop import answer_courier

    shop_copy.edit_yaml("replies.yml", lambda d: d["courier"].update(is_default="亲，默认{courier}快递呢"))
    assert answer_courier(shop_copy.load(), "中通").text == "亲，默认中通快递呢"
