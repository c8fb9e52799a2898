"""clientlens: a respect-for-customer index from French leadership discourse.

The public names are loaded on first use (PEP 562), so that ``import clientlens``, its errors
and its command line's ``--help`` load neither spaCy nor scikit-learn.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from clientlens._version import __version__
from clientlens.errors import (
    ClientlensError,
    InputError,
    LexiconError,
    ModelError,
    NotFrenchError,
    SpeakerNotFoundError,
)

if TYPE_CHECKING:
    from clientlens.batch import analyze_many
    from clientlens.classifier.model import load_classifier
    from clientlens.classifier.training import train
    from clientlens.comparison import Comparison, compare
    from clientlens.pipeline import Analyzer, analyze, analyze_file
    from clientlens.report import Report
    from clientlens.team import TeamReport, analyze_team
    from clientlens.views.frames import reports_frame

#: Public name -> the module that defines it.
_LAZY: dict[str, str] = {
    "Analyzer": "clientlens.pipeline",
    "analyze": "clientlens.pipeline",
    "analyze_file": "clientlens.pipeline",
    "analyze_many": "clientlens.batch",
    "analyze_team": "clientlens.team",
    "compare": "clientlens.comparison",
    "Comparison": "clientlens.comparison",
    "TeamReport": "clientlens.team",
    "load_classifier": "clientlens.classifier.model",
    "Report": "clientlens.report",
    "reports_frame": "clientlens.views.frames",
    "train": "clientlens.classifier.training",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'clientlens' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Analyzer",
    "ClientlensError",
    "Comparison",
    "InputError",
    "LexiconError",
    "ModelError",
    "NotFrenchError",
    "Report",
    "SpeakerNotFoundError",
    "TeamReport",
    "__version__",
    "analyze",
    "analyze_file",
    "analyze_many",
    "analyze_team",
    "compare",
    "load_classifier",
    "reports_frame",
    "train",
]
