"""Batches: many transcripts in worker processes, resumable JSONL.

Locally on Linux, under joblib's default backend (loky), the parent builds the Analyzer once
and forks its workers, which share it: a batch costs one load plus the analyses. Under any
other joblib backend (`parallel_config(backend="dask")` on a cluster, threads), and on macOS
and Windows, where forking a loaded process is unsafe or impossible, joblib runs the chunks and
each worker process builds its Analyzer once and keeps it for every chunk it receives.
joblib and tqdm are imported on first use: `clientlens analyze FILE` needs neither.
"""

from __future__ import annotations

import gc
import glob
import inspect
import json
import math
import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from clientlens.errors import ClientlensError, InputError, excerpt
from clientlens.io.read import EXTENSION_FORMATS
from clientlens.pipeline import Analyzer, default_analyzer
from clientlens.redact import redact_message, redacted_source
from clientlens.report import Report

if TYPE_CHECKING:
    from joblib import Parallel

#: Extensions a directory is searched for (sorted file names).
TRANSCRIPT_EXTENSIONS = tuple(EXTENSION_FORMATS)
#: Largest automatic chunk: bigger ones only delay progress and balance the load worse.
MAX_AUTO_BATCH = 16
#: Chunks per worker with automatic batch size: small chunks of size-sorted items keep every
#: worker busy to the end (a task costs about a millisecond, a transcript a tenth of a second).
CHUNKS_PER_WORKER = 16

Item = str | Path
Speaker = str | Sequence[str] | None
#: The arguments of `_analyze_chunk`: (chunk, speaker, input_format, analyzer options, redact).
Task = tuple[list[tuple[int, Item]], Speaker, str | None, dict[str, Any], bool]
#: What a chunk gives back: (position, Report, or (error type, message)) per item.
ChunkResult = list[tuple[int, Report | tuple[str, str]]]


@dataclass(frozen=True)
class BatchError:
    """An item that could not be analysed; the batch goes on without it.

    Attributes:
        item: the input as given (path or text).
        error_type: the exception's class name, e.g. "InputError", "NotFrenchError".
        message: the exception's message.
    """

    item: Item
    error_type: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """The `error` object of a JSONL line."""
        return {"type": self.error_type, "message": self.message}


@dataclass(frozen=True)
class RunSummary:
    """What `analyze_to_jsonl` did: lines written (reports, errors) and sources skipped."""

    reports: int
    errors: int
    skipped: int


# ---------------------------------------------------------------------- worker side

_ANALYZERS: dict[bytes, Analyzer] = {}
_ANALYZERS_LOCK = threading.Lock()


def worker_analyzer(options: dict[str, Any]) -> Analyzer:
    """The Analyzer of this process for `options`, built on first use and then reused."""
    options = _without_defaults(options)
    if not options:
        return default_analyzer()
    key = pickle.dumps(sorted(options.items()))
    with _ANALYZERS_LOCK:
        if key not in _ANALYZERS:
            _ANALYZERS[key] = Analyzer(**options)
        return _ANALYZERS[key]


def _analyze_chunk(
    chunk: list[tuple[int, Item]], speaker: Speaker, input_format: str | None, options: dict[str, Any],
    redact: bool = False,
) -> ChunkResult:
    """Analyse a chunk; a failing item gives (error_type, message), bad options fail the chunk."""
    analyzer = worker_analyzer(options)
    out: ChunkResult = []
    for index, item in chunk:
        try:
            out.append((index, _analyze_item(analyzer, item, speaker, input_format, redact)))
        except Exception as exc:  # one bad transcript must not stop the batch
            message = _message(exc)
            if redact and (isinstance(item, Path) or _looks_like_path(item)):
                message = redact_message(message, item)
            out.append((index, (type(exc).__name__, message)))
    return out


def _message(exc: Exception) -> str:
    """A clientlens error's message (written to be safe); any other error's as a short excerpt,
    since it may quote the transcript."""
    return str(exc) if isinstance(exc, ClientlensError) else excerpt(str(exc))


