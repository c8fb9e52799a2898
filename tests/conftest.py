"""Shared fixtures: the real French pipeline is loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientlens.analysis import Analyzer
from clientlens.lexicon import load_lexicon
from clientlens.resources import example_path

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The default analyzer with the bundled lexicons and model."""
    return Analyzer()


@pytest.fixture(scope="session")
def rules_analyzer() -> Analyzer:
    """An analyzer with a small fixed lexicon, so rule tests do not move with the lexicons."""
    lexicon = load_lexicon(extra_files=[DATA / "rules_lexicon.jsonl"], include_defaults=False)
    return Analyzer(lexicon=lexicon, use_classifier=False)


@pytest.fixture()
def example():
    """Path of a bundled example transcript."""
    return example_path
