"""A model that loads safely across versions (issue 16): nothing is unpickled or read before the
manifest is checked (kind, library versions, sha256); the analysis's export is data only."""

from __future__ import annotations

import io
import json
import pickle
import shutil
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

from clientlens.classifier.files import (
    MANIFEST_FILE,
    MODEL_FILE,
    MODEL_KIND,
    ModelVersionWarning,
    installed_versions,
    sha256_file,
)
from clientlens.classifier.linear import LINEAR_ARRAYS, LINEAR_FILES, LINEAR_JSON, load_linear
from clientlens.classifier.model import load_classifier
from clientlens.errors import ModelError
from clientlens.resources import model_dir


class _Payload:
    """Unpickling this creates the file at `marker`: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def malicious_pickle(marker: Path) -> bytes:
    return pickle.dumps(_Payload(marker))


@pytest.fixture()
def model_copy(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    for name in (MANIFEST_FILE, *LINEAR_FILES):
        shutil.copy(model_dir() / name, folder / name)
    return folder


def edit_manifest(folder: Path, change) -> None:
    path = folder / MANIFEST_FILE
    manifest = json.loads(path.read_text("utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest), "utf-8")


def test_the_payload_would_run(tmp_path):
    """The malicious file really executes code when unpickled (so the tests below can fail)."""
    import joblib

    marker = tmp_path / "ran"
    (tmp_path / "evil.joblib").write_bytes(malicious_pickle(marker))
    joblib.load(tmp_path / "evil.joblib")
    assert marker.exists()


@pytest.mark.parametrize("manifest", ["bundled", "listing-it", "none"])
def test_a_tampered_pickle_is_refused_before_it_runs(model_copy, tmp_path, manifest):
    """A malicious joblib file is refused before unpickling: its sha256 is not the manifest's;
    with a manifest edited to list it, the library versions still have to be there; without one,
    nothing is loaded at all."""
    marker = tmp_path / "ran"
    path = model_copy / MODEL_FILE
    path.write_bytes(malicious_pickle(marker))
    if manifest == "listing-it":  # a foreign manifest: right sha256, but no clientlens identity
        edit_manifest(model_copy, lambda m: (m["files"].update({MODEL_FILE: sha256_file(path)}),
                                             m.pop("model")))
    if manifest == "none":
        (model_copy / MANIFEST_FILE).unlink()
    with pytest.raises(ModelError, match=r"does not match the manifest|not a clientlens model|manifest not found"):
        load_classifier(path, trusted=True)
    assert not marker.exists()


def test_an_export_with_a_pickled_array_is_refused_before_it_runs(model_copy, tmp_path):
    """Even with a manifest edited to its sha256, an object array (a pickle) in the export is refused."""
    marker = tmp_path / "ran"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, np.load(model_copy / LINEAR_ARRAYS) as good:
        for name in good.files:
            with archive.open(f"{name}.npy", "w") as f:
                np.lib.format.write_array(f, good[name])
        with archive.open("weights.npy", "w") as f:  # the same name again: read instead of the real one
            np.lib.format.write_array(f, np.array([_Payload(marker)], dtype=object), allow_pickle=True)
    (model_copy / LINEAR_ARRAYS).write_bytes(buffer.getvalue())
    edit_manifest(model_copy, lambda m: m["files"].update({LINEAR_ARRAYS: sha256_file(model_copy / LINEAR_ARRAYS)}))
    with pytest.raises(ModelError, match="unreadable linear export"):
        load_linear(model_copy)
    assert not marker.exists()


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda m: m.pop("model"), "not a clientlens model manifest"),
        (lambda m: m.update(model="someone.else"), "not a clientlens model manifest"),
        (lambda m: m.pop("versions"), "records no library versions"),
        (lambda m: m["files"].update({LINEAR_JSON: "0" * 64}), "does not match the manifest"),
        (lambda m: m["files"].pop(LINEAR_ARRAYS), "does not match the manifest"),
    ],
    ids=["no-kind", "other-kind", "no-versions", "other-sha256", "unlisted-file"],
)
def test_a_foreign_model_is_refused(model_copy, change, message):
    edit_manifest(model_copy, change)
    with pytest.raises(ModelError, match=message):
        load_linear(model_copy)


def bump(version: str, part: int) -> str:
    numbers = [int(x) for x in version.split(".")[:3]]
    numbers[part] += 1
    return ".".join(map(str, numbers))


@pytest.mark.parametrize("library", ["numpy", "spacy", "clientlens"])
def test_another_major_version_is_refused_with_a_clear_message(model_copy, library):
    installed = installed_versions()[library]
    made = bump(installed, 0)
    edit_manifest(model_copy, lambda m: m["versions"].update({library: made}))
    with pytest.raises(ModelError) as info:
        load_linear(model_copy)
    message = str(info.value)
    assert made in message and installed in message and "major" in message


def test_another_minor_version_loads_with_a_warning(model_copy):
    installed = installed_versions()["numpy"]
    made = bump(installed, 1)
    edit_manifest(model_copy, lambda m: m["versions"].update(numpy=made))
    with pytest.warns(ModelVersionWarning, match=f"numpy {made}"):
        classifier = load_linear(model_copy)
    assert classifier.notes and made in classifier.notes[0]


def test_a_patch_difference_is_silent(model_copy):
    installed = installed_versions()["spacy"]
    edit_manifest(model_copy, lambda m: m["versions"].update(spacy=bump(installed, 2)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_linear(model_copy).notes == ()


def test_scikit_learn_is_checked_for_the_pickle_only(model_copy):
    """The export needs no scikit-learn; the joblib file needs the major version it was fitted with."""
    shutil.copy(model_dir() / MODEL_FILE, model_copy / MODEL_FILE)
    edit_manifest(model_copy, lambda m: m["versions"].update(scikit_learn="0.1.0"))
    assert load_linear(model_copy).labels
    with pytest.raises(ModelError, match=r"scikit-learn 0\.1\.0"):
        load_classifier(model_copy / MODEL_FILE, trusted=True)


def test_the_bundled_manifest_records_its_versions():
    manifest = json.loads((model_dir() / MANIFEST_FILE).read_text("utf-8"))
    assert manifest["model"] == MODEL_KIND
    assert set(manifest["versions"]) == {"clientlens", "scikit_learn", "numpy", "spacy"}
    assert manifest["versions"]["scikit_learn"] == manifest["scikit_learn"]
