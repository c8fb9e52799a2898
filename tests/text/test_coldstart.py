"""The cold-start cache: the same reports with it, without it, and with a damaged one.

Every report of tests/test_golden.py is also checked both ways by running that file with and
without CLIENTLENS_NO_CACHE=1.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from spacy.lookups import Table

from clientlens.text import coldstart
from clientlens.text.nlp import DEFAULT_MODEL, load_nlp

ROOT = Path(__file__).resolve().parents[2]

#: A new process analyses every example and test format file; prints the digests of the
#: reports and what each cache did.
CHILD = """
import hashlib, json, sys
from pathlib import Path
import clientlens
from clientlens.text import coldstart
root = Path(sys.argv[1])
files = [*sorted((root / "examples").glob("*.txt")),
         *sorted(p for p in (root / "tests/data/formats").iterdir() if p.suffix in {".vtt", ".srt", ".docx", ".json"})]
digests = [hashlib.sha256(json.dumps(clientlens.analyze_file(f).to_dict(), sort_keys=True).encode()).hexdigest()
           for f in files]
print(json.dumps({"digests": digests, "status": coldstart.STATUS}))
"""


def run(cache: Path | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIENTLENS_")}
    env.update({"CLIENTLENS_CACHE_DIR": str(cache)} if cache else {"CLIENTLENS_NO_CACHE": "1"})
    done = subprocess.run([sys.executable, "-c", CHILD, str(ROOT)], env=env, capture_output=True, text=True,
                          timeout=600, check=True)
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def without_cache() -> dict:
    return run(None)


def test_reports_are_the_same_with_and_without_the_cache(tmp_path, without_cache):
    assert without_cache["status"] == {"regex": "off", "lemmas": "off"}
    first, second = run(tmp_path), run(tmp_path)
    assert first["status"] == {"regex": "empty", "lemmas": "built"}
    assert second["status"] == {"regex": "warmed 5", "lemmas": "cache"}
    assert first["digests"] == second["digests"] == without_cache["digests"]


@pytest.mark.parametrize("damaged", ["regex", "lookups"])
def test_a_damaged_cache_file_falls_back_and_is_rebuilt(tmp_path, without_cache, damaged):
    run(tmp_path)
    (path,) = (tmp_path).glob("*/regex.json" if damaged == "regex" else "*/lookups-*.npz")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    after = run(tmp_path)
    assert after["status"][damaged.replace("lookups", "lemmas")] == "fallback: ValueError"
    assert after["digests"] == without_cache["digests"]
    assert run(tmp_path)["digests"] == without_cache["digests"]  # rebuilt, then used
    assert path.is_file()


def test_an_unusable_cache_directory_falls_back(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setenv("CLIENTLENS_CACHE_DIR", str(not_a_folder))
    source = Path(load_nlp().path) / "lemmatizer" / "lookups" / "lookups.bin"
    assert coldstart.cached_lookups(DEFAULT_MODEL, source) is None
    assert coldstart.STATUS["lemmas"].startswith("fallback")
    coldstart.record_regex_cache(DEFAULT_MODEL, [("a+", 0)])  # no error, no file


def test_cache_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("CLIENTLENS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("CLIENTLENS_NO_CACHE", "0")
    assert coldstart.cache_dir() == tmp_path
    assert coldstart.cache_folder(DEFAULT_MODEL).parent == tmp_path
    monkeypatch.setenv("CLIENTLENS_NO_CACHE", "1")
    assert coldstart.cache_dir() is None and coldstart.cache_folder(DEFAULT_MODEL) is None


def test_lemma_tables_answer_as_spacys(tmp_path, monkeypatch):
    monkeypatch.setenv("CLIENTLENS_CACHE_DIR", str(tmp_path))
    lemmatizer = load_nlp().get_pipe("lemmatizer")
    source = Path(load_nlp().path) / "lemmatizer" / "lookups" / "lookups.bin"
    from spacy.lookups import Lookups

    original = Lookups().from_disk(source.parent)
    cached = coldstart.cached_lookups(DEFAULT_MODEL, source)
    assert cached.tables == original.tables
    assert cached.to_bytes() == source.read_bytes()
    words = ["est", "clients", "verrouillons", "rappelé", "mangeaient", "xyzzy", "", "Paris", "été"]
    for name in original.tables:
        mine, theirs = cached.get_table(name), original.get_table(name)
        assert len(mine) == len(theirs)
        for key in [*words, *list(theirs)[:50], *list(theirs)[-50:]]:
            assert (key in mine) == (key in theirs)
            if name != "lemma_exc":  # its values are tables themselves: compared below
                assert mine.get(key, "?") == theirs.get(key, "?")
    for pos in ("verb", "noun", "aux"):  # the per-part-of-speech exceptions (lemma_exc)
        for word in ["est", "suis", "yeux", "xyzzy", *list(original.get_table("lemma_exc").get(pos, {}))[:50]]:
            assert cached.get_table("lemma_exc").get(pos, {}).get(word, []) == \
                original.get_table("lemma_exc").get(pos, {}).get(word, [])
    assert isinstance(lemmatizer.lookups.get_table("lemma_rules"), Table)


@pytest.mark.parametrize("pattern", [r"(?iu)^(?:l'|d')?(?P<word>\w+)-(\d+)$", r"[«»\"]|\.\.\.", r"(?i)é+\s*(?=x)"])
def test_cached_patterns_are_re_compiles(pattern):
    import _sre

    if sys.implementation.name != "cpython":
        pytest.skip("CPython internals")
    rebuilt, compiled = coldstart._compiled(json.loads(json.dumps(coldstart._entry(pattern, 0)))), re.compile(pattern)
    assert (rebuilt.pattern, rebuilt.flags, rebuilt.groups, rebuilt.groupindex) == \
        (compiled.pattern, compiled.flags, compiled.groups, compiled.groupindex)
    for text in ["l'Avion-12", "d'été-3", "«oui»...", "ééé  x", "rien"]:
        assert [m.span() for m in rebuilt.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert _sre.CODESIZE == 4
