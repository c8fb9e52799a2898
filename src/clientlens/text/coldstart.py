"""Cold start: what a new process would otherwise rebuild at every start, cached on disk.

Two caches, in one folder per Python build, spaCy version and spaCy model version, under the
user cache directory (``$XDG_CACHE_HOME/clientlens`` or ``~/.cache/clientlens`` on Linux,
``~/Library/Caches/clientlens`` on macOS, ``%LOCALAPPDATA%\\clientlens\\Cache`` on Windows):

* the compiled regular expressions of the spaCy tokenizer. Importing ``spacy.lang.fr``
  compiles its TOKEN_MATCH pattern (1.45 MB of text, about 2 s), and loading the pipeline its
  prefix, suffix and infix patterns; ``re`` keeps no compiled pattern across processes. The
  cache stores the code ``re._compiler`` produced for each pattern; `warm_regex_cache` rebuilds
  the Pattern objects with ``_sre.compile`` (which validates the code) and puts them in
  ``re``'s own cache under the key ``re.compile(pattern)`` looks up, so spaCy gets the same
  Pattern without compiling it.
* the lemmatizer's lookup tables: spaCy decodes 9.6 MB of msgpack and builds a Python ``Table``
  (an OrderedDict and a Bloom filter) of 217k forms, then 176k exceptions, item by item.
  `LemmaTable` answers the same queries (``get``, ``[]``, ``in``) from sorted numpy arrays of
  the keys' hashes.

Every file is written atomically with its sha256, and checked when read. Any failure (no cache
yet, a damaged or stale file, an unwritable folder, another Python) falls back to spaCy's own
path, which gives the same pipeline: the cache only saves time. A damaged entry is removed, to
be rebuilt by the next process. ``CLIENTLENS_CACHE_DIR`` moves the cache;
``CLIENTLENS_NO_CACHE=1`` turns both caches off.

Risk: the regex cache relies on CPython internals that are not a public API (``re._cache``
and its key, ``re._parser.parse``, ``re._compiler._code``, ``_sre.compile`` and the layout of
its code). They change between Python versions, hence one cache per exact build
(``sys.version``, ``_sre.MAGIC``, ``_sre.CODESIZE``) and only on CPython. A build whose
internals changed without a new version string, or a cache file altered by someone who can
write to the user's cache directory, could give spaCy a pattern that tokenizes differently
(``_sre.compile`` refuses invalid code, so not a crash and not code execution; the checksums
catch accidental damage, not a deliberate edit). docs/benchmarks.md says what it saves;
``CLIENTLENS_NO_CACHE=1`` is the way out.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

#: Version of the cache's layout, part of the folder name.
CACHE_FORMAT = 1


#: What each cache did in this process ("warmed 5", "built", "off", "fallback: …"), for tests
#: and benchmarks.
STATUS: dict[str, str] = {}


# ---------------------------------------------------------------------- where


def cache_dir() -> Path | None:
    """The cache directory, or None when caching is off (CLIENTLENS_NO_CACHE)."""
    if os.environ.get("CLIENTLENS_NO_CACHE", "") not in ("", "0"):
        return None
    base = os.environ.get("CLIENTLENS_CACHE_DIR")
    return Path(base) if base else _user_cache_dir() / "clientlens"


def _user_cache_dir() -> Path:
    """The platform's per-user cache directory."""
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "clientlens" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def cache_folder(model: str) -> Path | None:
    """The cache folder of `model` for this Python build and spaCy version (None: caching off)."""
    base = cache_dir()
    if base is None:
        return None
    import _sre

    import spacy

    key = "\0".join(map(str, (CACHE_FORMAT, sys.version, sys.implementation.cache_tag, sys.platform,
                              sys.byteorder, _sre.MAGIC, _sre.CODESIZE, spacy.__version__,
                              model, _model_version(model))))
    return base / f"{Path(model).name}-{hashlib.sha256(key.encode()).hexdigest()[:20]}"


def _model_version(model: str) -> str:
    """The version in the spaCy model's meta.json (a package name or a path), or "?"."""
    try:
        spec = importlib.util.find_spec(model) if not Path(model).exists() else None
        folder = Path(spec.origin).parent if spec and spec.origin else Path(model)
        return str(json.loads((folder / "meta.json").read_text("utf-8"))["version"])
    except Exception:  # a name that is not a package, no meta.json: the key says so
        return "?"


# ---------------------------------------------------------------------- checked files


