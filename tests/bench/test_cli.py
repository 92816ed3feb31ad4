"""`python -m bench` names what it cannot run instead of starting anything."""

import pytest

from bench.__main__ import BENCHMARKS, main


def test_an_unknown_benchmark_is_named(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--only", "nlu,warp-speed"])
    assert stopped.value.code == 2 and "warp-speed" in capsys.readouterr().err


def test_the_soak_and_fuzz_benchmarks_are_offered():
    assert {"soak", "fuzz"} <= set(BENCHMARKS)
