"""Imports buyer messages from the tracker store, human-agent JSONL sessions and CSV files into one masked, de-duplicated list.

Only buyer turns are kept. What is not a question (a bare link or item ID, an order card, emoticon
codes, a masking placeholder alone) is cleaned out: order cards and emoticons are cut from a
message, and a message left with no words is dropped. Personal data is masked (bot.trainer.masking)
before a message is kept, so nothing unmasked reaches a file. Duplicates (same text once
normalised) are merged into the first one seen, with ``count`` saying how often it was sent.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional

from bot.trainer.masking import mask

# How a conversation went on after the message.
ENDED_ANSWERED = "answered"  # the assistant answered and the buyer went on or left
ENDED_FALLBACK = "fallback"  # nlu_fallback or action_clarify: the assistant did not understand
ENDED_HANDOFF = "handoff"  # handed to a person (handoff_reasons set)
ENDED_HUMAN = "human_agent"  # a session with a human agent (imported chat logs)
ENDED_UNKNOWN = "unknown"  # no conversation around it (CSV)


@dataclass
class LogMessage:
    """One buyer message ready for mining.

    Attributes:
        id: stable id from source, session and turn.
        text: the cleaned and masked message.
        source: where it came from (tracker, a JSONL source tag, csv:<file name>).
        session: conversation id (sender id, session id, or the CSV file name).
        turn: index of the buyer turn in the session (row number for CSV).
        predicted: intent the assistant predicted at the time, if known.
        confidence: its confidence, if known.
        ended_in: one of the ENDED_* values.
        count: how many messages had this text (after normalisation).
    """

    id: str
    text: str
    source: str
    session: str
    turn: int
    predicted: Optional[str] = None
    confidence: Optional[float] = None
    ended_in: str = ENDED_UNKNOWN
    count: int = 1

    def to_json(self) -> str:
        """One JSONL line (Chinese kept readable)."""
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict) -> "LogMessage":
        """Builds a message from a JSONL object, ignoring unknown keys."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def message_id(source: str, session: str, turn: int) -> str:
    """A short stable id: the same turn imported twice gets the same id."""
    return hashlib.sha1(f"{source}\x1f{session}\x1f{turn}".encode("utf-8")).hexdigest()[:12]


# --- cleaning --------------------------------------------------------------------------------------

# JDDC order card: 咨询订单号:<number> 订单金额:<amount> 下单时间:<date> [time], masked ([订单x]) or with real values.
_ORDER_CARD = re.compile(
    r"咨询订单号[:：]\s*\S+(?:\s*订单金额[:：]\s*\S+)?(?:\s*下单时间[:：]\s*\S+(?:\s+[0-9:]{5,8})?)?"
)
# JDDC's other system cards: the web-chat order card and its header, and the product card.
_SYSTEM_CARD = re.compile(
    r"顾客通过点击\S*?信息发送[:：]"
    r"|\[?订单编号[:：]\s*\[订单x\][，,]\s*订单金额[:：]\s*\S+?[，,]\s*下单时间[:：]\s*\[日期x\](?:\s*\[时间x\])?\]?"
    r"|商品ID[:：]\s*(?:\[数字x\]|[0-9]+)"
)
_URL = re.compile(r"(?:https?://|www\.)[^\s\u4e00-\u9fff，。！？]+", re.IGNORECASE)
# Emoticon codes: [微笑], #E-s[数字x] / #E-s12, /:^_^ /:)- style QQ codes.
_EMOTICON = re.compile(
    r"#E-[a-z]\d*(?:\[数字x\])?|/:[^\s\u4e00-\u9fff]{1,6}|\[(?!电话\]|地址\]|姓名\]|订单号\])[\u4e00-\u9fff]{1,4}\]"
)
# Placeholders of already-masked data ([链接x], [数字x]) and ours; alone they are not a question.
_PLACEHOLDER = re.compile(r"\[[\u4e00-\u9fff]{1,6}x?\]")
_ITEM_ID = re.compile(r"(?<![0-9])[0-9]{10,13}(?![0-9])")
_SPACES = re.compile(r"\s+")


def clean_text(raw: str) -> str:
    """Cuts order cards, links and emoticon codes out of a buyer message; "" if nothing is left to ask.

    Placeholders ([订单x], [链接x]) stay in a message that has words of its own, since "[订单x]这个订单
    的价格保护" is a question about an order; a message that is only placeholders, links or item IDs
    becomes "".
    """
    if not raw:
        return ""
    text = unicodedata.normalize("NFC", raw)
    text = _ORDER_CARD.sub(" ", text)
    text = _SYSTEM_CARD.sub(" ", text)
    text = _URL.sub(" ", text)
    # Placeholders of masked data end in a latin x ([链接x]) and ours are excluded, so only emoticons go.
    text = _EMOTICON.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    rest = _ITEM_ID.sub("", _PLACEHOLDER.sub("", text))
    if not any(unicodedata.category(ch)[0] == "L" for ch in rest):
        return ""
    return text


