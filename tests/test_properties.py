"""Property-based tests: arbitrary input never escapes the documented errors or breaks invariants."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientlens.errors import ClientlensError
from clientlens.io.read import INPUT_FORMATS, read_bytes

FRENCH_WORDS = ["client", "clients", "cible", "compte", "conquête", "on", "les", "ne", "pas", "écoute",
                "mentent", "jamais", "rappelle", "« ", " »", '"', "DG :", "Q :", "[00:01:02]", "si", "le", "mot",
                "verrouiller", "merci", "Mme", "Dupont", ".", ",", "?", "\n", "\n\n", "\r\n", "\u200b", "\u00ad",
                "\u00a0", "Attention :", "chiffre", "d'affaires", "NPS", "42 %", "😀", "\t", ":"]

french_like = st.lists(st.sampled_from(FRENCH_WORDS), min_size=1, max_size=80).map(" ".join)
any_text = st.one_of(french_like, st.text(max_size=400))

SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW
@given(text=any_text)
def test_analyze_invariants(analyzer, text):
    """Only documented errors; index bounded, interval around it, offsets exact."""
    try:
        report = analyzer.analyze(text)
    except ClientlensError:
        return
    assert 0 <= report.index <= 100
    assert report.interval[0] <= report.index <= report.interval[1]
    for item in [*report.evidence, *report.sentences]:
        assert report.text[item.start : item.end] == item.text
        assert 0 <= item.start <= item.end <= len(report.text)
    assert all(0 <= e.sentence < len(report.sentences) for e in report.evidence)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=french_like)
def test_same_input_same_report(analyzer, text):
    try:
        first = analyzer.analyze(text)
    except ClientlensError:
        return
    assert analyzer.analyze(text).to_json() == first.to_json()


@pytest.mark.parametrize("fmt", INPUT_FORMATS)
@settings(max_examples=150, deadline=None)
@given(data=st.one_of(st.binary(max_size=600), french_like.map(str.encode), st.text(max_size=300).map(str.encode)))
def test_readers_raise_only_input_errors(fmt, data):
    """Random bytes under every extension: a Transcript or a clear InputError, nothing else."""
    try:
        transcript = read_bytes(data, fmt, source=f"x.{fmt}")
    except ClientlensError:
        return
    for turn in transcript.turns:
        assert 0 <= turn.start < turn.end <= len(transcript.text)
        assert transcript.text[turn.start : turn.end].strip()
