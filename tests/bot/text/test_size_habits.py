"""A size after 平时穿/一般穿/我穿 is the buyer's usual size; a size asked about is not."""
from __future__ import annotations

import pytest

from bot.text.size_habits import usual_size


def mentions(text, *sizes):
    return [{"value": size, "start": text.upper().index(size)} for size in sizes]


@pytest.mark.parametrize(
    "text, sizes, expected",
    [
        ("平时穿M 这件要大一码吗", ["M"], "M"),
        ("我一般都穿L的", ["L"], "L"),
        ("平常穿的是XL", ["XL"], "XL"),
        ("之前买的S", ["S"], "S"),
        ("我穿M", ["M"], "M"),
        ("拍M还是L", ["M", "L"], None),
        ("L还有吗", ["L"], None),
        ("要M码", ["M"], None),
        ("M码多长", ["M"], None),
        ("我平时穿M，这件拍L行吗", ["M", "L"], "M"),
    ],
)
def test_usual_size(text, sizes, expected):
    assert usual_size(text, mentions(text, *sizes)) == expected


def test_mentions_without_offsets_are_skipped():
    assert usual_size("平时穿M", [{"value": "M"}]) is None
