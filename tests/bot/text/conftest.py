"""The measurement-phrasing report (written by test_measurement_phrasings.py), printed after the run."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parents[3]
MEASUREMENTS_REPORT = ROOT / "results" / "entities" / "measurements.json"
MEASURED_ENTITIES = ("height", "weight", "size")

_session_started = time.time()


def format_table(report: dict) -> List[str]:
    """The accuracy table, one line per path: correct/total and percent per entity and whole message."""
    columns = (*MEASURED_ENTITIES, "message")
    lines = [f"{'path':<8}" + "".join(f"{name:>18}" for name in columns)]
    for path, result in report["paths"].items():
        cells = [
            f"{a['correct']}/{a['total']} {a['percent']:5.1f}%"
            for a in (result["accuracy"][name] for name in columns)
        ]
        lines.append(f"{path:<8}" + "".join(f"{cell:>18}" for cell in cells))
    return lines


def pytest_terminal_summary(terminalreporter):
    """The per-entity accuracy table of this run, if the phrasing test ran."""
    if not MEASUREMENTS_REPORT.exists() or MEASUREMENTS_REPORT.stat().st_mtime < _session_started:
        return
    report = json.loads(MEASUREMENTS_REPORT.read_text(encoding="utf-8"))
    terminalreporter.section(f"heights, weights and sizes on {report['set']} ({report['messages']} messages)")
    for line in format_table(report):
        terminalreporter.write_line(line)
    known = len(report["paths"]["python"]["known_misses"])
    terminalreporter.write_line(f"(exact match of the normalised values per message; {known} known misses)")
