"""Sending the messages the assistant did not understand to the trainers' inbox: new rows of the review file
(``python -m bot.trainer mine`` writes it, /inbox labels it, ``apply`` reads it), never the same message twice."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable, List

from bot.report.figures import Counted
from bot.report.tracker_events import NOT_UNDERSTOOD
from bot.trainer.logs import normalise
from bot.trainer.mining import REASON_FALLBACK
from bot.trainer.review import ReviewRow, read_review, replace_review

ID_PREFIX = "report-"
#: Says on each row where it came from and how often buyers wrote it.
NOTE = "服务报告：没听懂 {count} 次"


def row_id(text: str) -> str:
    """A stable id per message (the same message written differently gets the same one)."""
    return ID_PREFIX + hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:12]


def add_to_review_file(path: Path, messages: Iterable[Counted]) -> int:
    """Appends the messages not in the review file yet (by their normalised text); returns how many were added.

    Args:
        path: the review file (CSV or YAML by its suffix); created when missing.
        messages: the report's ``not_understood`` (their ``words`` are the masked text).
    """
    path = Path(path)
    rows: List[ReviewRow] = read_review(path) if path.is_file() else []
    known = {normalise(row.text) for row in rows} | {row.id for row in rows}
    added = 0
    for message in messages:
        key = normalise(message.words)
        if not key or key in known or row_id(message.words) in known:
            continue
        rows.append(ReviewRow(id=row_id(message.words), text=message.words, predicted=NOT_UNDERSTOOD,
                              reasons=[REASON_FALLBACK], note=NOTE.format(count=message.count)))
        known.add(key)
        added += 1
    if added:
        replace_review(rows, path)
    return added
