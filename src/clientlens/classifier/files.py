"""The files of a sentence model in its directory, and the manifest that lists their sha256
and the library versions the model was made with.

Read without scikit-learn: the analysis checks the linear export (classifier/linear.py)
against the same manifest as `load_classifier` checks the joblib file. Nothing is loaded
before the manifest is: a file it does not list with the same sha256, a directory without a
clientlens manifest, or a model made with another major version of a library it depends on is
refused first (ModelError); another minor version is a warning (ModelVersionWarning, once per
process as the model is loaded once; reports stay the same whatever the environment).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from clientlens._version import __version__
from clientlens.errors import ModelError
from clientlens.resources import model_dir

#: The fitted scikit-learn SentenceModel (joblib): training, evaluation, `load_classifier`.
MODEL_FILE = "classifier.joblib"


#: Every file's sha256 ("files"), the versions, labels, thresholds and metrics of the model.
MANIFEST_FILE = "manifest.json"


#: What a clientlens model manifest says it is (`"model"`): anything else is a foreign model.
MODEL_KIND = "clientlens.SentenceModel"


#: The libraries whose versions a manifest records (`"versions"`): manifest key -> distribution.
LIBRARIES = {"clientlens": "clientlens", "scikit_learn": "scikit-learn", "numpy": "numpy", "spacy": "spacy"}


#: The libraries the analysis's linear export depends on (the joblib file adds scikit-learn).
EXPORT_LIBRARIES = ("clientlens", "numpy", "spacy")


class ModelVersionWarning(UserWarning):
    """A model made with another minor version of a library: it loads, but say so."""


def installed_versions() -> dict[str, str | None]:
    """The installed version of every library of LIBRARIES (None if absent), without importing them."""
    out: dict[str, str | None] = {"clientlens": __version__}
    for key, distribution in LIBRARIES.items():
        if key != "clientlens":
            try:
                out[key] = version(distribution)
            except PackageNotFoundError:
                out[key] = None
    return out


def manifest_identity(scikit_learn: str) -> dict[str, Any]:
    """The manifest entries that say what made the model: its kind and library versions
    (`scikit_learn`: the version the model was fitted with)."""
    return {"model": MODEL_KIND, "versions": {**installed_versions(), "scikit_learn": scikit_learn}}


def check_manifest(path: Path, manifest: dict[str, Any], libraries: tuple[str, ...]) -> list[str]:
    """Refuse a foreign manifest or an incompatible model; the notes of minor version differences.

    A note is also issued as a ModelVersionWarning.

    Raises:
        ModelError: not a clientlens model manifest, no versions recorded, or another major
            version of one of `libraries` than the installed one.
    """
    if manifest.get("model") != MODEL_KIND:
        raise ModelError(f"{path}: not a clientlens model manifest (no \"model\": \"{MODEL_KIND}\"): "
                         "a foreign model is not loaded")
    recorded = manifest.get("versions")
    if not isinstance(recorded, dict):
        raise ModelError(f"{path}: the manifest records no library versions; regenerate it with "
                         "`python -m clientlens.classifier.linear export`")
    installed = installed_versions()
    notes = []
    for name in libraries:
        made, have = recorded.get(name), installed.get(name)
        if made == have:
            continue
        if not made or not have or _major(made) != _major(have):
            raise ModelError(f"{path}: the model was made with {LIBRARIES[name]} {made or '(unknown)'}, "
                             f"incompatible with the installed {have or '(none)'} (another major version); "
                             "install a matching version or retrain the model")
        if _minor(made) != _minor(have):
            notes.append(f"the sentence model was made with {LIBRARIES[name]} {made}; {have} is installed "
                         "(another minor version: check the results, or regenerate the model)")
    for note in notes:
        warnings.warn(note, ModelVersionWarning, stacklevel=3)
    return notes


def _major(v: str) -> str:
    return v.split(".")[0]


def _minor(v: str) -> str:
    return ".".join(v.split(".")[:2])


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(path: Path, *, required: bool) -> dict[str, Any] | None:
    """The manifest at `path`, or None when it is missing and not `required`.

    Raises:
        ModelError: a required manifest is missing, or a manifest is unreadable.
    """
    if not path.is_file():
        if required:
            raise ModelError(f"{path}: model manifest not found")
        return None
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: unreadable manifest ({exc})") from None


def check_sha256(path: Path, actual: str, manifest: dict[str, Any] | None) -> None:
    """Check a file's sha256 against the manifest's entry for its name (no manifest: no check).

    Raises:
        ModelError: the manifest lists another sha256, or none, for the file.
    """
    expected = (manifest or {}).get("files", {}).get(path.name)
    if manifest is not None and expected != actual:
        raise ModelError(f"{path}: sha256 {actual[:12]}… does not match the manifest "
                         f"({str(expected)[:12]}…); the file was altered or belongs to another model")


def load_model_file(path: Path | None, *, trusted: bool, check_versions: bool = True) -> tuple[Any, str]:
    """Unpickle a model file (the bundled one when `path` is None) after checking its sha256
    against the manifest beside it; (the object, its sha256).

    Nothing is unpickled unless the manifest beside the file is a clientlens manifest with
    compatible library versions (`check_manifest`) that lists the file's sha256; a model from
    elsewhere also needs `trusted=True` (joblib files can run code when loaded).

    Raises:
        ModelError: missing file or manifest, foreign or incompatible manifest, checksum mismatch
            or untrusted path.
    """
    bundled = path is None
    path = path or model_dir() / MODEL_FILE
    if not bundled and not trusted:
        raise ModelError(f"{path}: refusing to load a model that is not bundled unless trusted=True "
                         "(joblib files can execute code when loaded)")
    if not path.is_file():
        raise ModelError(f"{path}: model file not found (use lexicon-only mode explicitly to go without)")
    manifest = read_manifest(path.parent / MANIFEST_FILE, required=True) or {}
    if check_versions:  # off only for `export_directory`, which writes the versions of a sha256-checked file
        check_manifest(path.parent / MANIFEST_FILE, manifest, tuple(LIBRARIES))
    actual = sha256_file(path)
    check_sha256(path, actual, manifest)
    import joblib  # only now: the file is the one the manifest lists

    return joblib.load(path), actual
