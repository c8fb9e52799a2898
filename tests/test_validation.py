"""Index fitting: constraints hold and the fit follows the ratings."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from scipy.stats import spearmanr

from clientlens.classifier.training import load_corpus
from clientlens.errors import InputError
from clientlens.index import index_from_totals, load_index_model
from clientlens.taxonomy import COMPONENT_NAMES
from clientlens.validation import (
    RatedTranscript,
    cross_fitted,
    fit_interval_margin,
    fit_weights,
    measure,
    part_of,
    report,
)


def item(i: int, adversarial: float, respectful: float, rating: float) -> RatedTranscript:
    totals = dict.fromkeys(COMPONENT_NAMES, 0.0) | {"negative_anecdotes": adversarial,
                                                   "respectful_signals": respectful}
    return RatedTranscript(f"t{i}", rating, "probe", totals, 500, "fit")


def test_fit_keeps_bias_and_respect_weight_and_nonnegative_weights():
    model = load_index_model()
    items = [item(i, a, r, y) for i, (a, r, y) in enumerate(
        [(10, 1, 5), (6, 2, 20), (3, 3, 45), (2, 6, 70), (0, 10, 95), (1, 8, 85)])]
    fitted = fit_weights(items, model)
    assert fitted.bias == model.bias
    assert fitted.weights["respectful_signals"] == model.weights["respectful_signals"]
    assert all(w >= 0 for w in fitted.weights.values()) and fitted.slope >= 0
    predicted = [index_from_totals(i.totals, i.words, fitted) for i in items]
    assert spearmanr(predicted, [i.rating for i in items]).statistic > 0.9


def test_parts_are_fixed_by_id():
    assert part_of("t01") == part_of("t01")
    assert {part_of(f"t{i:02d}") for i in range(1, 45)} == {"fit", "heldout"}


_SPEECH = ("Directrice : Mme Roux nous a dit que le devis était illisible, elle avait raison, "
           "on l'a refait et je l'ai rappelée moi-même.\n\nConsultant : Et ensuite ?\n")


@pytest.mark.parametrize(("row_part", "expected"), [("heldout", "heldout"), ("fit", "fit"), (None, part_of("t01"))])
def test_a_ratings_row_may_name_its_part(analyzer, tmp_path, row_part, expected):
    (tmp_path / "t01.txt").write_text(_SPEECH, "utf-8")
    row = {"id": "t01", "file": "t01.txt", "leader": "Directrice", "rating": 80, "tier": "go"}
    if row_part:
        row["part"] = row_part
    (tmp_path / "ratings.jsonl").write_text(json.dumps(row) + "\n", "utf-8")
    [measured] = measure(analyzer, tmp_path)
    assert measured.part == expected and measured.totals["respectful_signals"] > 0


def test_an_unknown_part_is_refused(analyzer, tmp_path):
    (tmp_path / "t01.txt").write_text(_SPEECH, "utf-8")
    row = {"id": "t01", "file": "t01.txt", "leader": "Directrice", "rating": 80, "tier": "go", "part": "test"}
    (tmp_path / "ratings.jsonl").write_text(json.dumps(row) + "\n", "utf-8")
    with pytest.raises(InputError, match="unknown part"):
        measure(analyzer, tmp_path)


def test_report_measures_interval_coverage():
    """A rating inside the report's interval counts as covered; far outside it does not."""
    model = load_index_model()
    inside = item(1, 2, 6, rating=index_from_totals(item(1, 2, 6, 0).totals, 500, model))
    outside = item(2, 10, 0, rating=99)  # all adversarial evidence: the interval stays low
    assert report([inside, outside], model)["interval_coverage"] == 0.5


def test_the_interval_margin_is_the_narrowest_that_reaches_the_level():
    """Ratings off the index by growing amounts: the fitted margin covers the interval level's
    share of them, and one step narrower would not."""
    from dataclasses import replace

    from clientlens.validation import MARGIN_GRID

    model = replace(load_index_model(), interval_margin=0.0)
    base = [item(i, a, r, 0) for i, (a, r) in enumerate([(3, 3), (2, 6), (6, 2), (4, 4), (1, 8)] * 4)]
    items = [replace(x, rating=min(99.0, index_from_totals(x.totals, x.words, model) + 3 * k))
             for k, x in enumerate(base)]
    fitted = fit_interval_margin(items, model)
    assert report(items, fitted)["interval_coverage"] >= model.interval_level
    step = MARGIN_GRID.index(fitted.interval_margin)
    assert step > 0 and report(items, replace(model, interval_margin=MARGIN_GRID[step - 1]))[
        "interval_coverage"] < model.interval_level
    assert fit_interval_margin([], model) is model


def _vocabulary(analyzer) -> set[str]:
    """Every word feature of an analyzer's classifier."""
    words: set[str] = set()
    for _, pipeline in analyzer.classifier.model.features_.transformer_list:
        words |= set(getattr(pipeline.steps[-1][1], "vocabulary_", {}))
    return words


def test_cross_fitting_measures_each_transcript_without_its_own_sentences(analyzer):
    """A transcript's sentences are left out of the model that measures it, and only of that one."""
    rows = [r for r in load_corpus() if r.sector == "bank" and r.split == "train"][:300]
    marked = [replace(r, group="transcript-tA", text=f"{r.text} Zorglubien.") if k < 20 else
              replace(r, group="transcript-tB") if k < 40 else r for k, r in enumerate(rows)]
    analyzer_for = cross_fitted(analyzer, marked, folds=2)
    without_a, without_b = analyzer_for("tA"), analyzer_for("tB")
    assert without_a is not analyzer and without_b is not without_a
    assert "zorglubien" not in _vocabulary(without_a) and "zorglubien" in _vocabulary(without_b)
    assert analyzer_for("t-unrated") is analyzer


def test_without_transcript_sentences_every_transcript_gets_the_analyzer_itself(analyzer):
    rows = [r for r in load_corpus() if r.sector == "bank"][:50]
    assert cross_fitted(analyzer, rows)("t01") is analyzer
