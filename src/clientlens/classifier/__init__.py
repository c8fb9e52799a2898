"""Classifier stage: sentence inputs and features, the model, its linear export, training.

The bundled model file was pickled when these names lived in ``clientlens.classifier``;
they are named here so that it loads unchanged (its sha256 is part of every report). They are
resolved on first use (PEP 562): the analysis, which scores with the linear export
(classifier/linear.py), imports this package without loading scikit-learn.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clientlens.classifier.features import CharNgrams, _contexts, _cues, _lemmas, _texts
    from clientlens.classifier.model import SentenceModel

#: Name -> the module that defines it.
_LAZY: dict[str, str] = {
    "CharNgrams": "clientlens.classifier.features",
    "_contexts": "clientlens.classifier.features",
    "_cues": "clientlens.classifier.features",
    "_lemmas": "clientlens.classifier.features",
    "_texts": "clientlens.classifier.features",
    "SentenceModel": "clientlens.classifier.model",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'clientlens.classifier' has no attribute {name!r}")


__all__ = ["CharNgrams", "SentenceModel", "_contexts", "_cues", "_lemmas", "_texts"]
