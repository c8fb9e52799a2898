"""Reports stay identical across refactorings: the bundled examples, the held-out real-register
texts, the rated transcripts and the test files in every input format are analysed and compared
with digests recorded before the change (tests/data/golden.json).

A change that is meant to move reports (a new lexicon entry, a retrained model) regenerates
the digests on purpose and says so in its commit:

    CLIENTLENS_WRITE_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "data" / "golden.json"
WRITE = os.environ.get("CLIENTLENS_WRITE_GOLDEN") == "1"

#: (file relative to the repository root, speaker scored or None for all speech)
CASES: list[tuple[str, str | None]] = [
    ("examples/entretien_concession.txt", None),
    ("examples/entretien_concession.txt", "Bruno Caradec"),
    ("examples/reunion_mutuelle.txt", None),
    *[(f"corpus/realspeech/{p.name}", None) for p in sorted((ROOT / "corpus/realspeech").glob("r*.txt"))],
    *[(f"corpus/transcripts/{p.name}", None) for p in sorted((ROOT / "corpus/transcripts").glob("t*.txt"))],
    *[(f"tests/data/formats/{p.name}", None) for p in sorted((ROOT / "tests/data/formats").iterdir())
      if p.suffix in {".vtt", ".srt", ".docx", ".json"}],
]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _html_shape(html: str) -> str:
    """HTML with layout whitespace removed, so that a template engine may indent differently."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def digest(report) -> dict:  # type: ignore[no-untyped-def]
    data = report.to_dict()
    return {
        "index": data["index"],
        "verdict": data["verdict"],
        "json": _sha(json.dumps(data, ensure_ascii=False, sort_keys=True)),
        "summary": _sha(report.summary()),
        "html": _sha(_html_shape(report.to_html())),
    }


@pytest.fixture(scope="module")
def produced(analyzer) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    out = {}
    cwd = Path.cwd()
    os.chdir(ROOT)  # sources are recorded as given: relative paths keep the digests portable
    try:
        for path, speaker in CASES:
            if speaker is not None and not (ROOT / path).read_text(encoding="utf-8").count(speaker):
                continue
            out[f"{path}|{speaker or ''}"] = digest(analyzer.analyze_file(path, speaker))
    finally:
        os.chdir(cwd)
    if WRITE:
        GOLDEN.write_text(json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return out


def test_every_case_is_recorded(produced) -> None:  # type: ignore[no-untyped-def]
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(produced) == sorted(recorded)
    assert len(recorded) > 200


def test_reports_are_identical_to_the_recorded_ones(produced) -> None:  # type: ignore[no-untyped-def]
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))
    changed = {k: (recorded.get(k), v) for k, v in produced.items() if recorded.get(k) != v}
    assert not changed, f"{len(changed)} reports changed, first: {next(iter(changed.items()))}"
