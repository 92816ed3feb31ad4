"""Stock answers: colour and size, colour only, size only, summary, colours and sizes a product lacks."""

from __future__ import annotations

from datetime import date

import pytest

from bot.handoff.reasons import HandoffReason
from bot.shop.catalogue import Product
from bot.shop.replies import MAX_LINES
from bot.shop.stock import LOW_STOCK, answer_stock, match_colors, match_size, size_words, variant_stock


def _product(**changes) -> Product:
    data = {
        "id": "xx-test-01", "name": "测试款", "category": "测试", "gender": "女", "price": 99,
        "colors": ["黑色", "浅蓝色", "深蓝色", "米白色"], "sizes": ["S", "M", "L"], "fabric": "棉",
        "stock": {
            "黑色": {"S": 10, "M": 0, "L": 3},
            "浅蓝色": {"S": 0, "M": 0, "L": 0},
            "深蓝色": {"S": 8, "M": 6, "L": 1},
            "米白色": {"S": 9, "M": 9, "L": 9},
        },
        "restock": {"黑色": {"M": "2026-12-05"}, "浅蓝色": {"S": "2026-12-05", "M": "2026-12-05"}},
    }
    data.update(changes)
    return Product.parse_obj(data)


@pytest.mark.parametrize(
    "color, expected",
    [
        ("黑色", ["黑色"]),
        ("黑", ["黑色"]),
        ("浅蓝", ["浅蓝色"]),
        ("蓝色", ["浅蓝色", "深蓝色"]),  # a hue covers its shades
        ("白色", ["米白色"]),  # no plain white: the off-white is meant
        ("红色", []),
        ("", []),
        (None, []),
    ],
)
def test_match_colors(color, expected):
    assert match_colors(_product(), color) == expected


def test_a_plain_colour_never_matches_a_shade_when_the_product_has_both():
    product = _product(colors=["白色", "米白色"], stock=None, restock=None)
    assert match_colors(product, "白色") == ["白色"]
    assert match_colors(product, "米白") == ["米白色"]


@pytest.mark.parametrize(
    "size, expected", [("M", "M"), ("m", "M"), ("M码", "M"), (" L ", "L"), ("XL", None), (None, None)]
)
def test_match_size(size, expected):
    assert match_size(_product(), size) == expected


def test_match_size_reads_xxl_as_2xl():
    assert match_size(_product(sizes=["L", "2XL"], stock=None, restock=None), "XXL") == "2XL"


@pytest.mark.parametrize(
    "color, size, status, count, restock",
    [
        ("黑色", "S", "in_stock", 10, None),
        ("黑色", "L", "low_stock", 3, None),
        ("深蓝色", "M", "in_stock", LOW_STOCK + 1, None),
        ("深蓝色", "L", "low_stock", 1, None),
        ("黑色", "M", "sold_out", 0, date(2026, 12, 5)),
        ("浅蓝色", "L", "sold_out", 0, None),
    ],
)
def test_variant_stock(color, size, status, count, restock):
    variant = variant_stock(_product(), color, size)
    assert (variant.status, variant.count, variant.restock) == (status, count, restock)


def test_a_missing_count_is_unknown():
    product = _product(stock={"黑色": {"S": 1}}, restock=None)
    assert variant_stock(product, "黑色", "M").status == "unknown"


@pytest.mark.parametrize(
    "color, size, expected, absent, statuses",
    [
        # colour and size
        ("黑色", "S", ["亲，黑色S码有货"], ["仅剩"], ["in_stock"]),
        ("黑色", "L", ["黑色L码", "仅剩3件"], [], ["low_stock"]),
        ("黑色", "M", ["黑色M码暂时卖完", "预计12月5日补货", "M码的深蓝色、米白色还有货"], [], None),
        ("浅蓝", "L", ["浅蓝色L码已经卖完", "暂无补货计划", "L码的黑色、深蓝色、米白色还有货"], [], None),
        ("蓝色", "L", ["蓝色的话这款有浅蓝色、深蓝色", "浅蓝色L码已经卖完", "深蓝色L码还有货，仅剩1件"], [],
         ["sold_out", "low_stock"]),
        ("白色", "M", ["米白色M码有货"], [], ["in_stock"]),
        # colour only
        ("黑色", None, ["黑色S/L码有货", "M码（预计12月5日补货）卖完了", "L码仅剩3件"], [], None),
        ("浅蓝色", None, ["浅蓝色所有尺码都卖完了", "S/M码（预计12月5日补货）", "L码（暂无补货计划）"], [], None),
        ("米白色", None, ["米白色各个尺码都有货"], ["仅剩"], None),
        # size only
        ("", "M", ["M码深蓝色、米白色有货", "黑色、浅蓝色（预计12月5日补货）卖完了"], [], None),
        (None, "S", ["S码黑色、深蓝色、米白色有货", "浅蓝色（预计12月5日补货）卖完了"], [], None),
        # neither
        (None, None, ["测试款目前", "黑色M码（预计12月5日补货）", "浅蓝色S/M码（预计12月5日补货）",
                      "浅蓝色L码（暂无补货计划）"], [], None),
    ],
)
def test_answer_stock_demo_wording(shop, color, size, expected, absent, statuses):
    answer = answer_stock(shop, _product(), color, size)
    assert answer.text.startswith("亲，")
    assert 1 <= len(answer.lines) <= MAX_LINES
    for text in expected:
        assert text in answer.text, answer.text
    for text in absent:
        assert text not in answer.text, answer.text
    assert answer.facts["status"] == "answered"
    assert answer.hand_off_reason is None
    if statuses is not None:
        assert [v["status"] for v in answer.facts["variants"]] == statuses


