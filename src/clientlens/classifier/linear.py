"""Classifier stage: the fitted sentence model as plain arrays, scored with numpy alone.

A SentenceModel is linear: four TF-IDF blocks and a block of cues, one weight column per
label, one sigmoid per label. `export_linear` reads those numbers out of the fitted
scikit-learn objects and writes them beside the joblib file (`save_model` calls it, and the
manifest lists their sha256):

* ``classifier.linear.json``: labels, and each block's selector, vocabulary and settings;
* ``classifier.linear.npz``: idf vectors, weights, intercepts, sigmoid slopes and offsets,
  thresholds, and the second pass's weights, intercepts and thresholds (classifier/neighbours.py;
  format 2; a format-1 export has no second pass), float64, written with fixed zip dates, read
  with ``allow_pickle=False``: data only, nothing in it can run code.

`LinearClassifier` computes the features as scikit-learn does, in the same order of
summation, and the sigmoid with the C library's `exp` as scipy's `expit` does: its
probabilities are those of `SentenceModel.predict_proba` (tests/classifier/test_linear.py),
without importing scikit-learn or scipy or unpickling the joblib file (a second of a cold
start). The joblib file stays what training, evaluation and `load_classifier` use.

Regenerate the export of a model directory from its joblib file (the bundled model's by
default; the file is unpickled, so only for a model you trust):

    python -m clientlens.classifier.linear export [DIRECTORY]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import re
import zipfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from clientlens.classifier.features import SELECTORS, CharNgrams, SentenceInput, _word_ngrams
from clientlens.classifier.files import (
    EXPORT_LIBRARIES,
    MANIFEST_FILE,
    MODEL_FILE,
    check_manifest,
    check_sha256,
    load_model_file,
    manifest_identity,
    read_manifest,
)
from clientlens.classifier.neighbours import BLOCKS, SPAN, NeighbourPass
from clientlens.errors import ModelError
from clientlens.resources import model_dir

#: Labels, blocks and vocabularies of the export.
LINEAR_JSON = "classifier.linear.json"


#: The export's arrays.
LINEAR_ARRAYS = "classifier.linear.npz"


LINEAR_FILES = (LINEAR_JSON, LINEAR_ARRAYS)


#: Version of the export's layout: 2 holds the second pass (neighbour_* arrays), 1 does not.
EXPORT_FORMAT = 2


#: The layouts a reader accepts.
READABLE_FORMATS = (1, 2)


#: Words whose character n-gram columns a block keeps before starting again.
_MAX_CACHED_WORDS = 1 << 17


# ---------------------------------------------------------------------- export


def export_linear(model: Any, directory: Path) -> dict[str, str]:
    """Write the linear export of a fitted SentenceModel into `directory`; {file name: sha256}.

    Raises:
        ValueError: the model is not linear, or a vectorizer has settings the export cannot
            reproduce (stop words, accent stripping, a custom tokenizer, binary counts, ...).
    """
    meta, arrays = _export_arrays(model)
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(meta, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    (directory / LINEAR_JSON).write_bytes(text)
    (directory / LINEAR_ARRAYS).write_bytes(_npz_bytes(arrays))
    return {name: hashlib.sha256((directory / name).read_bytes()).hexdigest() for name in LINEAR_FILES}


def _export_arrays(model: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(meta, arrays) of a fitted SentenceModel."""
    linear = model._linear()
    if linear is None:
        raise ValueError("not a linear SentenceModel: it has no linear export")
    weights, intercepts, slopes, offsets = linear
    blocks: list[dict[str, Any]] = []
    arrays: dict[str, np.ndarray] = {}
    offset = 0
    for name, pipeline in model.features_.transformer_list:
        select, vectorizer = pipeline.steps[0][1], pipeline.steps[-1][1]
        block, idf = _block_spec(name, select.func.__name__, vectorizer, offset)
        if idf is not None:
            arrays[f"idf_{name}"] = idf
        blocks.append(block)
        offset += block["size"]
    if offset != weights.shape[0]:
        raise ValueError(f"{offset} features but {weights.shape[0]} weight rows")
    arrays.update(weights=weights, intercepts=intercepts, slopes=slopes, offsets=offsets,
                  thresholds=np.asarray(model.thresholds_))
    meta = {"format": EXPORT_FORMAT, "labels": list(model.labels_), "blocks": blocks}
    second = getattr(model, "neighbours_", None)
    if second is not None:
        arrays.update(neighbour_weights=second.weights, neighbour_intercepts=second.intercepts,
                      neighbour_thresholds=second.thresholds)
        meta["neighbours"] = {"span": SPAN, "blocks": list(BLOCKS)}
    else:
        meta["format"] = 1
    return meta, {k: np.ascontiguousarray(v, dtype=np.float64) for k, v in arrays.items()}