def _analyze_item(
    analyzer: Analyzer, item: Item, speaker: Speaker, input_format: str | None, redact: bool
) -> Report:
    if isinstance(item, Path) or _looks_like_path(item):
        return analyzer.analyze_file(item, speaker, input_format, redact=redact)
    if not isinstance(item, str):
        raise InputError(f"expected a text or a path, got {type(item).__name__}")
    return analyzer.analyze(item, speaker, redact=redact)


def _looks_like_path(item: object) -> bool:
    """An existing file, or one line ending in a transcript extension (a missing file, not a text)."""
    if not isinstance(item, str) or "\n" in item or len(item) > 4096:
        return False
    return os.path.isfile(item) or item.lower().endswith(TRANSCRIPT_EXTENSIONS)


# ---------------------------------------------------------------------- caller side


def iter_analyze(
    items: Sequence[Item],
    *,
    speaker: Speaker = None,
    n_jobs: int | None = None,
    batch_size: int | None = None,
    progress: bool = True,
    input_format: str | None = None,
    redact: bool = False,
    **analyzer_options: Any,
) -> Iterator[tuple[int, Report | BatchError]]:
    """Yield (position in `items`, result) as chunks finish, in completion order.

    Arguments as in `analyze_many`.
    """
    from joblib import effective_n_jobs
    from tqdm.auto import tqdm

    _check_options(analyzer_options)
    items = list(items)
    if not items:
        return
    workers = effective_n_jobs(n_jobs)
    size = batch_size or _auto_batch_size(len(items), workers)
    numbered = list(enumerate(items))
    if workers > 1:  # longest first: no long transcript left alone at the end
        numbered.sort(key=lambda pair: -_cost(pair[1]))
    chunks = [numbered[i : i + size] for i in range(0, len(numbered), size)]
    tasks: list[Task] = [(c, speaker, input_format, analyzer_options, redact) for c in chunks]
    with _results(tasks, n_jobs, workers) as results, \
            tqdm(total=len(items), disable=not progress, unit="transcript", file=sys.stderr) as bar:
        for done in results:
            for index, result in done:
                yield index, result if isinstance(result, Report) else BatchError(items[index], *result)
            bar.update(len(done))


@contextmanager
def _results(tasks: list[Task], n_jobs: int | None, workers: int) -> Iterator[Iterable[ChunkResult]]:
    """Chunk results in completion order: from workers forked from this process once it has loaded
    the Analyzer (see the module docstring), else from joblib."""
    if workers > 1 and len(tasks) > 1 and _can_fork():
        worker_analyzer(tasks[0][3])  # loaded once, here: the forked workers inherit it
        gc.freeze()  # the workers' garbage collector then leaves the loaded objects' pages shared
        try:
            with multiprocessing.get_context("fork").Pool(min(workers, len(tasks))) as pool:
                yield pool.imap_unordered(_analyze_task, tasks)
        finally:
            gc.unfreeze()
        return
    from joblib import delayed

    yield _parallel(n_jobs)(delayed(_analyze_chunk)(*task) for task in tasks)


def _can_fork() -> bool:
    """Whether workers may be forked from this process: on Linux (fork is unsafe on macOS and
    absent on Windows), outside a pool worker, and under joblib's default backend (a
    `parallel_config(backend=...)` of the caller, Dask for instance, is obeyed)."""
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return False
    if multiprocessing.current_process().daemon:  # already a pool worker: no nested pool
        return False
    from joblib.parallel import get_active_backend

    return type(get_active_backend()[0]).__name__ == "LokyBackend"


def _analyze_task(task: Task) -> ChunkResult:
    """`_analyze_chunk` of one task, in a forked worker."""
    return _analyze_chunk(*task)


