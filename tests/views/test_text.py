"""The plain-text view: the summary in French and English, consistent figures, quotes and the clock."""

from __future__ import annotations

import json
import re

import pytest

from clientlens.errors import InputError
from clientlens.lang import REPORT_LANGUAGES, report_language, report_strings
from clientlens.resources import lang_file
from clientlens.views.text import clock, counted_signals, cut, shown_index, summary, verdict_text


@pytest.mark.parametrize(("seconds", "shown"), [(0, "0:00"), (65.4, "1:05"), (3725, "1:02:05")])
def test_clock(seconds, shown):
    assert clock(seconds) == shown


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
@pytest.mark.parametrize(("verdict", "signals", "absence"), [
    ("probe", False, True), ("probe", True, False), ("go", False, False), ("walk_away", False, False)])
def test_a_probe_with_no_signal_is_explained_as_absence(language, verdict, signals, absence):
    strings = report_strings(language)
    text = verdict_text(verdict, language, signals)
    assert (strings["report"]["probe_no_signal"] in text) is absence
    assert (strings["verdict_explained"][verdict] in text) is not absence


@pytest.fixture(scope="module")
def concession(analyzer):
    from clientlens.resources import example_path

    return analyzer.analyze_file(example_path("entretien_concession.txt"))


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", ["Indice de respect du client", "Verdict", "Composantes", "Citations les plus marquantes",
             "non noté (intervieweur)", "mots"]),
     ("en", ["Respect-for-customer index", "Verdict", "Components", "Strongest quotes",
             "not scored (interviewer)", "words"])],
)
def test_summary_in_each_report_language(concession, language, words):
    text = summary(concession, language=language)
    assert all(w in text for w in words), text
    assert verdict_text(concession.verdict, language) in text
    names = report_strings(language)["names"]
    assert all(names[name] in text for name in concession.components)
    assert not any(name in text for name in concession.components)  # keys stay in the JSON
    assert text.count("« ") >= min(5, len([e for e in concession.evidence if e.counted and e.impact]))


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_every_component_label_and_family_has_a_display_name(language):
    from clientlens.taxonomy import COMPONENT_NAMES, FAMILIES, LABELS, VERDICTS

    strings = report_strings(language)
    assert set(strings["names"]) == {*COMPONENT_NAMES, *LABELS, *FAMILIES}
    assert set(strings["verdict_word"]) == set(strings["verdict"]) >= set(VERDICTS)


def test_the_summary_is_french_by_default_for_french_input(concession):
    assert report_language() == "fr"
    assert concession.summary() == summary(concession, language="fr") != summary(concession, language="en")


def test_summary_without_evidence_says_none(rules_analyzer):
    report = rules_analyzer.analyze("Bonjour à tous, la réunion commence à dix heures dans la grande salle.")
    assert "(none)" in summary(report, language="en") and "(aucune)" in summary(report, language="fr")


def test_an_unknown_report_language_is_a_clear_error(concession):
    with pytest.raises(InputError, match="fr, en"):
        summary(concession, language="de")


def _keys(data: dict, prefix: str = "") -> set[str]:
    out = set()
    for k, v in data.items():
        out |= _keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
    return out


def test_report_languages_have_the_same_keys_and_placeholders():
    files = {code: json.loads(lang_file(code, "report.json").read_text("utf-8")) for code in REPORT_LANGUAGES}
    keys = {code: _keys(data) for code, data in files.items()}
    assert keys["fr"] == keys["en"]

    def placeholders(data: dict, key: str) -> set[str]:
        value = data
        for part in key.split("."):
            value = value[part]
        return set(re.findall(r"\{(\w+)\}", value))

    assert all(placeholders(files["fr"], k) == placeholders(files["en"], k) for k in keys["fr"] - {"description"})
    assert report_strings("en")["verdict"]["walk_away"] == "WALK AWAY"


# ---------------------------------------------------------------- consistent figures


@pytest.mark.parametrize(
    ("index", "verdict", "shown"),
    [
        (39.7, "walk_away", "39.7"), (39.5, "walk_away", "39.5"), (39.96, "walk_away", "39.9"),
        (39.4, "walk_away", "39"), (40.0, "probe", "40"), (40.4, "probe", "40"),
        (64.6, "probe", "64.6"), (64.99, "probe", "64.9"), (65.0, "go", "65"), (65.4, "go", "65"),
        (12.2, "walk_away", "12"), (39.7, "insufficient_speech", "40"),
    ],
)
def test_the_printed_index_never_crosses_a_threshold(index, verdict, shown):
    assert shown_index(index, verdict, go=65, walk_away=40) == shown


@pytest.mark.parametrize("index", [i / 100 for i in range(3800, 4200, 7)] + [i / 100 for i in range(6300, 6700, 7)])
def test_printed_index_and_verdict_agree_around_the_thresholds(index):
    verdict = "go" if index >= 65 else "walk_away" if index < 40 else "probe"
    printed = float(shown_index(index, verdict, go=65, walk_away=40))
    assert ("go" if printed >= 65 else "walk_away" if printed < 40 else "probe") == verdict


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Nos clients sont des partenaires", 20, "Nos clients sont…"),
        ("Nos clients sont des partenaires", 40, "Nos clients sont des partenaires"),
        ("Nos  clients\nsont", 40, "Nos clients sont"),
        ("Anticonstitutionnellement", 10, "Anticonst…"),  # one long word: cut inside it, still an ellipsis
        ("Bon, alors, voilà, ensuite", 12, "Bon, alors…"),
    ],
)
def test_quotes_are_cut_at_word_boundaries(text, width, expected):
    assert cut(text, width) == expected
    assert len(cut(text, width)) <= width


def test_signal_counts_are_whole_numbers(concession):
    text = summary(concession, language="en")
    counts = re.findall(r"\(([\d.]+) signals", text)
    assert counts and all(c.isdigit() for c in counts)
    assert sum(counted_signals(concession).values()) == sum(1 for e in concession.evidence if e.counted)
