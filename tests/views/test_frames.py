"""reports_frame on a batch: failed items become rows carrying their error."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import clientlens
from clientlens.batch import BatchError
from clientlens.taxonomy import COMPONENT_NAMES

pytest.importorskip("pandas")


@pytest.mark.slow
def test_failed_items_become_rows_with_the_error(tmp_path, example):
    missing = tmp_path / "absent.txt"
    results = clientlens.analyze_many([example("entretien_concession.txt"), missing,
                                       "We listen to our customers and we always call them back the same day."],
                                      progress=False)
    frame = clientlens.reports_frame(results)
    assert list(frame.columns) == ["source", "index", "interval_low", "interval_high", "verdict", "words",
                                   *COMPONENT_NAMES, "error"]
    assert frame["source"].tolist()[:2] == [results[0].source, str(missing)]
    assert frame["source"].isna().tolist() == [False, False, True]  # a text item shows no text
    assert frame["error"].isna().tolist() == [True, False, False]
    assert frame["error"].tolist()[1:] == [f"input_error: no such file: {missing}", f"not_french: {results[2].message}"]
    assert frame["index"].iloc[0] == results[0].index and math.isnan(frame["index"].iloc[1])
    assert frame[frame.error.notna()].shape[0] == 2
    assert frame.sort_values("index").shape == frame.shape  # NaN rows sort without error


def test_a_frame_of_failures_only():
    frame = clientlens.reports_frame([BatchError(Path("a.txt"), "InputError", "empty", "input_error")])
    assert frame["source"].tolist() == ["a.txt"] and frame["error"].tolist() == ["input_error: empty"]
    assert frame[list(COMPONENT_NAMES)].isna().all().all()
