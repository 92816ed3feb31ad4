"""The buyer's own waist (腰围二尺四, 腰围80cm), read from a message."""
import pytest

from bot.text.body import waist_cm


@pytest.mark.parametrize("text, cm", [
    ("我腰围二尺四 穿多大", 80.0),
    ("2尺2的腰穿什么码", 73.3),
    ("腰二尺一寸", 70.0),
    ("腰围80cm", 80.0),
    ("身高165 腰围68厘米 穿几码", 68.0),
    ("腰围多少", None),  # asks the garment's waist
    ("我腰有点粗", None),
    ("腰围2000", None),
    ("二尺四", None),  # 尺 without 腰 is not a waist
])
def test_the_buyers_waist(text, cm):
    assert waist_cm(text) == cm
