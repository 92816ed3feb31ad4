"""Percentiles, printed tables and the JSON and PNG files each benchmark leaves in bench/results/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def percentiles(samples_ms: Sequence[float]) -> Dict[str, float]:
    """p50/p95/p99, mean and count of latencies in milliseconds (NaN when there are none)."""
    if not samples_ms:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "mean": float("nan")}
    values = np.asarray(samples_ms, dtype=float)
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return {"n": int(values.size), "p50": float(p50), "p95": float(p95), "p99": float(p99),
            "mean": float(values.mean())}


def ratio(value: Optional[float], reference: Optional[float]) -> str:
    """value / reference as "1.24x", or "n/a" when either is missing or zero."""
    return f"{value / reference:.2f}x" if value and reference else "n/a"


def table(title: str, header: Sequence[str], rows: List[Sequence[Any]]) -> str:
    """A Markdown table (pastes as is into an issue), numbers rounded for reading."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.1f}" if abs(value) < 1000 else f"{value:.0f}"
        return str(value)

    lines = [f"### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_json(name: str, data: Dict[str, Any]) -> Path:
    """Writes bench/results/<name>.json and returns its path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def figure_path(name: str) -> Path:
    """Where bench/results/<name>.png goes (the directory is created)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    return RESULTS_DIR / f"{name}.png"


def pyplot():
    """matplotlib's pyplot on the file-only backend (the benchmarks run without a display)."""
    import warnings

    import matplotlib

    # Loading Rasa resets the warning filters; matplotlib's pyparsing then warns on every plot.
    warnings.simplefilter("ignore")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
