"""Catalogue fields for product questions, stock and recommendations: demo data and broken copies."""

from __future__ import annotations

import pytest

from bot.shop import ShopDataError
from bot.shop.catalogue import GARMENTS

_GARMENT_OF = {
    "jk-down-01": "外套", "ct-wool-01": "外套", "jk-wind-01": "外套",
    "cd-knit-01": "上衣", "po-men-01": "上衣", "hd-fleece-01": "上衣", "ts-cotton-01": "上衣",
    "jn-denim-01": "裤子", "pt-chino-01": "裤子",
    "dr-shirt-01": "裙子", "sk-pleat-01": "裙子",
    "so-cotton-01": "袜子",
}


def test_every_demo_product_has_a_garment_and_occasions(shop):
    for product in shop.catalogue.products:
        assert product.garment == _GARMENT_OF[product.id]
        assert product.occasions
        assert set(product.occasions) <= set(shop.catalogue.recommendation_cues.occasions)


@pytest.mark.parametrize(
    "garment, ids",
    [
        ("外套", ["jk-down-01", "ct-wool-01", "jk-wind-01"]),
        ("裤子", ["jn-denim-01", "pt-chino-01"]),
        ("袜子", ["so-cotton-01"]),
        ("帽子", []),
    ],
)
def test_with_garment(shop, garment, ids):
    assert [p.id for p in shop.catalogue.with_garment(garment)] == ids


def test_every_garment_is_sold_and_every_cue_garment_is_known(shop):
    assert {p.garment for p in shop.catalogue.products} == set(GARMENTS)
    assert set(shop.catalogue.recommendation_cues.garments) == set(GARMENTS)


def test_the_shop_states_authenticity(shop):
    assert "正品" in shop.policy.shop.authenticity


def _product(data, product_id):
    return next(p for p in data["products"] if p["id"] == product_id)


def _error(shop_copy) -> str:
    with pytest.raises(ShopDataError) as info:
        shop_copy.load()
    return str(info.value)


@pytest.mark.parametrize(
    "change, field, problem",
    [
        (lambda d: _product(d, "jk-down-01").update(garment="帽子"), "products[0].garment", "unexpected value"),
        (lambda d: _product(d, "jk-down-01").update(pilling=""), "products[0].pilling", "at least 1"),
        (lambda d: _product(d, "jk-down-01").update(warmth=3), "products[0].warmth", "str"),
        (lambda d: _product(d, "jk-down-01").update(pillling="不起球"), "products[0].pillling", "unknown field"),
        (lambda d: _product(d, "jk-down-01").update(occasions=["通勤", "通勤"]), "products[0].occasions",
         "twice"),
        (lambda d: _product(d, "jk-down-01").update(occasions=["婚礼"]), "products[0].occasions[0]",
         "not in recommendation_cues.occasions"),
        (lambda d: _product(d, "jk-down-01")["stock"]["黑色"].update(M=-1), "products[0].stock.黑色.M",
         "greater than or equal to 0"),
        (lambda d: _product(d, "jk-down-01")["restock"].update({"黑色": {"M": "2026-12-01"}}),
         "products[0].restock.黑色.M", "only where stock is 0"),
        (lambda d: d["recommendation_cues"]["genders"].update({"中性": ["情侣"]}),
         "recommendation_cues.genders", "unexpected value"),
        (lambda d: d["recommendation_cues"]["garments"].update({"帽子": ["帽子"]}),
         "recommendation_cues.garments", "unexpected value"),
        (lambda d: d["recommendation_cues"]["occasions"].update({"通勤": []}),
         "recommendation_cues.occasions", "at least one word"),
        (lambda d: d["recommendation_cues"].update(budget_after=["以内", "以内"]),
         "recommendation_cues.budget_after", "twice"),
        (lambda d: d["recommendation_cues"].update(budget=["以内"]), "recommendation_cues.budget",
         "unknown field"),
    ],
)
def test_a_broken_catalogue_names_the_field(shop_copy, change, field, problem):
    shop_copy.edit_yaml("catalogue.yml", change)
    message = _error(shop_copy)
    lines = [line for line in message.splitlines() if field in line]
    assert lines, message
    assert any("catalogue.yml" in line and problem in line for line in lines), message


def test_a_broken_authenticity_names_the_field(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["shop"].update(authenticity=["正品"]))
    assert "shop.authenticity" in _error(shop_copy)


def test_the_new_fields_are_optional(shop_copy):
    def strip(data):
        data.pop("recommendation_cues")
        for product in data["products"]:
            for key in ("garment", "occasions", "pilling", "fading", "shrinking", "see_through", "warmth",
                        "workmanship", "stock", "restock"):
                product.pop(key, None)

    shop_copy.edit_yaml("catalogue.yml", strip)
    shop_copy.edit_yaml("policy.yml", lambda d: d["shop"].pop("authenticity"))
    shop = shop_copy.load()
    assert shop.catalogue.recommendation_cues is None
    assert shop.catalogue.with_garment("外套") == []


def test_occasion_tags_are_free_without_a_cue_section(shop_copy):
    def change(data):
        data.pop("recommendation_cues")
        _product(data, "jk-down-01")["occasions"] = ["滑雪"]

    shop_copy.edit_yaml("catalogue.yml", change)
    assert shop_copy.load().catalogue.find("羽绒服").occasions == ["滑雪"]
