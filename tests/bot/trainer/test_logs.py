"""Importing buyer messages: JSONL sessions, CSV, the tracker store; cleaning and de-duplication."""

import json
import sqlite3

import pytest

from bot.trainer import logs
from bot.trainer.cli import main


def _write_sessions(path, sessions):
    path.write_text("\n".join(json.dumps(s, ensure_ascii=False) for s in sessions) + "\n", encoding="utf-8")


SESSIONS = [
    {
        "id": "s1",
        "source": "fixture",
        "turns": [
            {"role": "buyer", "text": "这件毛衣起球吗"},
            {"role": "agent", "text": "亲 不会起球的"},
            {"role": "buyer", "text": "咨询订单号:517203948261037495 订单金额:199.00 下单时间:2026-11-21"},
            {"role": "buyer", "text": "好的 我手机13912345678 [微笑]"},
        ],
    },
    {
        "id": "s2",
        "source": "fixture",
        "turns": [
            {"role": "buyer", "text": "[链接x]"},
            {"role": "buyer", "text": "这件毛衣起球吗？"},
            {"role": "buyer", "text": "能开发票吗 咨询订单号:517203948261037495 订单金额:199.00 下单时间:2026-11-21 09:12:33"},
        ],
    },
]


def test_jsonl_keeps_buyer_turns_cleaned_masked_and_deduplicated(tmp_path):
    path = tmp_path / "sessions.jsonl"
    _write_sessions(path, SESSIONS)
    messages = logs.deduplicate(logs.read_jsonl_sessions(path))
    assert [m.text for m in messages] == ["这件毛衣起球吗", "好的 我手机[电话]", "能开发票吗"]
    first = messages[0]
    assert (first.count, first.source, first.session, first.turn, first.ended_in) == (2, "fixture", "s1", 0, "human_agent")
    assert first.id == logs.message_id("fixture", "s1", 0)
    assert messages[2].turn == 2  # turns count buyer turns, dropped ones included


@pytest.mark.parametrize(
    "raw",
    [
        "https://item.example.com/item.htm?id=42",
        "www.example.com/p/1",
        "620123456789",
        "[链接x]",
        "[订单x] [数字x]",
        "[微笑]",
        "/:^_^",
        "#E-s[数字x]",
        "咨询订单号:302918475620194837 订单金额:459.00 下单时间:2026-11-13 20:05:41",
        "咨询订单号:[订单x] 下单时间:[日期x]",  # the masked card, without its amount
        "商品ID:[数字x]",
        "  ",
    ],
)
def test_what_is_not_a_question_is_dropped(raw):
    assert logs.prepare(raw) == ""


def test_placeholders_stay_inside_a_question():
    assert logs.prepare("[订单x]这个订单能改地址吗") == "[订单x]这个订单能改地址吗"
    assert logs.prepare("好的[微笑]") == "好的"


def test_normalise_ignores_width_case_spaces_and_punctuation():
    assert logs.normalise("有Ｌ码吗？ ") == logs.normalise("有l码吗")


def test_csv_reads_the_named_column(tmp_path):
    path = tmp_path / "msgs.csv"
    path.write_text("no,message\n1,\"包邮吗,亲\"\n2,[链接x]\n3,收件人王芳\n", encoding="utf-8-sig")
    messages = list(logs.read_csv_messages(path, column="message"))
    assert [(m.text, m.turn, m.source) for m in messages] == [("包邮吗,亲", 0, "csv:msgs.csv"), ("收件人[姓名]", 2, "csv:msgs.csv")]
    with pytest.raises(ValueError):
        list(logs.read_csv_messages(path, column="text"))


def _tracker_db(path):
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), type_name VARCHAR(255),"
        " timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
    )
    rows = []

    def user(sender, text, intent, confidence):
        data = {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": confidence}, "entities": []}}
        rows.append((sender, "user", intent, None, json.dumps(data)))

    def action(sender, name):
        rows.append((sender, "action", None, name, json.dumps({"event": "action", "name": name})))

    def slot(sender, name, value):
        rows.append((sender, "slot", None, name, json.dumps({"event": "slot", "name": name, "value": value})))

    user("a", "有羊毛的吗", "ask_product", 0.91)
    action("a", "action_answer_product")
    action("a", "action_listen")
    user("a", "那个那个", "nlu_fallback", 0.3)
    action("a", "action_clarify")
    user("b", "质量太差了要投诉", "complain_service", 0.42)
    slot("b", "handoff_reasons", [])
    slot("b", "handoff_reasons", ["complaint"])
    user("b", "电话13912345678", "inform", 0.8)
    user("c", "退货地址在哪", "ask_return_policy", 0.6)
    action("c", "action_clarify")
    connection.executemany(
        "INSERT INTO events (sender_id, type_name, intent_name, action_name, data) VALUES (?, ?, ?, ?, ?)", rows
    )
    connection.commit()
    connection.close()


def test_tracker_store_gives_prediction_and_how_the_turn_ended(tmp_path):
    path = tmp_path / "tracker.db"
    _tracker_db(path)
    messages = {m.text: m for m in logs.read_tracker_store(path)}
    assert messages["有羊毛的吗"].ended_in == "answered"
    assert (messages["有羊毛的吗"].predicted, messages["有羊毛的吗"].confidence) == ("ask_product", 0.91)
    assert messages["那个那个"].ended_in == "fallback"
    assert messages["质量太差了要投诉"].ended_in == "handoff"
    assert messages["电话[电话]"].ended_in == "answered"
    assert messages["退货地址在哪"].ended_in == "fallback"
    assert [m.turn for m in messages.values() if m.session == "a"] == [0, 1]


def test_import_command_writes_one_jsonl(tmp_path, capsys):
    sessions, csv_path, db, out = tmp_path / "s.jsonl", tmp_path / "m.csv", tmp_path / "t.db", tmp_path / "out" / "messages.jsonl"
    _write_sessions(sessions, SESSIONS)
    csv_path.write_text("text\n这件毛衣起球吗\n能便宜点吗\n", encoding="utf-8")
    _tracker_db(db)
    assert main(["import", "--jsonl", str(sessions), "--csv", str(csv_path), "--tracker-db", str(db), "--out", str(out)]) == 0
    messages = logs.read_messages(out)
    texts = [m.text for m in messages]
    assert texts.count("这件毛衣起球吗") == 1 and "能便宜点吗" in texts and "那个那个" in texts
    assert not any("13912345678" in line for line in out.read_text(encoding="utf-8").splitlines())
    assert "after de-duplication" in capsys.readouterr().out