def test_sold_out_facts_carry_the_restock_date(shop):
    answer = answer_stock(shop, _product(), "黑色", "M")
    first = answer.facts["variants"][0]
    assert first == {"color": "黑色", "size": "M", "status": "sold_out", "count": 0, "restock": "2026-12-05"}
    assert answer.facts["colors"] == ["黑色"] and answer.facts["size"] == "M"


def test_everything_in_stock(shop):
    product = _product(colors=["黑色"], stock={"黑色": {"S": 9, "M": 9, "L": 9}}, restock=None)
    assert answer_stock(shop, product).text == "亲，测试款现在所有颜色尺码都有货哦～"


@pytest.mark.parametrize(
    "color, size, expected, not_offered",
    [
        ("红色", "M", ["测试款没有红色哦，有黑色、浅蓝色、深蓝色、米白色", "M码深蓝色、米白色有货"], {"color": "红色"}),
        ("红色", None, ["没有红色"], {"color": "红色"}),
        ("黑色", "XL", ["测试款没有XL码哦，有S/M/L码", "黑色S/L码有货"], {"size": "XL"}),
        ("红色", "XL", ["没有红色", "没有XL码"], {"color": "红色", "size": "XL"}),
    ],
)
def test_a_colour_or_size_the_product_lacks(shop, color, size, expected, not_offered):
    answer = answer_stock(shop, _product(), color, size)
    assert answer.text.startswith("亲，")
    for text in expected:
        assert text in answer.text, answer.text
    assert answer.facts["status"] == "not_offered"
    assert answer.facts["not_offered"] == not_offered


def test_one_size_products_say_均码_once(shop):
    socks = shop.catalogue.find("袜子")
    assert size_words(shop.replies, ["均码"]) == "均码"
    assert size_words(shop.replies, ["S", "M"]) == "S/M码"
    assert answer_stock(shop, socks, "黑色", "均码").text == "亲，黑色均码有货哦，喜欢可以直接拍～"
    assert "有均码～" in answer_stock(shop, socks, None, "XL").text


def test_no_stock_data_is_handed_to_a_colleague(shop):
    product = _product(stock=None, restock=None)
    answer = answer_stock(shop, product, "黑色", "M")
    assert "同事" in answer.text
    assert answer.facts["status"] == "unknown"
    assert answer.hand_off_reason == HandoffReason(key="unknown_fact", detail=f"{product.name}：库存")


def test_a_missing_count_is_never_guessed(shop):
    product = _product(stock={"黑色": {"S": 4}}, restock=None)
    answer = answer_stock(shop, product, "黑色", "M")
    assert "同事" in answer.text and "有货" not in answer.text
    assert answer.facts["unknown"][0]["size"] == "M"
    assert answer.hand_off_reason == HandoffReason(key="unknown_fact", detail=f"{product.name}：库存")


@pytest.mark.parametrize(
    "product, color, size, expected",
    [
        ("羽绒服", "雾霾蓝", "2XL", "亲，雾霾蓝2XL码暂时卖完啦，预计12月5日补货～\n2XL码的米白色、黑色还有货，亲可以看看哦～"),
        ("羽绒服", "黑色", "2XL", "亲，黑色2XL码还有货，仅剩5件啦，喜欢要尽快拍哦～"),
        ("羽绒服", "黑色", "M", "亲，黑色M码有货哦，喜欢可以直接拍～"),
        ("Polo衫", "灰色", "3XL", "亲，灰色3XL码已经卖完啦，暂无补货计划呢～\n3XL码的白色、藏青色、黑色还有货，亲可以看看哦～"),
        ("休闲裤", "藏青", "32", "亲，藏青色32码暂时卖完啦，预计12月6日补货～\n32码的卡其色、黑色还有货，亲可以看看哦～"),
        ("羽绒服", None, None,
         "亲，女款连帽白鸭绒羽绒服目前雾霾蓝2XL码（预计12月5日补货）卖完了，其他颜色尺码都有货哦～"),
    ],
)
def test_demo_catalogue(shop, product, color, size, expected):
    assert answer_stock(shop, shop.catalogue.find(product), color, size).text == expected


def test_every_demo_question_gets_a_short_polite_answer(shop):
    for product in shop.catalogue.products:
        for color in [None, "黑色", "蓝色", "白色", "红色", *product.colors]:
            for size in [None, "M", "XS", "均码", *product.sizes]:
                answer = answer_stock(shop, product, color, size)
                assert answer.text.startswith("亲，") and 1 <= len(answer.lines) <= MAX_LINES
                assert "{" not in answer.text and "None" not in answer.text
                for variant in answer.facts["variants"]:
                    assert variant["color"] in product.colors and variant["size"] in product.sizes
