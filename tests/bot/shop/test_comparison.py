"""Two products compared from the catalogue (bot/shop/comparison.py)."""
from __future__ import annotations

import pytest

from bot.shop.comparison import compare_products
from bot.text.product_features import feature_lexicon
from bot.text.question_cues import ComparedOn, compared_on


def compare(shop, first, second, question):
    features = [f for f in feature_lexicon().asked_in(question) if f.better]
    return compare_products(shop, [shop.catalogue.find(first), shop.catalogue.find(second)],
                            compared_on(question), features[0] if features else None)


@pytest.mark.parametrize("first, second, question, winner, says", [
    ("jk-down-01", "ct-wool-01", "哪个更暖和", "jk-down-01", "零下10度"),  # -10 °C against 0 °C
    ("jk-wind-01", "hd-fleece-01", "哪个暖和", "hd-fleece-01", "不保暖"),
    ("hd-fleece-01", "ts-cotton-01", "哪个厚", "hd-fleece-01", "加厚"),
    ("hd-fleece-01", "ts-cotton-01", "哪个容易缩水", "hd-fleece-01", "1-2厘米"),  # 预缩 is no shrinking
    ("sk-pleat-01", "dr-shirt-01", "哪个会透", "dr-shirt-01", "内衬"),
    ("jk-down-01", "ct-wool-01", "哪个好打理", "jk-down-01", "只能干洗"),
    ("jk-down-01", "ct-wool-01", "哪个贵", "ct-wool-01", "440"),
    ("sk-pleat-01", "dr-shirt-01", "哪个便宜", "sk-pleat-01", "159"),
    ("po-men-01", "ts-cotton-01", "哪个透气", "po-men-01", "网眼"),
    ("jk-wind-01", "hd-fleece-01", "哪个下雨能穿", "jk-wind-01", "防泼水"),
    ("dr-shirt-01", "sk-pleat-01", "哪个不容易皱", "sk-pleat-01", "不易皱"),
])
def test_the_winner_and_both_facts(shop, first, second, question, winner, says):
    answer = compare(shop, first, second, question)
    assert answer.facts["winner"] == winner, answer.text
    assert says in answer.text
    assert len(answer.text.splitlines()) <= 2


def test_no_winner_when_the_data_does_not_tell_them_apart(shop):
    answer = compare(shop, "jn-denim-01", "pt-chino-01", "哪个厚")  # both 适中
    assert answer.facts["winner"] is None and "对比" in answer.text


def test_two_different_products_are_needed(shop):
    down = shop.catalogue.find("jk-down-01")
    with pytest.raises(ValueError):
        compare_products(shop, [down, down], ComparedOn("price", "贵", True))
