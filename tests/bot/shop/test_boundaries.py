"""bot/shop stays plain Python: no Rasa or aiohttp, no clock reads, no I/O at import, documented."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "bot" / "shop"
MODULES = sorted(PACKAGE.glob("*.py"))
FORBIDDEN_IMPORTS = {"rasa", "rasa_sdk", "aiohttp"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_has_no_forbidden_import_and_opens_with_one_line(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots = {(node.module or "").split(".")[0]}
        else:
            continue
        assert not roots & FORBIDDEN_IMPORTS, f"{path.name} imports {roots & FORBIDDEN_IMPORTS}"
    docstring = ast.get_docstring(tree)
    assert docstring, f"{path.name} has no module docstring"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_logic_never_reads_the_clock(path):
    source = path.read_text(encoding="utf-8")
    for call in ("datetime.now(", "date.today(", "datetime.today(", "datetime.utcnow(", "time.time("):
        assert call not in source, f"{path.name} calls {call}"


def test_importing_does_no_file_io():
    # Import bot.shop with open() and Path.read_text() booby-trapped: any file read at import fails.
    code = (
        "import builtins, pathlib, io\n"
        "def trap(*a, **k): raise AssertionError('I/O at import time')\n"
        "import yaml, pydantic, zoneinfo\n"
        "builtins.open = trap; io.open = trap; pathlib.Path.read_text = trap; pathlib.Path.open = trap\n"
        "import bot.shop\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PACKAGE.parents[1], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
