"""The linear export: scores as the scikit-learn model does, without scikit-learn, checked like it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from clientlens.classifier.files import MANIFEST_FILE, MODEL_FILE
from clientlens.classifier.linear import LINEAR_ARRAYS, LINEAR_FILES, LinearClassifier, export_directory, load_linear
from clientlens.classifier.model import load_classifier
from clientlens.classifier.training import load_corpus, sentence_inputs
from clientlens.errors import ModelError
from clientlens.resources import model_dir


@pytest.fixture()
def model_copy(tmp_path):
    for name in (MODEL_FILE, MANIFEST_FILE, *LINEAR_FILES):
        shutil.copy(model_dir() / name, tmp_path / name)
    return tmp_path


def test_export_predicts_as_scikit_learn_on_corpus_sentences(analyzer):
    rows = load_corpus()[::8]  # every split and sector, with and without context
    inputs = sentence_inputs(analyzer, rows)
    trained, linear = load_classifier(), load_linear()
    proba = linear.predict_proba(inputs)
    assert np.abs(proba - trained.model.predict_proba(inputs)).max() <= 1e-9
    assert linear.predict(inputs) == trained.predict(inputs)
    assert linear.sha256 == trained.sha256


def test_the_analysis_scores_with_the_export_and_imports_no_scikit_learn(analyzer):
    assert isinstance(analyzer.classifier, LinearClassifier)
    code = ("import sys, clientlens; clientlens.analyze('DG : Nos clients sont nos partenaires, on les écoute.'); "
            "print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_altered_export_is_refused(model_copy):
    path = model_copy / LINEAR_ARRAYS
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match the manifest"):
        load_linear(model_copy)


def test_a_missing_export_is_refused(model_copy):
    (model_copy / LINEAR_ARRAYS).unlink()
    with pytest.raises(ModelError, match="not found"):
        load_linear(model_copy)


def test_the_bundled_export_is_the_joblib_files(model_copy):
    """Regenerating the export from the bundled joblib file gives the committed bytes."""
    written = export_directory(model_copy)
    assert written == {name: json.loads((model_dir() / MANIFEST_FILE).read_text())["files"][name]
                       for name in LINEAR_FILES}
    for name in LINEAR_FILES:
        assert (model_copy / name).read_bytes() == (model_dir() / name).read_bytes()
