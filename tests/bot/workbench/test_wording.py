"""workbench.yml loads, is safe from Rasa's training-data trap, and a mistake names the file, the field and why."""

from __future__ import annotations

import re

import pytest

from bot.shop import ShopDataError
from bot.shop.data_files import DEFAULT_SHOP_DIR
from bot.handoff.reasons import HANDOFF_REASONS
from bot.workbench.wording import DEFAULT_KEY, load_workbench


def test_the_shops_workbench_file_loads_with_phrases_and_drafts_for_the_reasons():
    workbench = load_workbench()
    assert len(workbench.quick_phrases) >= 5
    assert workbench.suggestions[DEFAULT_KEY]
    assert set(workbench.suggestions) <= set(HANDOFF_REASONS) | {DEFAULT_KEY}
    for reason in ("complain_quality", "bargain_over_limit", "late_parcel"):
        assert workbench.templates_for(reason)


def test_rasa_would_not_read_it_as_training_data():
    # Rasa 3.6 loads any YAML under data/ with one of these keys at the start of a line as training data.
    text = (DEFAULT_SHOP_DIR / "workbench.yml").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(nlu|responses|stories|rules):", text, re.MULTILINE)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("补偿{compensation_max}元", "补偿{compensaton_max}元", ["suggestions.complain_quality[1]", "{compensaton_max}"]),
        ("  late_parcel:\n", "  late_parsel:\n", ["late_parsel", "unknown reason"]),
        ("  - key: wait\n", "  - key: hi\n", ["quick_phrases", "'hi' is used twice"]),
        ("  - key: wait\n", "  - key: Wait Now\n", ["quick_phrases[1].key"]),
        ("我是客服{agent}，很高兴", "我是客服{tracking_no}，很高兴", ["quick_phrases[0].text", "{tracking_no}"]),
    ],
    ids=["unknown-placeholder", "unknown-reason", "duplicate-key", "bad-key", "phrase-placeholder"],
)
def test_a_mistake_is_reported_with_the_file_and_the_field(shop_copy, old, new, expected):
    shop_copy.replace_text("workbench.yml", old, new)
    with pytest.raises(ShopDataError) as error:
        load_workbench(shop_copy.dir)
    message = str(error.value)
    assert "workbench.yml" in message
    for part in expected:
        assert part in message
