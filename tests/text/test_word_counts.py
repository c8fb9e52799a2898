"""One word count everywhere: `clientlens speakers` lists the words `clientlens analyze` scores."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clientlens.io.cues import speaker_stats
from clientlens.io.plain import parse_text
from clientlens.io.read import read_file
from clientlens.resources import example_path
from clientlens.text.nlp import load_nlp
from clientlens.text.units import word_counts

FORMATS = Path(__file__).parents[1] / "data" / "formats"
FILES = [example_path("entretien_concession.txt"), example_path("reunion_mutuelle.txt"),
         *sorted(p for p in FORMATS.iterdir() if p.suffix in {".vtt", ".srt", ".json", ".docx", ".txt", ".md"})]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_speakers_words_equal_the_analysis_words(analyzer, path):
    transcript = read_file(path)
    listed = {s.name: s.words for s in speaker_stats(transcript, word_counts(analyzer.nlp, transcript))}
    report = analyzer.analyze_transcript(transcript)
    assert listed == {s.name: s.words for s in report.speakers}
    # every word is scored but those of the speakers left out (interviewers, note-takers: roles.py)
    left_out = sum(s.words for s in report.speakers if not s.scored)
    assert sum(word_counts(analyzer.nlp, transcript).values()) - left_out == report.words
    assert report.words > 0 and bool(listed) == bool(transcript.speakers)


def test_scored_speaker_words_equal_the_listed_words(analyzer):
    path = example_path("entretien_concession.txt")
    transcript = read_file(path)
    words = word_counts(analyzer.nlp, transcript)
    report = analyzer.analyze_file(path, speaker="Bruno Caradec")
    assert report.words == words["Bruno Caradec (directeur de la concession)"]


@pytest.mark.parametrize(
    "text,expected",
    [("DG : Bon, alors… on l'a rappelé ?", 5),  # Bon alors on a rappelé: « l' », « … » and « ? » are no words
     # numbers and signs are no words, nor « aujourd'hui » (its apostrophe: not alphabetic for spaCy)
     ("DG : Aujourd'hui, 3 clients - 12 % - ont appelé.", 3),
     ("DG : Bonjour.", 1)],
)
def test_a_word_is_an_alphabetic_token(text, expected):
    assert word_counts(load_nlp(), parse_text(text)) == {"DG": expected}


@pytest.mark.parametrize("path", [example_path("reunion_mutuelle.txt"), FORMATS / "teams.vtt", FORMATS / "word.docx"],
                         ids=lambda p: p.name)
def test_cli_speakers_and_analyze_report_the_same_words(path):
    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "clientlens", *args, str(path)], capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    import json

    listed = {line.split("\t")[0]: int(line.split("\t")[2].split()[0]) for line in cli("speakers").splitlines()}
    report = json.loads(cli("analyze", "--format", "json"))
    assert listed == {s["name"]: s["words"] for s in report["speakers"]}
