"""Lexicon files: validation with precise errors, bundled content, matching on lemmas."""

from __future__ import annotations

import json

import pytest

from clientlens.errors import LexiconError
from clientlens.lexicon import load_families, load_lexicon, read_entries
from clientlens.taxonomy import COMPONENT_NAMES

GOOD = {"term": "cible", "family": "hunting", "polarity": "adversarial", "weight": 1.0}


def write(tmp_path, *rows):
    path = tmp_path / "user.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows), "utf-8")
    return path


@pytest.mark.parametrize(
    "row,field",
    [
        ("{not json", "not valid JSON"),
        ({**GOOD, "weight": "lourd"}, "weight"),
        ({**GOOD, "weight": 0}, "weight"),
        ({**GOOD, "family": "chasse"}, "family"),
        ({**GOOD, "polarity": "respectful"}, "polarity"),
        ({**GOOD, "pos": ["NOM"]}, "pos"),
        ({**GOOD, "requires": "anything"}, "requires"),
        ({**GOOD, "colour": "red"}, "unknown field"),
        ({k: v for k, v in GOOD.items() if k != "term"}, "missing field"),
        ({**GOOD, "term": "  "}, "term"),
        ({**GOOD, "exclude": "en fin de compte"}, "exclude"),
    ],
)
def test_malformed_entry_names_file_line_and_field(tmp_path, row, field):
    path = write(tmp_path, GOOD, row)
    with pytest.raises(LexiconError) as err:
        read_entries(path, load_families())
    assert f"{path}:2" in str(err.value)
    assert field in str(err.value)


def test_bundled_lexicon_is_large_and_covers_every_family():
    lexicon = load_lexicon()
    families = {e.family for e in lexicon.entries}
    assert len(lexicon) >= 300
    assert {"conquest", "hunting", "objectification", "pressure", "contempt"} <= families
    assert {f.component for f in lexicon.families.values()} <= set(COMPONENT_NAMES)
    assert families == set(lexicon.families)


def test_bundled_entries_are_unique():
    lexicon = load_lexicon()
    keys = [(e.words, e.pos) for e in lexicon.entries]
    assert len(keys) == len(set(keys))


def test_user_entries_extend_without_mutating_defaults(tmp_path):
    base = len(load_lexicon())
    extended = load_lexicon(extra_entries=[{**GOOD, "term": "gibier à plumes"}])
    assert len(extended) == base + 1
    assert len(load_lexicon()) == base


def test_lexicon_hash_changes_with_content():
    assert load_lexicon().sha256 != load_lexicon(extra_entries=[{**GOOD, "term": "xyz"}]).sha256


@pytest.mark.parametrize(
    "text,term",
    [
        ("Ils conquièrent des parts de marché.", "conquérir"),
        ("Nous avons ciblé les clients fragiles.", "cibler"),
        ("Ces clients, ce sont nos proies.", "proie"),
    ],
)
def test_inflections_match_through_lemmas(analyzer, text, term):
    found = {e.lemma for e in analyzer.analyze(text).evidence}
    assert term in found


def test_matching_is_independent_of_hash_seed(tmp_path):
    """Same text, two processes with different hash seeds: same evidence (set order must not leak)."""
    import os
    import subprocess
    import sys

    code = ("import clientlens, json; r = clientlens.Analyzer(use_classifier=False).analyze("
            "'Nos grands comptes, on les verrouille, et ces pigeons signent sans lire leurs contrats.'); "
            "print(json.dumps([(e.lemma, e.family, e.counted) for e in r.evidence]))")
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize(
    ("sentence", "may"),
    [
        ("Nos grands comptes, on les verrouille avant juin.", True),
        ("Conquérons le marché des artisans !", True),  # an inflection reaches « conquérir »
        ("Il faut une agresivité commerciale plus forte.", True),  # one typo in a long word
        ("On a repeint la salle de pause en vert.", False),
        ("Le stationnement sera gratuit jusqu'en mars.", False),
    ],
)
def test_may_match_says_when_a_sentence_needs_a_parse(analyzer, sentence, may):
    forms = [t.text for t in analyzer.nlp.make_doc(sentence)]
    assert analyzer.lexicon.may_match(forms, analyzer.lemmas) is may


def test_may_match_never_misses_a_hit_on_the_corpus(analyzer):
    """may_match is a superset of match: every corpus sentence with a hit under the full parse
    is flagged (the fast path skips the parse of the others, docs/benchmarks.md)."""
    from clientlens.training import load_corpus

    texts = [r.text for r in load_corpus()][::3]
    missed = []
    for text, doc in zip(texts, analyzer.nlp.pipe(texts, batch_size=128), strict=True):
        if analyzer.lexicon.match(doc, analyzer.finder.known):
            forms = [t.text for t in doc]
            if not analyzer.lexicon.may_match(forms, analyzer.lemmas):
                missed.append(text)
    assert not missed, missed[:3]
