"""scripts/index_calibration.py: its index form is index.py's, and its variants act as described
(the measurement itself runs for minutes and is taken by hand, docs/evaluation.md)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_script

from clientlens.index import index_from_totals


@pytest.fixture(scope="module")
def script():
    load_script("real_speech")  # imported by the script from its own folder
    return load_script("index_calibration")


def bundled(script) -> np.ndarray:
    model = script.MODEL
    return np.array([*[model.weights[n] for n, a in zip(script.NAMES, script.ADVERSARIAL, strict=True) if a],
                     model.slope])


@pytest.fixture
def part(script):
    rng = np.random.default_rng(7)
    totals = rng.gamma(1.0, 1.5, size=(12, len(script.NAMES))) * rng.integers(0, 2, size=(12, len(script.NAMES)))
    words = rng.integers(60, 3000, size=12)
    return script.Part(totals, words.astype(float), rng.uniform(0, 100, size=12))


def test_bundled_form_is_index_py(script, part):
    expected = [index_from_totals(dict(zip(script.NAMES, t, strict=True)), int(w), script.MODEL)
                for t, w in zip(part.totals, part.words, strict=True)]
    assert np.allclose(script.index(bundled(script), part, script.MODEL.prior_signals, 0.0), expected)


@pytest.mark.parametrize(("words", "more_extreme"), [(100.0, True), (3000.0, False)])
def test_length_exponent_stretches_short_texts_only(script, words, more_extreme):
    one = script.Part(np.array([[0.0, 0.0, 0.0, 0.0, 0.0]]), np.array([words]), np.array([50.0]))
    one.totals[0, list(script.ADVERSARIAL).index(False)] = 3.0  # respectful evidence only
    flat = script.index(bundled(script), one, 5.0, 0.0)[0]
    scaled = script.index(bundled(script), one, 5.0, 0.5)[0]
    assert bool(scaled > flat) == more_extreme


@pytest.mark.parametrize(("score", "tier"), [(65.0, 2), (64.99, 1), (40.0, 1), (39.99, 0)])
def test_tiers_use_the_bundled_cut_offs(script, score, tier):
    assert script.tiers(np.array([score]))[0] == tier


@pytest.mark.parametrize("loss_kind", ["mse", "tier"])
def test_fit_does_not_worsen_its_own_loss_target(script, part, loss_kind):
    target = script.Part(part.totals, part.words,
                         script.index(bundled(script) * np.array([1.5, 0.5, 1.0, 1.0, 1.2]), part, 2.5, 0.25))
    theta = script.fit(target, 2.5, 0.25, loss_kind)
    before = script.index(bundled(script), target, 2.5, 0.25)
    after = script.index(theta, target, 2.5, 0.25)
    if loss_kind == "mse":
        assert np.mean((after - target.ratings) ** 2) < np.mean((before - target.ratings) ** 2)
    else:
        assert np.mean(script.tiers(after) == script.tiers(target.ratings)) >= \
            np.mean(script.tiers(before) == script.tiers(target.ratings))


def test_confusion_counts_expert_tier_against_tier_read(script):
    scores, ratings = np.array([20.0, 50.0, 70.0, 70.0]), np.array([10.0, 10.0, 80.0, 50.0])
    assert script.confusion(scores, ratings) == "1 1 0 / 0 0 1 / 0 0 1"


@pytest.mark.parametrize(("cuts", "score", "tier"), [((58.5, 42.0), 60.0, 2), ((58.5, 42.0), 41.0, 0),
                                                     ((58.5, 42.0), 50.0, 1), (None, 60.0, 1)])
def test_cell_reads_the_index_at_given_cut_offs_and_the_rating_at_the_tiers(script, cuts, score, tier):
    rating = {0: 30.0, 1: 50.0, 2: 70.0}[tier]  # a rating of that tier
    scores, ratings = np.array([score, 80.0, 20.0]), np.array([rating, 80.0, 20.0])
    assert script.cell(scores, ratings, cuts).startswith("1.000")


def test_verdict_cuts_finds_the_pair_that_separates_shrunk_scores(script, capsys):
    # go texts scored 60, walk-away texts 44, probe texts 52: only inward cut-offs read them all right
    ratings = np.array([80.0] * 4 + [20.0] * 4 + [52.0] * 4)
    scores = np.array([60.0] * 4 + [44.0] * 4 + [52.0] * 4)
    part = script.Part(np.zeros((12, len(script.NAMES))), np.full(12, 300.0), ratings)
    script.verdict_cuts({"real_register": scores}, {"real_register": part})
    out = capsys.readouterr().out
    assert "go >= 60, walk_away < 44.5" in out  # of the pairs that read all 12 right, the nearest to 65/40
    assert next(line for line in out.splitlines() if line.startswith("60 / 44.5 |")).startswith("60 / 44.5 | 1.000 /")
    assert "50-55 | 0 / 4 / 0 |" in out  # the probe texts' band


def test_band_counts_the_expert_tiers_inside_it_only(script):
    scores, ratings = np.array([61.0, 62.0, 64.9, 65.0, 59.9]), np.array([80.0, 50.0, 70.0, 20.0, 20.0])
    assert script.band(scores, ratings, 60, 65) == "0 / 1 / 2"
