"""The plain-text view: the summary and the clock."""

from __future__ import annotations

import pytest

from clientlens.views.text import VERDICT_TEXT, clock, summary


@pytest.mark.parametrize(("seconds", "shown"), [(0, "0:00"), (65.4, "1:05"), (3725, "1:02:05")])
def test_clock(seconds, shown):
    assert clock(seconds) == shown


def test_summary_names_index_verdict_components_and_quotes(analyzer, example):
    report = analyzer.analyze_file(example("entretien_concession.txt"))
    text = summary(report)
    assert report.summary() == text
    assert f"{report.index:.0f}/100" in text and VERDICT_TEXT[report.verdict] in text
    assert all(name in text for name in report.components)
    assert text.count("« ") >= min(5, len([e for e in report.evidence if e.counted and e.impact]))


def test_summary_without_evidence_says_none(rules_analyzer):
    report = rules_analyzer.analyze("Bonjour à tous, la réunion commence à dix heures dans la grande salle.")
    assert "(none)" in summary(report)
