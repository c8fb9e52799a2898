"""Documented exceptions: every failure a caller can meet is a ClientlensError."""

from __future__ import annotations


class ClientlensError(Exception):
    """Base class of every error clientlens raises on bad input or bad resources."""


class InputError(ClientlensError):
    """The input cannot be read: missing path, directory, empty, binary or undecodable file."""


class NotFrenchError(ClientlensError):
    """The text does not look like French, so a French lexicon score would be meaningless."""


class SpeakerNotFoundError(ClientlensError):
    """`speaker=` names nobody in the transcript; the message lists who does speak."""

    def __init__(self, wanted: list[str], available: list[str]) -> None:
        self.wanted = wanted
        self.available = available
        names = ", ".join(available) if available else "no labelled speaker"
        super().__init__(f"speaker {', '.join(wanted)!s} not found; speakers in this file: {names}")


class LexiconError(ClientlensError):
    """A lexicon file or entry is malformed; the message names file, line and field."""


class ModelError(ClientlensError):
    """A model file is missing, tampered with, untrusted or incompatible."""
