"""scripts/retrain_spread.py: which sentences each copy leaves out (the refits themselves run
for minutes and are taken by hand, docs/evaluation.md)."""

from __future__ import annotations

import pytest
from conftest import load_script


@pytest.fixture(scope="module")
def script():
    load_script("real_speech")  # imported by the script from its own folder
    return load_script("retrain_spread")


ROWS = list(range(1000))


@pytest.mark.parametrize(("share", "seed"), [(0.01, 0), (0.0, 3)])
def test_the_full_refit_keeps_every_sentence(script, share, seed):
    assert script.left_out(ROWS, share, seed) == ROWS


@pytest.mark.parametrize("seed", [1, 2])
def test_a_copy_leaves_out_about_its_share_the_same_way_each_time(script, seed):
    kept = script.left_out(ROWS, 0.1, seed)
    assert 850 <= len(kept) <= 950 and kept == script.left_out(ROWS, 0.1, seed)
    assert kept != script.left_out(ROWS, 0.1, seed + 10)