def _write_checked(path: Path, payload: bytes) -> None:
    """Write `payload` behind its sha256 (one line), atomically, in a private folder."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_checked(path: Path) -> bytes:
    """The payload of a file written by `_write_checked`.

    Raises:
        ValueError: the payload does not match its sha256 (a damaged file).
    """
    data = path.read_bytes()
    digest, _, payload = data.partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        raise ValueError(f"{path}: damaged cache file")
    return payload


def _discard(path: Path) -> None:
    """Remove a damaged cache file or folder (the next process rebuilds it), if it can."""
    try:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


# ---------------------------------------------------------------------- regex cache

_REGEX_FILE = "regex.json"


def warm_regex_cache(model: str) -> int:
    """Put the cached compiled patterns of `model`'s tokenizer into `re`'s cache; how many.

    Call it right before the import that compiles them: `re` keeps its last 512 patterns.
    """
    folder = cache_folder(model) if sys.implementation.name == "cpython" else None
    path = folder / _REGEX_FILE if folder else None
    if path is None or not path.is_file():
        STATUS["regex"] = "off" if folder is None else "empty"
        return 0
    try:
        entries = json.loads(_read_checked(path))
        patterns = {(e["pattern"], e["flags"]): _compiled(e) for e in entries}
    except Exception as exc:  # a damaged or stale cache is never an error: spaCy compiles as usual
        STATUS["regex"] = f"fallback: {type(exc).__name__}"
        _discard(path)
        return 0
    cache: dict = re._cache  # type: ignore[attr-defined]
    for (pattern, flags), compiled in patterns.items():
        cache[(str, pattern, flags)] = compiled
    STATUS["regex"] = f"warmed {len(patterns)}"
    return len(patterns)


def _compiled(entry: dict[str, Any]) -> re.Pattern:
    """The Pattern of a cache entry, as `re.compile` builds it (re._compiler.compile)."""
    import _sre

    code = array("I")
    code.frombytes(base64.b64decode(entry["code"]))
    compiled = _sre.compile(entry["pattern"], entry["final_flags"], code.tolist(), entry["groups"],
                            entry["groupindex"], tuple(entry["indexgroup"]))
    if compiled.pattern != entry["pattern"] or compiled.flags != entry["final_flags"]:
        raise ValueError("the rebuilt pattern differs")
    return compiled


def record_regex_cache(model: str, patterns: Iterable[tuple[str, int]]) -> None:
    """Compile (pattern, flags) pairs as `re.compile` does and store their code, once."""
    folder = cache_folder(model) if sys.implementation.name == "cpython" else None
    if folder is None or (folder / _REGEX_FILE).is_file():
        return
    try:
        import _sre

        if array("I").itemsize != _sre.CODESIZE:
            return
        entries = [_entry(pattern, flags) for pattern, flags in dict.fromkeys(patterns)]
        _write_checked(folder / _REGEX_FILE, json.dumps(entries).encode("utf-8"))
    except Exception:  # no cache this time: nothing else changes
        return


def _entry(pattern: str, flags: int) -> dict[str, Any]:
    """What `_sre.compile` needs to rebuild `re.compile(pattern, flags)` (re._compiler.compile)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in parsed.state.groupdict.items():
        indexgroup[i] = name
    return {"pattern": pattern, "flags": flags, "final_flags": flags | parsed.state.flags,
            "groups": parsed.state.groups - 1, "groupindex": dict(parsed.state.groupdict),
            "indexgroup": indexgroup, "code": base64.b64encode(array("I", code).tobytes()).decode("ascii")}


def tokenizer_patterns(tokenizer: Any) -> list[tuple[str, int]]:
    """The patterns spaCy compiles for a tokenizer (token and URL matches, affixes), and the
    French TOKEN_MATCH compiled when `spacy.lang.fr` is imported."""
    functions = [getattr(tokenizer, attr, None) for attr in
                 ("token_match", "url_match", "prefix_search", "suffix_search", "infix_finditer")]
    french = sys.modules.get("spacy.lang.fr.tokenizer_exceptions")
    functions.append(getattr(french, "TOKEN_MATCH", None))
    out = []
    for function in functions:
        pattern = getattr(getattr(function, "__self__", None), "pattern", None)
        if isinstance(pattern, str):
            out.append((pattern, 0))
    return out


def remember_patterns(model: str, nlp: Any) -> None:
    """Store the tokenizer's compiled patterns for the next process (once)."""
    record_regex_cache(model, tokenizer_patterns(nlp.tokenizer))


