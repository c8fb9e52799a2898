"""Classifier stage: sentence inputs and features, the model, training and persistence.

The bundled model file was pickled when these names lived in ``clientlens.classifier``;
they are named here so that it loads unchanged (its sha256 is part of every report).
"""

from clientlens.classifier.features import CharNgrams, _contexts, _cues, _lemmas, _texts
from clientlens.classifier.model import SentenceModel

__all__ = ["CharNgrams", "SentenceModel", "_contexts", "_cues", "_lemmas", "_texts"]
