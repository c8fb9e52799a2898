"""clientlens: a respect-for-customer index from French leadership discourse."""

from __future__ import annotations

__version__ = "0.1.0"

from .analysis import Analyzer, analyze, analyze_file  # noqa: E402
from .errors import (  # noqa: E402
    ClientlensError,
    InputError,
    LexiconError,
    ModelError,
    NotFrenchError,
    SpeakerNotFoundError,
)
from .report import Report  # noqa: E402

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
]
