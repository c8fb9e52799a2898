"""scripts/cross_fitted.py: its id ranges (the measurement itself runs for minutes and is taken
by hand, docs/evaluation.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from conftest import load_script

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "cross_fitted.py"


@pytest.fixture(scope="module")
def script():
    return load_script("cross_fitted")


@pytest.mark.parametrize(("text", "expected"), [("t181-t522", (181, 522)), ("t01-t01", (1, 1))])
def test_id_range(script, text, expected):
    assert script.id_range(text) == expected


@pytest.mark.parametrize("text", ["181-522", "t522-t181", "t181", "r01-r36", "t181-t522x"])
def test_bad_id_range_is_refused(script, text, capsys):
    with pytest.raises(argparse.ArgumentTypeError):
        script.id_range(text)
    with pytest.raises(SystemExit) as stopped:
        script.main([text])
    assert stopped.value.code == 2 and "t181-t522" in capsys.readouterr().err
