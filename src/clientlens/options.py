"""The analysis options, declared once: what `Analyzer`, the batch functions and the CLI accept.

`AnalysisOptions` is frozen and validated when built, so a bad threshold fails at once with
a clear `OptionsError` rather than once per transcript in every worker. The functions that
took these options as loose keyword arguments still do; they build an `AnalysisOptions`
from them (`AnalysisOptions.build`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from clientlens.errors import OptionsError, excerpt
from clientlens.io.decode import DECODE_ERRORS
from clientlens.io.read import INPUT_FORMATS

#: The range of the index, hence of the verdict thresholds.
INDEX_RANGE = (0.0, 100.0)

Speaker = str | Sequence[str] | None


@dataclass(frozen=True)
class AnalysisOptions:
    """How to analyse: the resources of the Analyzer and the per-transcript settings.

    Attributes:
        lexicon_files: extra user lexicon files (JSONL) added to the bundled ones.
        use_classifier: False for lexicon-only mode (the report says so).
        go, walk_away: verdict thresholds (0..100, walk_away < go) overriding the index
            model's; None keeps the model's.
        speaker: the speaker name(s) to score; None scores all speech.
        input_format: format of path inputs, overriding their extension (INPUT_FORMATS).
        redact: pseudonymise person and speaker names in every output.
        encoding: force the encoding of text files (default: detected; clientlens.io.decode).
        decode_errors: "replace" invalid bytes by U+FFFD and report them, or "strict": refuse.
        max_bytes: the size limit of an input file (default 20,000,000, or CLIENTLENS_MAX_BYTES).

    Raises:
        OptionsError: a threshold outside 0..100, walk_away >= go, an unknown input format,
            or a value of the wrong type.
    """

    lexicon_files: tuple[str, ...] = ()
    use_classifier: bool = True
    go: float | None = None
    walk_away: float | None = None
    speaker: tuple[str, ...] | None = None
    input_format: str | None = None
    redact: bool = False
    encoding: str | None = None
    decode_errors: str = "replace"
    max_bytes: int | None = None

    def __post_init__(self) -> None:
        files = self.lexicon_files
        files = (files,) if isinstance(files, str | Path) else tuple(files)
        object.__setattr__(self, "lexicon_files", tuple(str(f) for f in files))
        speaker = self.speaker
        if speaker is not None:
            speaker = (speaker,) if isinstance(speaker, str) else tuple(speaker)
            if not speaker or not all(isinstance(s, str) and s.strip() for s in speaker):
                raise OptionsError("speaker must be a non-empty name or list of names")
            object.__setattr__(self, "speaker", speaker)
        for name in ("use_classifier", "redact"):
            if not isinstance(getattr(self, name), bool):
                raise OptionsError(f"{name} must be True or False, not {excerpt(getattr(self, name))}")
        for name in ("go", "walk_away"):
            object.__setattr__(self, name, check_threshold(name, getattr(self, name)))
        check_thresholds(self.go, self.walk_away)
        if self.decode_errors not in DECODE_ERRORS:
            raise OptionsError(f"decode_errors must be one of {', '.join(DECODE_ERRORS)}, "
                               f"not {excerpt(self.decode_errors)}")
        if self.max_bytes is not None and (isinstance(self.max_bytes, bool) or not isinstance(self.max_bytes, int)
                                           or self.max_bytes <= 0):
            raise OptionsError(f"max_bytes must be a positive whole number, not {excerpt(self.max_bytes)}")
        if self.input_format is not None and self.input_format.lower().lstrip(".") not in INPUT_FORMATS:
            raise OptionsError(f"unknown input format {excerpt(self.input_format)}; "
                               f"choose from {', '.join(INPUT_FORMATS)}")

    @classmethod
    def build(cls, options: AnalysisOptions | None = None, /, **changes: Any) -> AnalysisOptions:
        """`options` (default ones if None) with the keyword arguments that are given (not None).

        Raises:
            TypeError: a keyword that is no option (the message lists the accepted ones).
            OptionsError: as the constructor.
        """
        accepted = {f.name for f in fields(cls)}
        unknown = sorted(set(changes) - accepted)
        if unknown:
            raise TypeError(f"unknown analysis option(s): {', '.join(unknown)}; "
                            f"accepted: {', '.join(sorted(accepted))}")
        given = {k: v for k, v in changes.items() if v is not None}
        return replace(options, **given) if options is not None else cls(**given)

    def analyzer_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of `Analyzer` these options set."""
        return {"lexicon_files": self.lexicon_files, "use_classifier": self.use_classifier,
                "go": self.go, "walk_away": self.walk_away}

    def reading(self) -> dict[str, Any]:
        """The keyword arguments of `read_file` / `Analyzer.analyze_file` that say how to read a file."""
        return {"encoding": self.encoding, "decode_errors": self.decode_errors, "max_bytes": self.max_bytes}

    def analyzer_key(self) -> tuple[Any, ...]:
        """What tells two Analyzers apart: equal keys share one loaded Analyzer."""
        return tuple(self.analyzer_kwargs().values())

    def to_dict(self) -> dict[str, Any]:
        """The options as plain JSON values."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnalysisOptions:
        """Options from `to_dict`'s output (unknown keys are a TypeError)."""
        return cls.build(None, **dict(data))


def check_threshold(name: str, value: object) -> float | None:
    """A verdict threshold as a float within the index range (None stays None).

    Raises:
        OptionsError: not a number, not finite, or outside 0..100.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OptionsError(f"{name} must be a number from 0 to 100, not {excerpt(value)}")
    low, high = INDEX_RANGE
    if not math.isfinite(value) or not low <= value <= high:
        raise OptionsError(f"{name} threshold must be within {low:g}..{high:g}, got {value:g}")
    return float(value)


def check_thresholds(go: float | None, walk_away: float | None) -> None:
    """Raise OptionsError unless walk_away < go (either None: nothing to compare)."""
    if go is not None and walk_away is not None and not walk_away < go:
        raise OptionsError(f"the walk_away threshold ({walk_away:g}) must be below the go threshold ({go:g})")