def analyze_many(
    items: Iterable[Item],
    *,
    speaker: Speaker = None,
    n_jobs: int | None = None,
    batch_size: int | None = None,
    progress: bool = True,
    input_format: str | None = None,
    redact: bool = False,
    **analyzer_options: Any,
) -> list[Report | BatchError]:
    """Analyse many texts or transcript files, in parallel, results in input order.

    A `pathlib.Path`, or a `str` naming an existing file (or a one-line str ending in .txt,
    .md, .vtt, .srt, .docx or .json), is read with `analyze_file`; any other `str` is analysed
    as text. An item that fails gives a `BatchError` in its place instead of stopping the batch.

    Args:
        items: texts and/or paths.
        speaker: the speaker(s) to score in every transcript (None: all speech).
        n_jobs: worker processes; None follows `joblib.parallel_config` (sequential by default,
            every Dask worker thread under `parallel_config(backend="dask")`), -1 uses all cores.
        batch_size: items per task; by default about 16 tasks per worker, at most 16 items;
            with several workers, the largest items go first.
        progress: show a tqdm progress bar on stderr.
        input_format: format of every path item, overriding its extension.
        redact: pseudonymise person and speaker names in every report (as `analyze`).
        **analyzer_options: keyword arguments of `Analyzer` (lexicon_files, use_classifier, go,
            walk_away, ...); each worker process builds one Analyzer with them and reuses it.

    Example:
        >>> import joblib
        >>> with joblib.parallel_config(backend="loky", n_jobs=2):  # doctest: +SKIP
        ...     reports = analyze_many(["DG : Nos clients sont nos partenaires.", Path("a.vtt")])
    """
    items = list(items)
    results: list[Report | BatchError | None] = [None] * len(items)
    for index, result in iter_analyze(
        items, speaker=speaker, n_jobs=n_jobs, batch_size=batch_size, progress=progress,
        input_format=input_format, redact=redact, **analyzer_options,
    ):
        results[index] = result
    return results  # type: ignore[return-value]  # every slot is filled


def analyze_to_jsonl(
    paths: Sequence[str | Path],
    out: str | Path | IO[str],
    *,
    speaker: Speaker = None,
    n_jobs: int | None = None,
    batch_size: int | None = None,
    progress: bool = True,
    input_format: str | None = None,
    redact: bool = False,
    **analyzer_options: Any,
) -> RunSummary:
    """Append one JSON line per transcript to `out` as each finishes; resumable.

    Lines are `{"source": PATH, "report": {...}}` (docs/schema.md) or
    `{"source": PATH, "error": {"type": ..., "message": ...}}`. Sources already in the file
    (as the same absolute path) are skipped, so a rerun after an interruption does only the
    rest; a line cut by the interruption is dropped and redone. An open text stream (stdout)
    is written without resume.
    """
    if isinstance(out, str | Path):
        out = Path(out)
        done = _done_sources(out)
        written = (lambda p: _key(redacted_source(p))) if redact else _key  # how a source appears in `out`
        todo = [p for p in paths if written(p) not in done and _key(p) != _key(out)]
        with out.open("a", encoding="utf-8") as stream:
            summary = _write(todo, stream, speaker, n_jobs, batch_size, progress, input_format, redact,
                             analyzer_options)
    else:
        todo = list(paths)
        summary = _write(todo, out, speaker, n_jobs, batch_size, progress, input_format, redact, analyzer_options)
    return RunSummary(summary.reports, summary.errors, len(paths) - len(todo))


def expand_sources(pattern: str | Path) -> list[Path]:
    """Transcript files of a directory (sorted, by extension), a glob pattern, or one file.

    Raises:
        InputError: nothing matches.
    """
    path = Path(pattern)
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TRANSCRIPT_EXTENSIONS)
        if not found:
            raise InputError(f"no transcript ({', '.join(TRANSCRIPT_EXTENSIONS)}) in directory {path}")
        return found
    if path.is_file():
        return [path]
    found = sorted(Path(p) for p in glob.glob(str(pattern), recursive=True) if os.path.isfile(p))
    if not found:
        raise InputError(f"no such file, directory or matching file: {pattern}")
    return found