def _block_spec(name: str, select: str, vectorizer: Any, offset: int) -> tuple[dict[str, Any], np.ndarray | None]:
    """A block's description (selector, vocabulary, settings) and its idf vector, if any."""
    if select not in SELECTORS:
        raise ValueError(f"block {name}: unknown selector {select!r}")
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    spec: dict[str, Any] = {"name": name, "select": select, "offset": offset, "size": len(vocabulary),
                            "vocabulary": vocabulary}
    if type(vectorizer).__name__ == "DictVectorizer":
        return {**spec, "kind": "dict"}, None
    if (vectorizer.binary or vectorizer.strip_accents or vectorizer.stop_words or vectorizer.preprocessor
            or vectorizer.tokenizer or vectorizer.norm not in (None, "l2")):
        raise ValueError(f"block {name}: vectorizer settings the linear export does not reproduce")
    analyzer = vectorizer.analyzer
    if isinstance(analyzer, CharNgrams):  # a callable analyzer: scikit-learn does not lowercase first
        spec.update(kind="char_wb", min_n=analyzer.min_n, max_n=analyzer.max_n)
    elif analyzer == "word":
        spec.update(kind="word", token_pattern=vectorizer.token_pattern, ngram_range=list(vectorizer.ngram_range),
                    lowercase=vectorizer.lowercase)
    else:
        raise ValueError(f"block {name}: analyzer {analyzer!r} is not supported")
    spec.update(sublinear_tf=vectorizer.sublinear_tf, norm=vectorizer.norm, use_idf=vectorizer.use_idf)
    return spec, (np.asarray(vectorizer.idf_) if vectorizer.use_idf else None)


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz archive of `arrays`, the same bytes for the same arrays (np.savez dates its entries)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(entry, "w") as f:
                np.lib.format.write_array(f, arrays[name], allow_pickle=False)
    return buffer.getvalue()


# ---------------------------------------------------------------------- scoring


