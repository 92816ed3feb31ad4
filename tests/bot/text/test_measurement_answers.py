"""A bare number read by the question it answers."""
from __future__ import annotations

import pytest

from bot.text.measurement_answers import bare_measurement


@pytest.mark.parametrize(
    "text, asking, height, expected",
    [
        ("哦 160", "height", None, ("height", 160.0)),
        ("一米六五", "height", None, None),  # not bare: two numbers (the extractor reads this one)
        ("一六五", "height", None, ("height", 165.0)),
        ("1.68", "height", None, ("height", 168.0)),
        ("16", "height", None, ("height", 16.0)),  # asked for: the form says plainly it is not believable
        ("98", "weight", 160, ("weight", 49.0)),  # 98 kg at 160 cm is far from usual: 斤
        ("50", "weight", 165, ("weight", 50.0)),
        ("一百", "weight", None, ("weight", 50.0)),
        ("不对 是170", None, None, ("height", 170.0)),
        ("说错了 110", None, 165, ("weight", 55.0)),
        ("160", None, None, ("height", 160.0)),
        ("2件", "height", None, None),
        ("99元", None, None, None),
        ("16:00", None, None, None),
        ("好的", "height", None, None),
        ("165 50", None, None, None),  # two numbers: the extractor's job
    ],
)
def test_bare_measurement(text, asking, height, expected):
    assert bare_measurement(text, asking, height) == expected
