"""The demo catalogue and finding products by id, name or what buyers call them."""

from __future__ import annotations

import pytest

from bot.shop import load_catalogue
from bot.shop.data_files import DEFAULT_SHOP_DIR
from bot.shop.returns import no_reason_returnable


def test_demo_catalogue_has_twelve_products_for_women_and_men(shop):
    products = shop.catalogue.products
    assert len(products) == 12
    assert {p.gender for p in products} >= {"女", "男"}
    assert len({p.id for p in products}) == 12


def test_every_product_has_the_facts_the_assistant_quotes(shop):
    for product in shop.catalogue.products:
        assert product.name and product.aliases and product.category and product.fabric
        assert product.price > 0
        assert product.colors and product.sizes
        assert all(isinstance(size, str) for size in product.sizes)


def test_exactly_one_item_is_excluded_from_no_reason_returns(shop):
    excluded = [p.id for p in shop.catalogue.products if not no_reason_returnable(shop.policy, p)]
    assert excluded == ["so-cotton-01"]


@pytest.mark.parametrize(
    "query, product_id",
    [
        ("jk-down-01", "jk-down-01"),
        ("女款连帽白鸭绒羽绒服", "jk-down-01"),
        ("羽绒服", "jk-down-01"),
        ("那件白色外套", "jk-down-01"),
        ("牛仔裤", "jn-denim-01"),
        ("polo衫", "po-men-01"),
        ("Polo 衫", "po-men-01"),
        ("袜子", "so-cotton-01"),
        ("大衣", "ct-wool-01"),
        ("外套", None),
        ("", None),
        ("裙子裙子", None),
    ],
)
def test_find(shop, query, product_id):
    found = shop.catalogue.find(query)
    assert (found.id if found else None) == product_id


def test_mentioned_in_prefers_the_longest_mention(shop):
    found = shop.catalogue.mentioned_in("那件白色羽绒服还有M码吗，牛仔裤呢")
    assert [p.id for p in found] == ["jk-down-01", "jn-denim-01"]
    assert shop.catalogue.mentioned_in("你好") == []


def test_numeric_sizes_are_kept_as_text(shop):
    assert shop.catalogue.find("休闲裤").sizes[:2] == ["29", "30"]


def test_load_catalogue_alone():
    catalogue = load_catalogue(DEFAULT_SHOP_DIR / "catalogue.yml")
    assert catalogue.find("卫衣").id == "hd-fleece-01"
