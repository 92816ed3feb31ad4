"""The scaled benchmark's integrity check: one conversation's tracker events against what its buyer sent."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest

from bench.integrity import ConversationLog, Sent, check_integrity, conversation_problems
from bench.scaled import missing


class Events:
    """Rows of Rasa's ``events`` table for one conversation, as the tracker store writes them."""

    def __init__(self) -> None:
        self.rows: List[Dict[str, Any]] = []
        self.clock = 1_700_000_000.0
        self.add("action", name="action_session_start")
        self.add("session_started")
        self.add("action", name="action_listen")

    def add(self, kind: str, at: float = 0.0, **data: Any) -> "Events":
        self.clock += 0.01
        timestamp = at or self.clock
        row = {"event": kind, "timestamp": timestamp, **data}
        self.rows.append({"type_name": kind, "timestamp": timestamp,
                          "data": json.dumps(row, ensure_ascii=False)})
        return self

    def user(self, text: str) -> "Events":
        return self.add("user", text=text, parse_data={"intent": {"name": "greet"}})

    def turn(self, text: str) -> "Events":
        """A user message answered as Rasa does: user, slots, the action, its bot message, listen."""
        self.user(text)
        self.add("slot", name="last_topic", value="greet")
        self.add("user_featurization")
        self.add("action", name="action_reply_smalltalk")
        self.add("bot", text=f"答：{text}")
        return self.add("action", name="action_listen")


def one(*texts: str) -> List[List[Sent]]:
    """Messages sent one at a time, each answered."""
    return [[Sent(text, True)] for text in texts]


def test_a_conversation_stored_as_sent_is_intact():
    events = Events().turn("在吗").turn("包邮吗").turn("谢谢")
    assert conversation_problems(one("在吗", "包邮吗", "谢谢"), events.rows) == []


def test_a_missing_message_is_found():
    events = Events().turn("在吗").turn("谢谢")
    problems = conversation_problems(one("在吗", "包邮吗", "谢谢"), events.rows)
    assert len(problems) == 1 and "missing ['包邮吗']" in problems[0]


def test_a_duplicated_message_is_found():
    events = Events().turn("在吗").turn("包邮吗").turn("包邮吗")
    problems = conversation_problems(one("在吗", "包邮吗"), events.rows)
    assert problems == ["the tracker has user messages nobody sent after the last turn: ['包邮吗']"]


def test_messages_out_of_order_are_found():
    events = Events().turn("在吗").turn("谢谢").turn("包邮吗")
    problems = conversation_problems(one("在吗", "包邮吗", "谢谢"), events.rows)
    assert problems and problems[0].startswith("turn 2 sent [包邮吗]")


def test_two_turns_interleaved_are_found():
    # Two instances handled one conversation at once: both user messages before either answer.
    events = Events().turn("在吗").user("包邮吗").user("几天能到")
    events.add("bot", text="包邮").add("bot", text="2天").add("action", name="action_listen")
    sent = [[Sent("在吗", True)], [Sent("包邮吗", True), Sent("几天能到", True)]]
    problems = conversation_problems(sent, events.rows)
    assert problems == ["turn 2: the user message '包邮吗' has no bot answer before the next user message "
                        "(turns interleaved)"]


def test_messages_sent_at_once_may_be_stored_in_either_order():
    events = Events().turn("在吗").turn("几天能到").turn("包邮吗").turn("谢谢")
    sent = [[Sent("在吗", True)], [Sent("包邮吗", True), Sent("几天能到", True)], [Sent("谢谢", True)]]
    assert conversation_problems(sent, events.rows) == []


def test_a_timestamp_going_back_is_found():
    events = Events().turn("在吗")
    events.user("包邮吗").add("bot", at=events.clock - 5, text="包邮")
    problems = conversation_problems(one("在吗", "包邮吗"), events.rows)
    assert len(problems) == 1 and "before the one stored ahead of it" in problems[0]


@pytest.mark.parametrize("stored", [(), ("包邮吗",)])
def test_a_message_without_reply_may_or_may_not_be_stored(stored):
    # The client timed out or was handed to a person: Rasa may still have handled the message.
    events = Events().turn("在吗")
    for text in stored:
        events.user(text)  # not even answered yet: allowed, nobody saw a reply
    sent = [[Sent("在吗", True)], [Sent("包邮吗", False)]]
    assert conversation_problems(sent, events.rows) == []


def test_but_a_message_without_reply_is_not_stored_twice():
    events = Events().turn("在吗").turn("包邮吗").turn("包邮吗")
    sent = [[Sent("在吗", True)], [Sent("包邮吗", False)]]
    assert "unexpected ['包邮吗']" in conversation_problems(sent, events.rows)[0]


def test_only_the_last_group_may_lack_a_reply():
    with pytest.raises(ValueError):
        conversation_problems([[Sent("在吗", False)], [Sent("包邮吗", True)]], Events().rows)


def test_check_integrity_counts_over_every_conversation():
    log = ConversationLog()
    log.add("b-1", [Sent("在吗", True)])
    log.add("b-1", [Sent("包邮吗", True), Sent("几天能到", True)])
    log.add("b-2", [Sent("在吗", True)])
    log.add("b-2", [Sent("谢谢", False)])
    log.add(None, [Sent("在吗", False)])  # the first message timed out: no buyer id came back
    events = {
        "b-1": Events().turn("在吗").turn("包邮吗").turn("几天能到").rows,
        "b-2": Events().turn("谢谢").rows,  # the first message is missing
        "b-9": Events().turn("在吗").rows,  # the timed-out first message, handled after all
    }
    result = check_integrity(log, events)
    assert {k: v for k, v in result.items() if k != "problems"} == {
        "conversations": 2, "user_messages": 4, "double_sends": 1, "without_reply": 1,
        "untraceable_first_messages": 1, "unrecorded_conversations": 1, "corrupted": 1,
    }
    assert result["problems"][0].startswith("b-2: turn 1 sent [在吗]")


def test_missing_names_what_to_install(monkeypatch):
    monkeypatch.setattr("bot.stack.stores.shutil.which", lambda name: None)
    monkeypatch.setattr("bot.stack.stores.postgres_bin", lambda: None)
    assert missing() == "redis-server is not installed; PostgreSQL (initdb, postgres) is not installed"
