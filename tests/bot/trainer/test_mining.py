"""Mining with a fake parser: reasons, ranking, alternatives, coverage, and the mine command end to end."""

import json

import pytest

from bot.trainer import logs, mining
from bot.trainer.cli import main
from bot.trainer.mining import IntentScore, MinedItem, MiningSettings, Parse


class FakeParser:
    """Answers from a table: text -> (ranking, fallback); anything else is a confident ask_size."""

    def __init__(self, table):
        self.table = table
        self.calls = 0

    def parse_batch(self, texts):
        self.calls += 1
        out = []
        for text in texts:
            ranking, fallback = self.table.get(text, ([("ask_size", 0.95), ("ask_stock", 0.03)], False))
            out.append(Parse([IntentScore(n, c) for n, c in ranking], fallback))
        return out


EXAMPLES = ["我165穿什么码", "身高170穿多大", "有黑色的吗", "什么时候发货", "可以退货吗"]
TABLE = {
    "我170穿什么码": ([("ask_size", 0.93), ("ask_stock", 0.04)], False),
    "有白色的吗": ([("ask_stock", 0.41), ("ask_product", 0.39), ("ask_size", 0.1), ("bargain", 0.05), ("greet", 0.01)], False),
    "能开专票吗": ([("ask_invoice", 0.3), ("ask_price", 0.1)], True),
    "什么时候发货呀": ([("ask_shipping_time", 0.97), ("track_order", 0.01)], False),
}


def _message(text, ended_in="human_agent", count=1):
    return logs.LogMessage(id=text, text=text, source="fixture", session="s", turn=0, ended_in=ended_in, count=count)


@pytest.fixture
def coverage():
    return mining.Coverage(EXAMPLES)


def test_reasons_and_ranking(coverage):
    messages = [
        _message("我170穿什么码"),
        _message("有白色的吗", count=3),
        _message("能开专票吗"),
        _message("什么时候发货呀", ended_in="handoff"),
    ]
    parser = FakeParser(TABLE)
    items = {i.text: i for i in mining.mine(messages, parser, coverage, MiningSettings(far=0.3), batch_size=2)}
    assert parser.calls == 2
    assert items["我170穿什么码"].reasons == []
    assert items["有白色的吗"].reasons == ["low_confidence", "close_call"]
    assert items["能开专票吗"].reasons == ["fallback", "low_confidence", "far"]
    assert items["什么时候发货呀"].reasons == ["handoff"]
    white = items["有白色的吗"]
    assert (white.predicted, white.confidence) == ("ask_stock", 0.41)
    assert [a.name for a in white.alternatives] == ["ask_product", "ask_size", "bargain"]
    ranked = [i.text for i in mining.mine(messages, FakeParser(TABLE), coverage, MiningSettings(far=0.3))]
    assert ranked[0] == "能开专票吗" and ranked[-1] == "我170穿什么码"


def test_threshold_is_configurable(coverage):
    messages = [_message("我170穿什么码")]
    items = mining.mine(messages, FakeParser(TABLE), coverage, MiningSettings(threshold=0.95, far=0.0))
    assert items[0].reasons == ["low_confidence"]


def test_tracker_fallback_counts_even_when_the_model_now_answers(coverage):
    items = mining.mine([_message("我170穿什么码", ended_in="fallback")], FakeParser(TABLE), coverage, MiningSettings(far=0.0))
    assert items[0].reasons == ["fallback"]


def test_coverage_is_high_for_paraphrases_and_low_for_new_topics(coverage):
    near, new = coverage.similarity(["我165穿什么码啊", "能开增值税专用发票吗"])
    assert near > 0.7 and new < 0.35


def test_training_examples_drop_annotations(tmp_path):
    (tmp_path / "a.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ask_size\n  examples: |\n    - 我[165](height)穿什么码\n    - 有[L]{"entity": "size"}吗\n'
        "- lookup: color\n  examples: |\n    - 黑色\n",
        encoding="utf-8",
    )
    assert mining.load_training_examples(tmp_path) == ["我165穿什么码", "有L吗"]


def test_real_training_data_loads():
    examples = mining.load_training_examples()
    assert len(examples) > 100 and not any("](" in e for e in examples)


def test_mine_command_with_a_fake_parser(tmp_path, capsys):
    from bot.trainer.cli import _mine, build_parser

    nlu = tmp_path / "nlu"
    nlu.mkdir()
    (nlu / "a.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ask_size\n  examples: |\n' + "".join(f"    - {e}\n" for e in EXAMPLES),
        encoding="utf-8",
    )
    planted = ["能开专票吗", "能开增值税专票吗", "可以开专票吗", "专票能开吗"]
    messages = [_message(t) for t in ["我170穿什么码", "有白色的吗"] + planted]
    logs.write_messages(messages, tmp_path / "messages.jsonl")
    table = dict(TABLE, **{t: ([("ask_invoice", 0.3), ("ask_price", 0.2)], True) for t in planted})
    args = build_parser().parse_args(
        ["mine", "--messages", str(tmp_path / "messages.jsonl"), "--nlu", str(nlu), "--out", str(tmp_path / "mined.jsonl"),
         "--clusters", str(tmp_path / "clusters.md"), "--review", str(tmp_path / "review.csv")]
    )
    assert _mine(args, parser=FakeParser(table)) == 0
    printed = capsys.readouterr().out
    assert "messages:              6" in printed and "timing:" in printed
    mined = [json.loads(line) for line in (tmp_path / "mined.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(mined) == 6
    assert "4 messages" in (tmp_path / "clusters.md").read_text(encoding="utf-8")
    assert (tmp_path / "review.csv").read_bytes().startswith(b"\xef\xbb\xbf")
