"""Which product a buyer means: named, a garment word narrowed by their facts, or the one in view."""
from __future__ import annotations

import pytest

from bot.shop import load_shop
from bot.shop.product_focus import has_color, narrow, resolve_product


@pytest.fixture(scope="module")
def catalogue():
    return load_shop().catalogue


def ids(products):
    return [p.id for p in products]


@pytest.mark.parametrize(
    "named, garment, in_view, facts, expected, how",
    [
        ("卫衣", None, "jn-denim-01", {}, "hd-fleece-01", "named"),  # a name beats the page
        ("jn-denim-01", "外套", None, {}, "jn-denim-01", "named"),  # a name beats a garment word
        (None, "裤子", None, {"height_cm": 165, "weight_kg": 50}, "jn-denim-01", "garment"),
        (None, "裤子", None, {"height_cm": 180, "weight_kg": 70}, "pt-chino-01", "garment"),
        (None, "裤子", None, {"color": "黑色", "size": "L"}, "jn-denim-01", "garment"),
        (None, "裤子", None, {"size": "32"}, "pt-chino-01", "garment"),
        (None, "袜子", None, {}, "so-cotton-01", "garment"),  # the only socks
        (None, None, "hd-fleece-01", {}, "hd-fleece-01", "in_view"),
        (None, "裤子", "hd-fleece-01", {}, None, "ambiguous"),  # two trousers, nothing to narrow by
        (None, None, None, {}, None, "none"),
        ("no-such", None, None, {}, None, "none"),
    ],
)
def test_resolve_product(catalogue, named, garment, in_view, facts, expected, how):
    focus = resolve_product(catalogue, named, garment, in_view, **facts)
    assert (focus.product.id if focus.product else None, focus.how) == (expected, how)


def test_ambiguous_focus_lists_the_candidates(catalogue):
    focus = resolve_product(catalogue, garment="裤子")
    assert ids(focus.candidates) == ["jn-denim-01", "pt-chino-01"]


def test_a_fact_that_rules_out_every_candidate_is_ignored(catalogue):
    trousers = catalogue.with_garment("裤子")
    # Nobody's trousers come in 粉色; keep both rather than none.
    assert ids(narrow(trousers, color="粉色")) == ids(trousers)
    # An implausible weight (斤 read as kg) does not narrow either.
    assert ids(narrow(trousers, height_cm=165, weight_kg=5)) == ids(trousers)


@pytest.mark.parametrize("color, expected", [("黑色", True), ("黑", True), ("浅蓝", True), ("浅蓝色", True),
                                             ("蓝色", False), ("红色", False)])
def test_colour_names_match_with_or_without_se(catalogue, color, expected):
    assert has_color(catalogue.find("jn-denim-01"), color) is expected
