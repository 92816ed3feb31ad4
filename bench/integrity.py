"""Whether conversations came through whole: every message a buyer sent is in Rasa's tracker store once,
in order (the groups sent at once in either order), with nothing of another conversation in between.

The scaled benchmark checks its runs with it, and the two-instance deployment test its conversations.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence

#: First problems of corrupted conversations kept for the report.
PROBLEMS_KEPT = 10


class Sent(NamedTuple):
    """One buyer message: its text, and whether its reply came back (then Rasa surely handled it; without
    a reply, after a timeout or a hand-off, it may or may not be in the tracker)."""

    text: str
    answered: bool


class ConversationLog:
    """Per conversation (buyer id), the groups of messages in the order they were sent; a group holds the
    messages sent at once, whose order between themselves nobody decides."""

    def __init__(self) -> None:
        self.groups: Dict[str, List[List[Sent]]] = defaultdict(list)
        #: First messages that never brought back a buyer id: their conversation cannot be looked up.
        self.untraceable = 0

    def add(self, buyer_id: Optional[str], group: List[Sent]) -> None:
        if buyer_id:
            self.groups[buyer_id].append(group)
        else:
            self.untraceable += 1


def read_events(url: str, password: Optional[str] = None) -> Dict[str, List[Dict[str, Any]]]:
    """Every event of Rasa's SQL tracker store (table ``events``), per sender id, in the order stored (id)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, future=True, connect_args={"password": password} if password else {})
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT id, sender_id, type_name, timestamp, data FROM events ORDER BY id")).mappings().all()
    finally:
        engine.dispose()
    events: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for row in rows:
        events[row["sender_id"]].append(dict(row))
    return events


def _user_text(event: Mapping[str, Any]) -> Optional[str]:
    data = event.get("data")
    if isinstance(data, str):
        data = json.loads(data)
    return (data or {}).get("text")


def conversation_problems(groups: Sequence[Sequence[Sent]], events: Sequence[Mapping[str, Any]]) -> List[str]:
    """What is wrong with one conversation in the tracker store, given what its buyer sent.

    Args:
        groups: the messages in the order sent; a group holds messages sent at once (either order is right).
            Only the last group may hold messages without a reply (the buyer stopped after one).
        events: the conversation's rows of the ``events`` table in stored order (``type_name``,
            ``timestamp``, ``data`` as JSON text or a dict).

    Returns:
        One line per problem (empty when the conversation is intact): a user message missing, duplicated,
        unexpected or out of order; a user message not answered by the bot before the next one (two turns
        interleaved); a timestamp earlier than the one before it.
    """
    problems: List[str] = []
    for index in range(1, len(events)):
        before, now = events[index - 1].get("timestamp"), events[index].get("timestamp")
        if before is not None and now is not None and now < before:
            problems.append(f"event {index} ({events[index].get('type_name')}) is timed {before - now:.3f} s "
                            "before the one stored ahead of it")
    users = [index for index, event in enumerate(events) if event.get("type_name") == "user"]
    texts = [_user_text(events[index]) for index in users]
    ends = users[1:] + [len(events)]
    answered = [any(events[j].get("type_name") == "bot" for j in range(start + 1, end))
                for start, end in zip(users, ends)]

    position = 0
    for number, group in enumerate(groups, 1):
        sure = [sent.text for sent in group if sent.answered]
        maybe = [sent.text for sent in group if not sent.answered]
        if maybe and number != len(groups):
            raise ValueError("only the last group may hold messages without a reply")
        got = texts[position:position + len(group)] if not maybe else texts[position:]
        stored = Counter(got)
        lacking = Counter(sure) - stored
        spare = stored - Counter(sure) - Counter(maybe)
        if lacking or spare or (not maybe and len(got) != len(group)):
            shown = " | ".join(sent.text for sent in group)
            problems.append(f"turn {number} sent [{shown}] but the tracker has {got} there"
                            + (f" (missing {sorted(lacking.elements())})" if lacking else "")
                            + (f" (unexpected {sorted(spare.elements())})" if spare else ""))
            return problems  # the rest no longer lines up: one problem is enough to call it corrupted
        for offset, text in enumerate(got):
            if text in sure and not answered[position + offset]:
                problems.append(f"turn {number}: the user message {text!r} has no bot answer before the next "
                                "user message (turns interleaved)")
        position += len(got)
    if position < len(texts):
        problems.append(f"the tracker has user messages nobody sent after the last turn: {texts[position:]}")
    return problems


def check_integrity(log: ConversationLog,
                    events: Mapping[str, Sequence[Mapping[str, Any]]]) -> Dict[str, Any]:
    """Checks every conversation the buyers held against the tracker store.

    Returns:
        Counts (conversations, user messages and double sends checked, corrupted conversations, messages
        without a reply, untraceable first messages, conversations in the store nobody recorded) and the
        first problems found.
    """
    corrupted, problems = 0, []
    for buyer_id, groups in log.groups.items():
        found = conversation_problems(groups, events.get(buyer_id, []))
        if found:
            corrupted += 1
            problems += [f"{buyer_id}: {line}" for line in found][: max(0, PROBLEMS_KEPT - len(problems))]
    sent = [s for groups in log.groups.values() for group in groups for s in group]
    return {
        "conversations": len(log.groups),
        "user_messages": sum(1 for s in sent if s.answered),
        "double_sends": sum(1 for groups in log.groups.values() for group in groups if len(group) > 1),
        "without_reply": sum(1 for s in sent if not s.answered),
        "untraceable_first_messages": log.untraceable,
        "unrecorded_conversations": len(set(events) - set(log.groups)),
        "corrupted": corrupted,
        "problems": problems,
    }