def is_batch_source(pattern: str) -> bool:
    """True for a directory or a glob pattern (not an existing file)."""
    return os.path.isdir(pattern) or (not os.path.isfile(pattern) and glob.has_magic(pattern))


# ---------------------------------------------------------------------- helpers


def _parallel(n_jobs: int | None) -> Parallel:
    from joblib import Parallel

    try:
        return Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    except ValueError:  # a backend without callbacks (multiprocessing) returns lists only
        return Parallel(n_jobs=n_jobs)


def _cost(item: Item) -> int:
    """Rough analysis cost of an item: its size in characters or bytes."""
    if isinstance(item, str) and not _looks_like_path(item):
        return len(item)
    try:
        return os.path.getsize(item)
    except (OSError, TypeError, ValueError):
        return 0


def _auto_batch_size(n_items: int, workers: int) -> int:
    """Items per chunk: all of them (up to MAX_AUTO_BATCH) for one worker, else about
    CHUNKS_PER_WORKER chunks per worker."""
    workers = max(1, workers)
    if workers == 1:
        return min(n_items, MAX_AUTO_BATCH)
    return max(1, min(MAX_AUTO_BATCH, math.ceil(n_items / (workers * CHUNKS_PER_WORKER))))


def _check_options(options: dict[str, Any]) -> None:
    """Fail fast on a misspelt Analyzer option rather than once per item in every worker."""
    accepted = set(inspect.signature(Analyzer.__init__).parameters) - {"self"}
    unknown = sorted(set(options) - accepted)
    if unknown:
        raise TypeError(f"unknown Analyzer option(s): {', '.join(unknown)}; accepted: {', '.join(sorted(accepted))}")


def _without_defaults(options: dict[str, Any]) -> dict[str, Any]:
    """Options that differ from Analyzer's defaults, so default settings share `default_analyzer()`."""
    defaults = {k: p.default for k, p in inspect.signature(Analyzer.__init__).parameters.items()}
    return {k: v for k, v in options.items() if not _same(v, defaults.get(k, inspect.Parameter.empty))}


def _same(value: Any, default: Any) -> bool:
    if isinstance(default, tuple) and isinstance(value, list | tuple):
        return tuple(value) == default
    return value is default or (isinstance(value, str | int | float | bool) and value == default)


def _key(path: str | Path) -> str:
    return os.path.abspath(path)


def _done_sources(out: Path) -> set[str]:
    """Sources already written to `out`; a last line cut mid-write is removed from the file."""
    if not out.exists():
        return set()
    data = out.read_bytes()
    if data and not data.endswith(b"\n"):
        data = data[: data.rfind(b"\n") + 1]
        out.write_bytes(data)
    done = set()
    for line in data.decode("utf-8").splitlines():
        try:
            source = json.loads(line).get("source")
        except (json.JSONDecodeError, AttributeError):
            continue
        if source:
            done.add(_key(source))
    return done


def _write(
    paths: list[str | Path], stream: IO[str], speaker: Speaker, n_jobs: int | None, batch_size: int | None,
    progress: bool, input_format: str | None, redact: bool, options: dict[str, Any],
) -> RunSummary:
    counts = {"reports": 0, "errors": 0}
    for index, result in iter_analyze(
        [Path(p) for p in paths], speaker=speaker, n_jobs=n_jobs, batch_size=batch_size, progress=progress,
        input_format=input_format, redact=redact, **options,
    ):
        line: dict[str, Any] = {"source": redacted_source(paths[index]) if redact else str(paths[index])}
        if isinstance(result, Report):
            line["report"] = result.to_dict()
            counts["reports"] += 1
        else:
            line["error"] = result.to_dict()
            counts["errors"] += 1
        stream.write(json.dumps(line, ensure_ascii=False) + "\n")
        stream.flush()
    return RunSummary(counts["reports"], counts["errors"], 0)
