"""Redaction: names and speakers replaced by stable pseudonyms in every output, offsets kept."""

from __future__ import annotations

import json

import pytest

from clientlens.redact import _rewrite

TEXT = """Hélène Marchetti (DG) : Bonjour. J'ai rappelé Mme Le Goff hier, et M. Bardet aussi, il était ravi.

Intervieweur : Merci Hélène. Et Jean-Pierre Dumas, votre client de Vannes ?

Hélène Marchetti (DG) : Le père Dumas, il conteste toutes ses factures. Marchetti, c'est moi, je le dis.
"""
NAMES = ("Hélène", "Marchetti", "Le Goff", "Bardet", "Jean-Pierre", "Dumas")


@pytest.fixture(scope="module")
def redacted(analyzer):
    return analyzer.analyze(TEXT, speaker="Hélène Marchetti", redact=True)


def test_no_name_survives_in_any_output(redacted):
    """JSON, text summary and HTML page: no person or speaker name left."""
    outputs = [redacted.to_json(), redacted.summary(), redacted.to_html()]
    for out in outputs:
        for name in NAMES:
            assert name not in out


def test_pseudonyms_are_stable_and_speakers_numbered_in_order(redacted):
    assert [s.name for s in redacted.speakers] == ["[ORATEUR_1]", "[ORATEUR_2]"]
    assert {s.speaker for s in redacted.sentences} == {"[ORATEUR_1]"}
    text = redacted.text
    assert "Merci [ORATEUR_1]" in text  # a speaker's first name in speech is the speaker
    assert "Mme [PERSONNE_1]" in text and "M. [PERSONNE_2]" in text  # the honorific stays readable
    assert text.count("[PERSONNE_3]") == 2  # « Jean-Pierre Dumas » and « le père Dumas »: one person
    assert "Vannes" in text  # places are not people


def test_offsets_index_the_redacted_text(redacted):
    for item in (*redacted.sentences, *redacted.evidence):
        assert redacted.text[item.start : item.end] == item.text


def test_settings_and_flag(redacted):
    data = json.loads(redacted.to_json())
    assert data["provenance"]["redacted"] is True
    assert data["provenance"]["settings"]["speaker"] == ["[ORATEUR_1]"]


def test_scores_are_those_of_the_plain_report(analyzer, redacted):
    plain = analyzer.analyze(TEXT, speaker="Hélène Marchetti")
    assert redacted.index == plain.index
    assert [s.labels for s in redacted.sentences] == [s.labels for s in plain.sentences]
    assert "redacted" not in plain.provenance
    assert "Marchetti" in plain.to_json()


def test_text_without_names_is_unchanged(analyzer):
    text = "Nos clients, on les écoute, et on rappelle chacun dans la journée."
    assert analyzer.analyze(text, redact=True).text == text


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([], "abcdef"),
        ([(1, 3, "[X]")], "a[X]def"),
        ([(0, 1, "[LONG]"), (4, 6, "")], "[LONG]bcd"),
    ],
)
def test_rewrite_remaps_offsets(spans, expected):
    new, remap = _rewrite("abcdef", spans)
    assert new == expected
    assert remap.start(0) == 0 and remap.end(6) == len(new)
    for s, e, tag in spans:
        assert new[remap.start(s) : remap.end(e)] == tag


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_cli_redact_flag(tmp_path, capsys, fmt):
    from clientlens.cli import main

    path = tmp_path / "entretien.txt"
    path.write_text(TEXT, "utf-8")
    assert main(["analyze", str(path), "--speaker", "Hélène Marchetti", "--redact", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "[ORATEUR_1]" in out
    assert not [name for name in NAMES if name in out]


def test_batch_redacts_every_report():
    from clientlens import analyze_many

    reports = analyze_many([TEXT, TEXT.replace("Bardet", "Lemoine")], n_jobs=1, progress=False, redact=True)
    assert all(r.provenance["redacted"] for r in reports)
    assert not [n for r in reports for n in (*NAMES, "Lemoine") if n in r.to_json()]
