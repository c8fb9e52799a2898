"""clientlens: a respect-for-customer index from French leadership discourse."""

from __future__ import annotations

__version__ = "0.1.0"

from .analysis import Analyzer, analyze, analyze_file
from .batch import analyze_many
from .classifier import load_classifier
from .errors import (
    ClientlensError,
    InputError,
    LexiconError,
    ModelError,
    NotFrenchError,
    SpeakerNotFoundError,
)
from .frames import reports_frame
from .report import Report


def train(corpus=None, out_dir=None, **params):  # type: ignore[no-untyped-def]
    """Train a sentence classifier on an annotated JSONL corpus (see clientlens.training.train)."""
    from .training import train as _train

    return _train(corpus, out_dir, **params)

__all__ = [
    "Analyzer",
    "ClientlensError",
    "InputError",
    "LexiconError",
    "ModelError",
    "NotFrenchError",
    "Report",
    "SpeakerNotFoundError",
    "__version__",
    "analyze",
    "analyze_file",
    "analyze_many",
    "load_classifier",
    "reports_frame",
    "train",
]
