"""The files of a sentence model in its directory, and the manifest that lists their sha256.

Read without scikit-learn: the analysis checks the linear export (classifier/linear.py)
against the same manifest as `load_classifier` checks the joblib file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from clientlens.errors import ModelError
from clientlens.resources import model_dir

#: The fitted scikit-learn SentenceModel (joblib): training, evaluation, `load_classifier`.
MODEL_FILE = "classifier.joblib"


#: Every file's sha256 ("files"), the versions, labels, thresholds and metrics of the model.
MANIFEST_FILE = "manifest.json"


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


def load_model_file(path: Path | None, *, trusted: bool) -> tuple[Any, str]:
    """Unpickle a model file (the bundled one when `path` is None) after checking its sha256
    against the manifest beside it; (the object, its sha256).

    The bundled model is always checked against the bundled manifest. A model from elsewhere
    is unpickled only with `trusted=True` (joblib files can run code when loaded), and still
    checked against its own manifest when one is present.

    Raises:
        ModelError: missing file, checksum mismatch or untrusted path.
    """
    import joblib

    bundled = path is None
    path = path or model_dir() / MODEL_FILE
    if not bundled and not trusted:
        raise ModelError(f"{path}: refusing to load a model that is not bundled unless trusted=True "
                         "(joblib files can execute code when loaded)")
    if not path.is_file():
        raise ModelError(f"{path}: model file not found (use lexicon-only mode explicitly to go without)")
    manifest = read_manifest(path.parent / MANIFEST_FILE, required=bundled)
    actual = sha256_file(path)
    check_sha256(path, actual, manifest)
    return joblib.load(path), actual