def normalise(text: str) -> str:
    """The de-duplication key: width-folded, lower case, without spaces and punctuation."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in ("L", "N") or ch in "[]")


def prepare(raw: str) -> str:
    """Cleans then masks one message; "" when it is not a question."""
    cleaned = clean_text(raw)
    return mask(cleaned) if cleaned else ""


# --- readers ---------------------------------------------------------------------------------------


def read_jsonl_sessions(path: Path) -> Iterator[LogMessage]:
    """Buyer turns of human-agent sessions: ``{"id", "source", "turns": [{"role", "text"}]}`` per line."""
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle):
            if not line.strip():
                continue
            session = json.loads(line)
            session_id = str(session.get("id", line_number))
            source = str(session.get("source") or Path(path).stem)
            buyer_turn = 0
            for turn in session.get("turns", []):
                if turn.get("role") != "buyer":
                    continue
                text = prepare(turn.get("text", ""))
                if text:
                    yield LogMessage(
                        id=message_id(source, session_id, buyer_turn),
                        text=text,
                        source=source,
                        session=session_id,
                        turn=buyer_turn,
                        ended_in=ENDED_HUMAN,
                    )
                buyer_turn += 1


def read_csv_messages(path: Path, column: str = "text") -> Iterator[LogMessage]:
    """One message per row of a CSV file (utf-8, with or without BOM), from the named column."""
    source = f"csv:{Path(path).name}"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or column not in reader.fieldnames:
            raise ValueError(f"{path}: no column {column!r} (columns: {reader.fieldnames})")
        for row_number, row in enumerate(reader):
            text = prepare(row.get(column) or "")
            if text:
                yield LogMessage(
                    id=message_id(source, Path(path).name, row_number),
                    text=text,
                    source=source,
                    session=Path(path).name,
                    turn=row_number,
                )


def read_tracker_store(path: Path) -> Iterator[LogMessage]:
    """User messages from Rasa's SQL tracker store (SQLite), with the prediction and how the turn ended.

    A turn ended in fallback when the model predicted nlu_fallback or the assistant ran
    action_clarify before the buyer's next message, and in hand-off when handoff_reasons was set
    (or action_hand_off ran) before it.
    """
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT sender_id, type_name, action_name, data FROM events ORDER BY sender_id, id"
        ).fetchall()
    finally:
        connection.close()
    pending: Optional[LogMessage] = None
    turns: Dict[str, int] = {}
    for sender_id, type_name, action_name, data in rows:
        if pending is not None and pending.session != sender_id:
            yield pending
            pending = None
        if type_name == "user":
            if pending is not None:
                yield pending
                pending = None
            event = json.loads(data or "{}")
            turn = turns.get(sender_id, 0)
            turns[sender_id] = turn + 1
            text = prepare(event.get("text") or "")
            if not text:
                continue
            intent = (event.get("parse_data") or {}).get("intent") or {}
            pending = LogMessage(
                id=message_id("tracker", sender_id, turn),
                text=text,
                source="tracker",
                session=sender_id,
                turn=turn,
                predicted=intent.get("name"),
                confidence=intent.get("confidence"),
                ended_in=ENDED_FALLBACK if intent.get("name") == "nlu_fallback" else ENDED_ANSWERED,
            )
        elif pending is not None and type_name == "action" and action_name == "action_clarify":
            if pending.ended_in != ENDED_HANDOFF:
                pending.ended_in = ENDED_FALLBACK
        elif pending is not None and (
            (type_name == "action" and action_name == "action_hand_off")
            or (type_name == "slot" and action_name == "handoff_reasons" and json.loads(data or "{}").get("value"))
        ):
            pending.ended_in = ENDED_HANDOFF
    if pending is not None:
        yield pending


# --- merging and files -----------------------------------------------------------------------------


def deduplicate(messages: Iterable[LogMessage]) -> List[LogMessage]:
    """Keeps the first message of each normalised text; its count is how many there were."""
    kept: Dict[str, LogMessage] = {}
    for message in messages:
        key = normalise(message.text)
        if not key:
            continue
        if key in kept:
            first = kept[key]
            first.count += message.count
            # A hand-off or fallback anywhere is worth knowing about on the kept copy.
            if first.ended_in in (ENDED_ANSWERED, ENDED_UNKNOWN, ENDED_HUMAN) and message.ended_in in (
                ENDED_FALLBACK,
                ENDED_HANDOFF,
            ):
                first.ended_in = message.ended_in
        else:
            kept[key] = message
    return list(kept.values())


def write_messages(messages: Iterable[LogMessage], path: Path) -> int:
    """Writes messages as JSONL; returns how many."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with open(path, "w", encoding="utf-8") as handle:
        for message in messages:
            handle.write(message.to_json() + "\n")
            written += 1
    return written


def read_messages(path: Path) -> List[LogMessage]:
    """Reads a JSONL file written by `write_messages`."""
    with open(path, encoding="utf-8") as handle:
        return [LogMessage.from_dict(json.loads(line)) for line in handle if line.strip()]
