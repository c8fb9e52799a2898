"""Documented exceptions: every failure a caller can meet is a ClientlensError.

Messages never carry the caller's text beyond a short, explicit excerpt (`excerpt`): a
transcript is confidential, and error messages end up in logs, batch result files and
support tickets.
"""

from __future__ import annotations

#: The most characters of a caller's value an error message quotes.
EXCERPT_CHARS = 24
#: The most speaker names a SpeakerNotFoundError message lists (all stay on `.available`).
MAX_LISTED_SPEAKERS = 10


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A short, explicit rendering of a value found in the caller's input, for an error message.

    Short strings and numbers appear as their repr; a longer string as its first `limit`
    characters, an ellipsis and its length; lists and objects by their type and size only.

    >>> excerpt("Marc Lefèvre a signé le contrat de Mme Dupont")
    "'Marc Lefèvre a signé le '… (45 characters)"
    >>> excerpt({"name": "Marc"})
    'an object of 1 key(s)'
    """
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    if value is None or isinstance(value, bool | int | float):
        text = repr(value)
        return text if len(text) <= limit else f"a number of {len(text):,} characters"
    if isinstance(value, dict):
        return f"an object of {len(value)} key(s)"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} item(s)"
    return f"a {type(value).__name__}"


class ClientlensError(Exception):
    """Base class of every error clientlens raises on bad input or bad resources.

    `code` is stable (part of the JSON contract, docs/schema.md): the CLI's JSON errors and the
    HTTP service's error bodies carry it, so that an integrator can branch on it.
    """

    code = "error"

    def to_dict(self) -> dict[str, str]:
        """The error as the JSON contract's error object: ``{"code": ..., "message": ...}``."""
        return {"code": self.code, "message": str(self)}


class InputError(ClientlensError):
    """The input cannot be read: missing path, directory, empty, binary or undecodable file."""

    code = "input_error"


class NotFrenchError(ClientlensError):
    """The text does not look like French, so a French lexicon score would be meaningless."""

    code = "not_french"


class SpeakerNotFoundError(ClientlensError):
    """`speaker=` names nobody in the transcript; the message lists who does speak."""

    code = "speaker_not_found"

    def __init__(self, wanted: list[str], available: list[str]) -> None:
        self.wanted = wanted
        self.available = available
        names = ", ".join(available[:MAX_LISTED_SPEAKERS]) if available else "no labelled speaker"
        if len(available) > MAX_LISTED_SPEAKERS:
            names += f" and {len(available) - MAX_LISTED_SPEAKERS} more"
        super().__init__(f"speaker {', '.join(wanted)!s} not found; speakers in this file: {names}")


class LexiconError(ClientlensError):
    """A lexicon file or entry is malformed; the message names file, line and field."""

    code = "lexicon_error"


class OptionsError(ClientlensError):
    """An analysis option is out of range or inconsistent, e.g. a walk-away threshold at or
    above the go threshold; the CLI reports it as a usage error (exit status 2)."""

    code = "invalid_option"


class ModelError(ClientlensError):
    """A model file is missing, tampered with, untrusted or incompatible."""

    code = "model_error"