# ---------------------------------------------------------------------- lemma tables


class LemmaTable(Mapping):
    """A read-only spaCy lookups Table (keys: string hashes) held in sorted numpy arrays.

    Values are strings or lists of strings, as in spaCy's lemma tables; `get`, `[]` and `in`
    take a string or its hash, as a spaCy Table does.
    """

    def __init__(self, keys: np.ndarray, starts: np.ndarray, blob: bytes, is_list: np.ndarray) -> None:
        from spacy.strings import get_string_id

        self._hash = get_string_id
        self._keys, self._starts, self._blob, self._is_list = keys, starts, blob, is_list

    @classmethod
    def build(cls, table: Mapping) -> LemmaTable:
        """From a mapping with hash keys (a spaCy Table) or string keys (hashed as spaCy does)."""
        from spacy.strings import get_string_id

        items = sorted((get_string_id(k), v) for k, v in table.items())
        parts = [("\x1f".join(v) if isinstance(v, list) else v).encode("utf-8") for _, v in items]
        starts = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([len(p) for p in parts], out=starts[1:])
        return cls(np.fromiter((k for k, _ in items), dtype=np.uint64, count=len(items)), starts,
                   b"".join(parts), np.array([isinstance(v, list) for _, v in items], dtype=bool))

    def arrays(self) -> dict[str, np.ndarray]:
        """The table as arrays (the blob as bytes), for `from_arrays`."""
        return {"keys": self._keys, "starts": self._starts, "is_list": self._is_list,
                "blob": np.frombuffer(self._blob, dtype=np.uint8)}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> LemmaTable:
        """The table of `arrays()`."""
        return cls(arrays["keys"], arrays["starts"], arrays["blob"].tobytes(), arrays["is_list"])

    def _index(self, key: str | int) -> int:
        h = self._hash(key)
        i = int(np.searchsorted(self._keys, np.uint64(h)))
        return i if i < len(self._keys) and int(self._keys[i]) == h else -1

    def _value(self, i: int) -> str | list[str]:
        text = self._blob[int(self._starts[i]) : int(self._starts[i + 1])].decode("utf-8")
        return text.split("\x1f") if self._is_list[i] else text

    def __getitem__(self, key: str | int) -> str | list[str]:
        i = self._index(key)
        if i < 0:
            raise KeyError(key)
        return self._value(i)

    def get(self, key: str | int, default: Any = None) -> Any:
        """The value of `key` (a string or its hash), or `default`."""
        i = self._index(key)
        return default if i < 0 else self._value(i)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str | int) and self._index(key) >= 0

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[int]:
        return (int(k) for k in self._keys)


#: Tables at least this large, with string or string-list values, become LemmaTables
#: (lemma_lookup); so do the per-part-of-speech tables of lemma_exc. The small ones stay spaCy Tables.
_MIN_ARRAY_ENTRIES = 1000


_LOOKUPS_FILE = "lookups-{size}-{mtime}.npz"


def _cached_lookups_class() -> type:
    from spacy.lookups import Lookups

    class CachedLookups(Lookups):
        """The lemmatizer's Lookups, read from the cache; serialised as the model's own file."""

        source: Path

        def to_bytes(self, **kwargs: Any) -> bytes:
            """The model's lookups.bin, whose tables these are (they are read-only)."""
            return self.source.read_bytes()

    return CachedLookups


def _flat(values: Iterable[Any]) -> bool:
    return all(isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)) for v in values)


def _kind(table: Mapping) -> str:
    """How a table is cached: "arrays" (a LemmaTable), "nested" (a LemmaTable per part of
    speech) or "msgpack" (kept as it is)."""
    if len(table) >= _MIN_ARRAY_ENTRIES and _flat(table.values()):
        return "arrays"
    if table and all(isinstance(v, dict) and _flat(v.values()) for v in table.values()):
        return "nested"
    return "msgpack"


