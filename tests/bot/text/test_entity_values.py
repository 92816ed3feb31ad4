"""Entity values are checked by type and range before they can reach a slot."""

from __future__ import annotations

import math

import pytest

from bot.text.entity_values import valid_payload_entities, valid_value


@pytest.mark.parametrize("entity, value, expected", [
    ("height", 165, 165.0), ("height", "165", 165.0), ("weight", 50.5, 50.5), ("amount", 0, 0.0),
    ("order_id", "397453401056305397", "397453401056305397"), ("size", "XL", "XL"), ("color", "黑色", "黑色"),
    ("product", "hd-fleece-01", "hd-fleece-01"), ("fit", "loose", "loose"), ("attribute", "pilling", "pilling"),
])
def test_values_of_the_right_type_pass(entity, value, expected):
    assert valid_value(entity, value) == expected


@pytest.mark.parametrize("entity, value", [
    ("height", "abc"), ("height", [1, 2]), ("height", 0), ("height", 1e6), ("height", math.inf), ("height", math.nan),
    ("weight", True), ("amount", -1), ("amount", 1e999), ("order_id", "12ab"), ("order_id", 123),
    ("product", "../../etc/passwd"), ("color", "x" * 100), ("fit", "tight"), ("attribute", "DROP TABLE"),
    ("unknown", "x"), ("size", {"a": 1}), ("region", None),
])
def test_values_of_the_wrong_type_or_range_are_dropped(entity, value):
    assert valid_value(entity, value) is None


def test_a_payloads_json_keeps_only_valid_entities():
    assert valid_payload_entities('{"height": 165, "weight": "abc", "x": 1}') == {"height": 165.0}
    assert valid_payload_entities("[1, 2]") == {} and valid_payload_entities("{") == {}
    assert valid_payload_entities('{"amount": Infinity}') == {}
