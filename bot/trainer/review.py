"""The review file trainers label: CSV (utf-8 with BOM, so Excel shows the Chinese) or YAML, read back without loss.

Columns: id, text, predicted, confidence, alt1, alt2, alt3, reasons, label, note. An alternative is
written ``intent (0.1234)``; reasons are joined with ``;``. label and note start empty.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable, List, Optional

import yaml

from bot.trainer.mining import IntentScore, MinedItem

COLUMNS = ["id", "text", "predicted", "confidence", "alt1", "alt2", "alt3", "reasons", "label", "note"]
_ALTERNATIVE = re.compile(r"^(?P<name>.+) \((?P<confidence>[0-9.eE+-]+)\)$")


@dataclass
class ReviewRow:
    """One row of the review file."""

    id: str
    text: str
    predicted: str = ""
    confidence: Optional[float] = None
    alt1: str = ""
    alt2: str = ""
    alt3: str = ""
    reasons: List[str] = None  # type: ignore[assignment]
    label: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.reasons is None:
            self.reasons = []


def format_alternative(score: IntentScore) -> str:
    """``intent (confidence)``."""
    return f"{score.name} ({score.confidence})"


def parse_alternative(cell: str) -> Optional[IntentScore]:
    """Reads back `format_alternative`; None for an empty cell."""
    if not cell:
        return None
    match = _ALTERNATIVE.match(cell)
    if not match:
        raise ValueError(f"not an alternative: {cell!r}")
    return IntentScore(match.group("name"), float(match.group("confidence")))


def rows_from_mined(items: Iterable[MinedItem]) -> List[ReviewRow]:
    """Review rows for mined items (only those with reasons, in the mined order)."""
    rows = []
    for item in items:
        if not item.reasons:
            continue
        alternatives = [format_alternative(a) for a in item.alternatives[:3]] + ["", "", ""]
        rows.append(
            ReviewRow(
                id=item.id,
                text=item.text,
                predicted=item.predicted or "",
                confidence=item.confidence,
                alt1=alternatives[0],
                alt2=alternatives[1],
                alt3=alternatives[2],
                reasons=list(item.reasons),
            )
        )
    return rows


def _to_cells(row: ReviewRow) -> dict:
    cells = asdict(row)
    cells["confidence"] = "" if row.confidence is None else repr(row.confidence)
    cells["reasons"] = ";".join(row.reasons)
    return cells


def _from_cells(cells: dict) -> ReviewRow:
    confidence = cells.get("confidence")
    reasons = cells.get("reasons") or []
    if isinstance(reasons, str):
        reasons = [r for r in reasons.split(";") if r]
    return ReviewRow(
        id=str(cells.get("id") or ""),
        text=str(cells.get("text") or ""),
        predicted=str(cells.get("predicted") or ""),
        confidence=None if confidence in (None, "") else float(confidence),
        alt1=str(cells.get("alt1") or ""),
        alt2=str(cells.get("alt2") or ""),
        alt3=str(cells.get("alt3") or ""),
        reasons=list(reasons),
        label=str(cells.get("label") or ""),
        note=str(cells.get("note") or ""),
    )


def write_csv(rows: Iterable[ReviewRow], path: Path) -> None:
    """Writes the review file as CSV (utf-8-sig; quotes, commas and newlines in text are quoted)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(_to_cells(row))


def read_csv(path: Path) -> List[ReviewRow]:
    """Reads a review CSV (also after Excel saved it as UTF-8 CSV)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [_from_cells(cells) for cells in csv.DictReader(handle)]


def write_yaml(rows: Iterable[ReviewRow], path: Path) -> None:
    """Writes the review file as YAML: a list of rows with the same fields, Chinese kept readable."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    documents = []
    for row in rows:
        cells = asdict(row)
        documents.append({column: cells[column] for column in COLUMNS})
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(documents, handle, allow_unicode=True, sort_keys=False, width=1000)


def read_yaml(path: Path) -> List[ReviewRow]:
    """Reads a review YAML file."""
    with open(path, encoding="utf-8") as handle:
        documents = yaml.safe_load(handle) or []
    return [_from_cells(cells) for cells in documents]


def write_review(rows: List[ReviewRow], path: Path) -> None:
    """Writes CSV or YAML by the file's extension (.yml/.yaml is YAML, anything else CSV)."""
    (write_yaml if Path(path).suffix in (".yml", ".yaml") else write_csv)(rows, path)


def read_review(path: Path) -> List[ReviewRow]:
    """Reads CSV or YAML by the file's extension."""
    return (read_yaml if Path(path).suffix in (".yml", ".yaml") else read_csv)(path)


def replace_review(rows: List[ReviewRow], path: Path) -> None:
    """Writes the review file atomically (a temp file beside it in the same format, then a rename): a reader
    (apply, Excel, the inbox page) sees the old file or the new one, never half. The file is the owner's only
    (0600): the messages are masked, but they are still buyers' words."""
    path = Path(path)
    # Keep the suffix: write_review picks CSV or YAML by it.
    tmp = path.with_name(f".{path.stem}.writing-{os.getpid()}{path.suffix}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        write_review(list(rows), tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