class _Block:
    """One feature block: its vocabulary, and how it turns sentences into (row, column, value)."""

    def __init__(self, spec: dict[str, Any], idf: np.ndarray | None) -> None:
        self.kind, self.offset = spec["kind"], spec["offset"]
        self.select = SELECTORS[spec["select"]]
        self.vocabulary = {term: i for i, term in enumerate(spec["vocabulary"])}
        self.idf = idf
        self.sublinear_tf = spec.get("sublinear_tf", False)
        self.norm = spec.get("norm")
        self.lowercase = spec.get("lowercase", False)
        self.pattern = re.compile(spec["token_pattern"]) if self.kind == "word" else None
        self.ngram_range = tuple(spec.get("ngram_range", (1, 1)))
        self.char_range = (spec.get("min_n", 0), spec.get("max_n", 0))
        self._char_columns: dict[str, list[int]] = {}

    def entries(self, items: Sequence[SentenceInput]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, columns of the whole matrix, values) in the order of the scikit-learn model's
        feature matrix (see `_counts`), the values computed as it computes them."""
        docs = self.select(items)
        if self.kind == "dict":
            return self._dict_entries(docs)
        row, col, counts = self._counts(docs)
        values = self._tfidf(row, col, counts, len(items))
        return row, col + self.offset, values

    def _dict_entries(self, docs: list[dict[str, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """DictVectorizer: the known keys' values, explicit zeros included."""
        found = sorted((i, self.vocabulary[k], float(v)) for i, doc in enumerate(docs)
                       for k, v in doc.items() if k in self.vocabulary)
        row = np.array([f[0] for f in found], dtype=np.int64)
        col = np.array([f[1] for f in found], dtype=np.int64)
        return row, col + self.offset, np.array([f[2] for f in found], dtype=np.float64)

    def _counts(self, docs: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CountVectorizer: (rows, block columns, counts), by row, then by column: ascending, as
        scikit-learn sorts them, or for the character block descending, the order in which
        scipy's product with the idf diagonal leaves them (SentenceModel._char_features), so
        that every sum below adds the same numbers in the same order."""
        found: list[int] = []
        lengths: list[int] = []
        for doc in docs:
            columns = self._chars(doc) if self.kind == "char_wb" else self._words(doc)
            found.extend(columns)
            lengths.append(len(columns))
        size = max(len(self.vocabulary), 1)
        rows = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        columns = np.array(found, dtype=np.int64)
        descending = self.kind == "char_wb"
        keys, counts = np.unique(rows * size + (size - 1 - columns if descending else columns), return_counts=True)
        row, col = np.divmod(keys, size)
        return row, (size - 1 - col if descending else col), counts.astype(np.float64)

    def _tfidf(self, row: np.ndarray, col: np.ndarray, values: np.ndarray, n_rows: int) -> np.ndarray:
        """TfidfTransformer.transform and sklearn.preprocessing.normalize, on the entries."""
        if self.sublinear_tf:
            np.log(values, out=values)
            values += 1.0
        if self.idf is not None:
            values *= self.idf[col]
        if self.norm == "l2":  # bincount sums in order, as inplace_csr_row_normalize_l2
            norms = np.sqrt(np.bincount(row, weights=values * values, minlength=n_rows))
            values /= norms[row]
        return values

    def _words(self, doc: str) -> list[int]:
        """The columns of a text's word n-grams, with repeats (the "word" analyzer)."""
        tokens = self.pattern.findall(doc.lower() if self.lowercase else doc)  # type: ignore[union-attr]
        min_n, max_n = self.ngram_range
        grams = list(tokens) if min_n == 1 else []
        for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
            grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return [self.vocabulary[g] for g in grams if g in self.vocabulary]

    def _chars(self, doc: str) -> list[int]:
        """The columns of a text's character n-grams within words (CharNgrams), cached per word."""
        known = self._char_columns
        if len(known) > _MAX_CACHED_WORDS:
            known.clear()
        out: list[int] = []
        for word in doc.split():
            columns = known.get(word)
            if columns is None:
                columns = known[word] = [self.vocabulary[g] for g in _word_ngrams(word, *self.char_range)
                                         if g in self.vocabulary]
            out.extend(columns)
        return out


class LinearClassifier:
    """Predicts as `TrainedClassifier.predict`, from a linear export, without scikit-learn.

    Attributes:
        sha256: the sha256 of the joblib file the export was made from (the model's identity,
            in every report's provenance).
        labels, thresholds: the label names and their decision thresholds.
        notes: differences of minor library versions with the model's manifest (ModelVersionWarning).
    """

    def __init__(self, meta: dict[str, Any], arrays: Any, sha256: str, notes: Sequence[str] = ()) -> None:
        if meta.get("format") not in READABLE_FORMATS:
            raise ModelError(f"linear export format {meta.get('format')!r}; this clientlens reads "
                             f"{' and '.join(map(str, READABLE_FORMATS))}")
        second = meta.get("neighbours")
        if second is not None and (second.get("span") != SPAN or second.get("blocks") != list(BLOCKS)):
            raise ModelError(f"linear export: a second pass over {second} is not the one this clientlens computes")
        self.sha256 = sha256
        self.notes = tuple(notes)  # minor library version differences (also issued as warnings)
        self.labels = tuple(meta["labels"])
        self.blocks = [_Block(b, arrays[f"idf_{b['name']}"] if b.get("use_idf") else None) for b in meta["blocks"]]
        self.weights, self.intercepts = arrays["weights"], arrays["intercepts"]
        self.slopes, self.offsets, self.thresholds = arrays["slopes"], arrays["offsets"], arrays["thresholds"]
        self.neighbours = NeighbourPass(arrays["neighbour_weights"], arrays["neighbour_intercepts"],
                                        arrays["neighbour_thresholds"]) if second is not None else None

    def predict_proba(self, items: Sequence[SentenceInput]) -> np.ndarray:
        """Calibrated probability of each label (n x labels), as SentenceModel.predict_proba."""
        parts = [block.entries(items) for block in self.blocks]
        row, col, value = (np.concatenate([p[k] for p in parts]) for k in range(3))
        order = np.argsort(row, kind="stable")  # row by row, blocks in order, each in its own order
        row, col, value = row[order], col[order], value[order]
        # summed in that order, from zero, as scipy's sparse matrix @ dense matrix
        scores = np.column_stack([
            np.bincount(row, weights=value * self.weights[col, k], minlength=len(items))
            for k in range(self.weights.shape[1])
        ]) + self.intercepts
        return _expit_of_minus(self.slopes * scores + self.offsets)

    def predict(self, items: list[SentenceInput]) -> list[tuple[list[str], dict[str, float]]]:
        """Labels above threshold and rounded probabilities per sentence (the first pass)."""
        return labelled(self.predict_proba(items), self.labels, self.thresholds) if items else []

    def second_pass(self, first: np.ndarray) -> list[tuple[list[str], dict[str, float]]] | None:
        """One text's labels and probabilities after the second pass, from its sentences'
        first-pass probabilities (n x labels, in order); None for an export without one."""
        second = self.neighbours
        return None if second is None else labelled(second.proba(first), self.labels, second.thresholds)


def labelled(
    proba: np.ndarray, labels: Sequence[str], thresholds: np.ndarray,
) -> list[tuple[list[str], dict[str, float]]]:
    """Per row: the labels at or above their threshold, and every probability rounded to 4 places."""
    out = []
    for row in proba:
        scores = {label: round(float(p), 4) for label, p in zip(labels, row, strict=True)}
        out.append(([lab for lab, p, t in zip(labels, row, thresholds, strict=True) if p >= t], scores))
    return out


def _expit_of_minus(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(z)) element-wise: scipy's `expit(-z)`, which calls the C library's exp;
    numpy's own exp differs from it in the last bit for some values."""
    out = np.empty(z.shape)
    flat = out.reshape(-1)
    for i, x in enumerate(z.reshape(-1).tolist()):
        try:
            flat[i] = 1.0 / (1.0 + math.exp(x))
        except OverflowError:  # exp(x) = inf in C
            flat[i] = 0.0
    return out


# ---------------------------------------------------------------------- loading


def load_linear(directory: Path | None = None) -> LinearClassifier:
    """The linear export in `directory` (the bundled model's by default), its files checked
    against the manifest beside them before they are read: data only (JSON, and arrays read
    with ``allow_pickle=False``), nothing in them can run code.

    Raises:
        ModelError: missing, foreign or incompatible manifest (`check_manifest`), missing file,
            sha256 mismatch, or an export of another format or with unreadable arrays.
    """
    directory = directory or model_dir()
    manifest = read_manifest(directory / MANIFEST_FILE, required=True) or {}
    notes = check_manifest(directory / MANIFEST_FILE, manifest, EXPORT_LIBRARIES)
    data = {name: _checked_bytes(directory / name, manifest) for name in LINEAR_FILES}
    sha256 = manifest.get("files", {}).get(MODEL_FILE)
    if not sha256:
        raise ModelError(f"{directory / MANIFEST_FILE}: the manifest names no {MODEL_FILE}")
    try:
        meta = json.loads(data[LINEAR_JSON])
        with np.load(io.BytesIO(data[LINEAR_ARRAYS]), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        return LinearClassifier(meta, arrays, sha256, notes)
    except (ValueError, KeyError, TypeError, OSError, zipfile.BadZipFile) as exc:  # object arrays, damage
        raise ModelError(f"{directory}: unreadable linear export ({type(exc).__name__}: {exc})"[:300]) from None


def _checked_bytes(path: Path, manifest: dict[str, Any]) -> bytes:
    if not path.is_file():
        raise ModelError(f"{path}: model file not found (use lexicon-only mode explicitly to go without)")
    data = path.read_bytes()
    check_sha256(path, hashlib.sha256(data).hexdigest(), manifest)
    return data


@cache
def default_classifier() -> LinearClassifier:
    """The bundled classifier. Fails closed: a missing or altered model raises ModelError
    instead of silently scoring with the lexicons alone (ask for that with use_classifier=False).
    """
    return load_linear()


# ---------------------------------------------------------------------- the command


def export_directory(directory: Path | None = None) -> dict[str, str]:
    """Regenerate the linear export of a model directory from its joblib file (checked against
    the manifest, then unpickled) and record in the manifest the export's sha256, the model's
    kind and the library versions (scikit-learn: the one the model was fitted with; the others:
    the installed ones, which the export was made with); {file: sha256}."""
    bundled = directory is None
    directory = directory or model_dir()
    model, _ = load_model_file(None if bundled else directory / MODEL_FILE, trusted=True, check_versions=False)
    written = export_linear(model, directory)
    path = directory / MANIFEST_FILE
    manifest = read_manifest(path, required=True) or {}
    manifest["files"] = {**manifest.get("files", {}), **written}
    fitted_with = getattr(model, "_sklearn_version", None) or manifest.get("scikit_learn") or "unknown"
    manifest.update(manifest_identity(fitted_with))
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m clientlens.classifier.linear export [DIRECTORY]`."""
    parser = argparse.ArgumentParser(prog="python -m clientlens.classifier.linear",
                                     description="Regenerate the linear export of a sentence model.")
    parser.add_argument("command", choices=["export"])
    parser.add_argument("directory", nargs="?", type=Path, help="a model directory (default: the bundled model)")
    args = parser.parse_args(argv)
    for name, sha256 in export_directory(args.directory).items():
        print(f"{name}  {sha256}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
