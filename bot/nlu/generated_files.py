"""Writing a generated training file, or checking that the committed one is up to date."""
from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(out: Path, text: str, command: str, check: bool) -> int:
    """Writes ``text`` to ``out``, or with ``check`` compares them; returns the exit status.

    Args:
        out: the generated file.
        text: what the generator would write now.
        command: how to regenerate it, named in the out-of-date message.
        check: compare instead of writing.

    Returns:
        0 when written or up to date, 1 when ``check`` finds the file missing or different.
    """
    lines = text.count("\n")
    if check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            print(f"{out} is out of date with data/shop and data/lexicon; run: {command}", file=sys.stderr)
            return 1
        print(f"{out} is up to date ({lines} lines)")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {lines} lines to {out}")
    return 0
