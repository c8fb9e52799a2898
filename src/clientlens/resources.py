"""The one place that locates the data shipped with clientlens (lexicons, models, examples)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def data_dir(name: str) -> Path:
    """Return the directory of packaged data `name` ("lexicons", "models", "corpus" or "examples").

    Installed wheels carry the data inside the package. A source checkout (editable install,
    or tests run against `src/`) keeps it at the repository root, two levels above the package.
    """
    packaged = Path(str(files("clientlens"))) / name
    if packaged.is_dir():
        return packaged
    source_root = Path(str(files("clientlens"))).parents[1] / name
    if source_root.is_dir():
        return source_root
    raise FileNotFoundError(f"clientlens data directory {name!r} is missing from the installation")


def lang_file(code: str, name: str) -> Path:
    """A data file of a language under the package (src/clientlens/lang/<code>/<name>): speaker
    roles, report strings. These live in the package itself, so wheels carry them as they are."""
    return Path(str(files("clientlens"))) / "lang" / code / name


def lexicon_dir() -> Path:
    """Directory of the bundled lexicon files."""
    return data_dir("lexicons")


def model_dir() -> Path:
    """Directory of the bundled models and their manifest."""
    return data_dir("models")


def corpus_path() -> Path:
    """The annotated sentence corpus (JSONL)."""
    return data_dir("corpus") / "sentences.jsonl"


def example_path(name: str) -> Path:
    """Path of a bundled example transcript."""
    return data_dir("examples") / name
