"""Scoring: bounded, monotonic, interval narrowing with speech length, verdict thresholds."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientlens.index import index_from_totals, interval, load_index_model, verdict
from clientlens.taxonomy import COMPONENT_NAMES

MODEL = load_index_model()
ADVERSARIAL = [n for n in COMPONENT_NAMES if n != "respectful_signals"]

totals_strategy = st.fixed_dictionaries({n: st.floats(0, 500) for n in COMPONENT_NAMES})


@given(totals=totals_strategy, words=st.integers(0, 100_000))
def test_index_is_bounded_and_interval_contains_it(totals, words):
    index = index_from_totals(totals, words, MODEL)
    lo, hi = interval(totals, words, MODEL)
    assert 0 <= index <= 100
    assert lo <= index + 1e-9 and index <= hi + 1e-9


@given(totals=totals_strategy, words=st.integers(1, 50_000),
       component=st.sampled_from(ADVERSARIAL), extra=st.floats(0.01, 50))
def test_more_adversarial_evidence_never_raises_the_index(totals, words, component, extra):
    more = {**totals, component: totals[component] + extra}
    assert index_from_totals(more, words, MODEL) <= index_from_totals(totals, words, MODEL)


@given(totals=totals_strategy, words=st.integers(1, 50_000), extra=st.floats(0.01, 50))
def test_more_respect_never_lowers_the_index(totals, words, extra):
    more = {**totals, "respectful_signals": totals["respectful_signals"] + extra}
    assert index_from_totals(more, words, MODEL) >= index_from_totals(totals, words, MODEL)


def test_interval_narrows_with_more_speech():
    """Same rates, ten times the speech: a narrower interval."""
    short = dict.fromkeys(COMPONENT_NAMES, 0.0) | {"adversarial_vocabulary": 2, "respectful_signals": 2}
    long = {k: v * 10 for k, v in short.items()}
    lo_s, hi_s = interval(short, 200, MODEL)
    lo_l, hi_l = interval(long, 2000, MODEL)
    assert hi_l - lo_l < hi_s - lo_s


@given(totals=totals_strategy, words=st.integers(1, 50_000), margin=st.floats(0.05, 3))
def test_a_margin_widens_the_interval_and_leaves_the_index(totals, words, margin):
    wider = replace(MODEL, interval_margin=MODEL.interval_margin + margin)
    lo, hi = interval(totals, words, MODEL)
    lo_w, hi_w = interval(totals, words, wider)
    assert lo_w <= lo + 1e-9 and hi <= hi_w + 1e-9
    assert index_from_totals(totals, words, wider) == index_from_totals(totals, words, MODEL)


def test_a_margin_widens_by_that_much_log_odds():
    """With no evidence (index 52.5, Poisson bounds of zero counts), a margin of m moves each end
    by m in log-odds from where it was."""
    import math

    empty = dict.fromkeys(COMPONENT_NAMES, 0.0)
    logit = lambda x: math.log(x / (100 - x))  # noqa: E731
    plain = replace(MODEL, interval_margin=0.0)
    lo, hi = interval(empty, 1000, plain)
    lo_w, hi_w = interval(empty, 1000, replace(MODEL, interval_margin=0.5))
    assert logit(lo) - logit(lo_w) == pytest.approx(0.5) and logit(hi_w) - logit(hi) == pytest.approx(0.5)


def test_a_negative_margin_is_refused(tmp_path):
    import json

    from clientlens.errors import ModelError
    from clientlens.resources import model_dir

    raw = json.loads((model_dir() / "index.json").read_text("utf-8"))
    (tmp_path / "index.json").write_text(json.dumps({**raw, "interval_margin": -0.1}), "utf-8")
    with pytest.raises(ModelError, match="interval_margin"):
        load_index_model(tmp_path / "index.json")
    raw.pop("interval_margin", None)  # older files: no margin
    (tmp_path / "index.json").write_text(json.dumps(raw), "utf-8")
    assert load_index_model(tmp_path / "index.json").interval_margin == 0.0


def test_no_evidence_is_neutral_probe():
    empty = dict.fromkeys(COMPONENT_NAMES, 0.0)
    assert verdict(index_from_totals(empty, 1000, MODEL), MODEL) == "probe"


def test_verdict_thresholds_and_override():
    assert verdict(65, MODEL) == "go"
    assert verdict(64.9, MODEL) == "probe"
    assert verdict(40, MODEL) == "probe"
    assert verdict(39.9, MODEL) == "walk_away"
    strict = MODEL.with_thresholds(go=80)
    assert verdict(70, strict) == "probe"


def test_too_little_speech_is_not_judged():
    """Below `judged_words` scored words the verdict is insufficient_speech, whatever the index."""
    assert verdict(90, MODEL, words=MODEL.judged_words - 1) == "insufficient_speech"
    assert verdict(10, MODEL, words=MODEL.judged_words - 1) == "insufficient_speech"
    assert verdict(90, MODEL, words=MODEL.judged_words) == "go"
    assert verdict(10, MODEL, words=MODEL.judged_words) == "walk_away"


def test_the_stance_veto_names_known_labels(tmp_path):
    import json

    from clientlens.errors import ModelError
    from clientlens.resources import model_dir

    raw = json.loads((model_dir() / "index.json").read_text("utf-8"))
    assert load_index_model().stance_veto == ("adversarial_framing", "numbers_only")
    (tmp_path / "index.json").write_text(json.dumps({**raw, "stance_veto": ["cible"]}), "utf-8")
    with pytest.raises(ModelError, match="stance_veto"):
        load_index_model(tmp_path / "index.json")
    raw.pop("stance_veto")  # older files: no veto
    (tmp_path / "index.json").write_text(json.dumps(raw), "utf-8")
    assert load_index_model(tmp_path / "index.json").stance_veto == ()