def _lookups_payload(source: Path) -> bytes:
    """The cache file of a lookups.bin: one .npz of every table's arrays and an index."""
    import io

    import srsly

    arrays: dict[str, np.ndarray] = {}
    index: dict[str, Any] = {}
    for name, table in srsly.msgpack_loads(source.read_bytes()).items():
        kind = index[name] = _kind(table)
        if kind == "arrays":
            arrays.update({f"{name}/{k}": v for k, v in LemmaTable.build(table).arrays().items()})
        elif kind == "nested":
            index[name] = {"nested": [str(sub) for sub in table]}
            for n, values in enumerate(table.values()):
                arrays.update({f"{name}/{n}/{k}": v for k, v in LemmaTable.build(values).arrays().items()})
        else:
            arrays[f"{name}/msgpack"] = np.frombuffer(srsly.msgpack_dumps(table), dtype=np.uint8)
    arrays["index"] = np.frombuffer(json.dumps(index).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _read_lookups(payload: bytes, source: Path) -> Any:
    """The CachedLookups of a cache payload."""
    import io

    import srsly
    from spacy.lookups import Table

    archive = np.load(io.BytesIO(payload), allow_pickle=False)
    lookups = _cached_lookups_class()()
    lookups.source = source

    def arrays(prefix: str) -> dict[str, np.ndarray]:
        return {k: archive[f"{prefix}/{k}"] for k in ("keys", "starts", "is_list", "blob")}

    for name, kind in json.loads(archive["index"].tobytes()).items():
        if kind == "arrays":
            table: Any = LemmaTable.from_arrays(arrays(name))
        elif isinstance(kind, dict):
            table = Table(name)
            for n, sub in enumerate(kind["nested"]):
                table[int(sub)] = LemmaTable.from_arrays(arrays(f"{name}/{n}"))
        else:
            table = Table(name, srsly.msgpack_loads(archive[f"{name}/msgpack"].tobytes()))
        lookups._tables[name] = table
    return lookups


def cached_lookups(model: str, source: Path) -> Any | None:
    """The lemmatizer's Lookups of `source` (a model's lookups.bin) from the cache, building it
    the first time; None when the cache is off or unusable."""
    folder = cache_folder(model)
    if folder is None or not source.is_file():
        STATUS["lemmas"] = "off"
        return None
    stat = source.stat()
    path = folder / _LOOKUPS_FILE.format(size=stat.st_size, mtime=stat.st_mtime_ns)
    try:
        if not path.is_file():
            _write_checked(path, _lookups_payload(source))
            STATUS["lemmas"] = "built"
        lookups = _read_lookups(_read_checked(path), source)
    except Exception as exc:
        STATUS["lemmas"] = f"fallback: {type(exc).__name__}"
        _discard(path)
        return None
    STATUS.setdefault("lemmas", "cache")
    return lookups


# ---------------------------------------------------------------------- the pipeline


def load_pipeline(model: str, exclude: Iterable[str] = ()) -> Any:
    """`spacy.load(model, exclude=exclude)`, its lemmatizer's tables from the cache.

    The same components in the same order with the same settings, the lemmatizer holding
    LemmaTables; without a usable cache, exactly `spacy.load`.
    """
    import spacy

    exclude = list(exclude)
    if cache_dir() is None or "lemmatizer" in exclude:
        STATUS["lemmas"] = "off"
        return spacy.load(model, exclude=exclude)
    STATUS.pop("lemmas", None)
    try:
        return _with_cached_lemmatizer(model, exclude)
    except Exception as exc:  # an unusual model (a sourced lemmatizer, no path): spaCy's own way
        STATUS["lemmas"] = f"fallback: {type(exc).__name__}"
        return spacy.load(model, exclude=exclude)


def _with_cached_lemmatizer(model: str, exclude: list[str]) -> Any:
    """The pipeline without its lemmatizer, then a bare one added back in its place with the
    cached tables, or (cache unusable) with its own, read as `spacy.load` reads them."""
    import spacy

    nlp = spacy.load(model, exclude=[*exclude, "lemmatizer"])
    path = Path(nlp.path)
    config = spacy.util.load_config(path / "config.cfg")
    names = list(config["nlp"]["pipeline"])
    if "lemmatizer" not in names:
        return nlp
    settings = dict(config["components"]["lemmatizer"])
    factory = settings.pop("factory")
    later = [n for n in names[names.index("lemmatizer") + 1 :] if n in nlp.pipe_names]
    lemmatizer = nlp.add_pipe(factory, name="lemmatizer", config=settings, before=later[0] if later else None)
    lookups = cached_lookups(model, path / "lemmatizer" / "lookups" / "lookups.bin")
    if lookups is None:
        lemmatizer.from_disk(path / "lemmatizer", exclude=["vocab"])
    else:
        lemmatizer.lookups = lookups
        lemmatizer._validated = True
    return nlp
