"""The soak benchmark's accounting: what the conversation holds once rewound turns are undone."""

from bench.soak import _held_turns


def test_a_rewound_turn_is_not_held_and_a_resent_one_is_held_once():
    events = [{"event": "user", "message_id": "a"}, {"event": "bot"},
              {"event": "user", "message_id": "b"}, {"event": "action"}, {"event": "rewind"},
              {"event": "user", "message_id": "b"}, {"event": "bot"}]
    assert _held_turns(events) == ["a", "b"]


def test_a_message_handled_twice_shows_twice():
    events = [{"event": "user", "message_id": "a"}, {"event": "bot"}, {"event": "user", "message_id": "a"}]
    assert _held_turns(events) == ["a", "a"]
