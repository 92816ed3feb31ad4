"""The NLU lexicons agree with the shop's own data (data/shop), so entity values are what bot.shop expects."""

from __future__ import annotations

import pytest


from bot.text import load_lexicons


@pytest.fixture(scope="module")
def lexicons():
    return load_lexicons()


def test_policy_regions_are_canonical_region_values(shop, lexicons):
    for region in shop.policy.regions:
        assert lexicons.regions.canonical(region.name) == region.name
        for other in [*region.aliases, *region.cities]:
            # Left out on purpose (one-character 京/沪, or words such as 中山) is fine; another
            # province is not.
            assert lexicons.regions.canonical(other) in (None, region.name), other


def test_policy_couriers_are_canonical_courier_values(shop, lexicons):
    for courier in shop.policy.couriers:
        assert lexicons.couriers.canonical(courier.name) == courier.name
        for alias in courier.aliases:
            assert lexicons.couriers.canonical(alias) in (None, courier.name), alias


def test_each_product_keeps_its_colours_apart(shop, lexicons):
    """Two colours of one product never normalise to the same value."""
    for product in shop.catalogue.products:
        canonical = [lexicons.normalise_color(color) for color in product.colors]
        assert len(set(canonical)) == len(canonical), (product.id, product.colors, canonical)
