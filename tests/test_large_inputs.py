"""Large inputs (issue 16): a progress bar on long documents, classification in bounded batches,
a size limit that can be raised."""

from __future__ import annotations

import pytest

from clientlens import cli, pipeline
from clientlens.resources import example_path

EXAMPLE = example_path("entretien_concession.txt")


@pytest.fixture()
def no_delay(monkeypatch):
    """The bar appears at once (it waits PROGRESS_DELAY seconds otherwise)."""
    monkeypatch.setattr(pipeline, "PROGRESS_DELAY", 0)


@pytest.mark.parametrize(
    "flags,shown",
    [
        (["--progress"], True),  # asked for, though stderr is not a terminal here
        ([], False),  # stderr is not a terminal: off unless asked
        (["--progress", "--quiet"], False),
        (["--quiet"], False),
    ],
)
def test_cli_progress_bar(no_delay, capsys, flags, shown):
    assert cli.main(["analyze", str(EXAMPLE), "--format", "json", *flags]) == 0
    err = capsys.readouterr().err
    assert ("clientlens:" in err and "char" in err) is shown
    if shown:
        assert "100%" in err


def test_progress_reaches_the_end(no_delay, analyzer, capsys):
    text = EXAMPLE.read_text("utf-8")
    analyzer.analyze_file(EXAMPLE, progress=True)
    err = capsys.readouterr().err
    assert "100%" in err and "clientlens" in err
    analyzer.analyze_file(EXAMPLE, progress=False)
    assert capsys.readouterr().err == ""
    assert len(text) > 1000


def test_classifying_in_small_batches_gives_the_same_report(analyzer, monkeypatch):
    """Sentences are classified CLASSIFY_BATCH at a time as the text is read (the classifier's
    inputs are not all kept): any batch size gives the same labels and scores."""
    whole = analyzer.analyze_file(EXAMPLE, speaker="Bruno Caradec")
    monkeypatch.setattr(pipeline, "CLASSIFY_BATCH", 7)
    seen = []
    original = analyzer.classifier.predict

    def predict(items):
        seen.append(len(items))
        return original(items)

    monkeypatch.setattr(analyzer.classifier, "predict", predict)
    batched = analyzer.analyze_file(EXAMPLE, speaker="Bruno Caradec")
    assert max(seen) <= 7 and len(seen) > 2
    assert batched.sentences == whole.sentences
    assert batched.to_json() == whole.to_json()


def test_cli_max_bytes(capsys, tmp_path):
    assert cli.main(["analyze", str(EXAMPLE), "--max-bytes", "1000"]) == 2
    assert "the limit is 1,000 (raise it with --max-bytes" in capsys.readouterr().err
    assert cli.main(["analyze", str(EXAMPLE), "--max-bytes", str(EXAMPLE.stat().st_size), "--format", "json"]) == 0
