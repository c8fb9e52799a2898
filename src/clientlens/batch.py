"""Batches: many transcripts in worker processes, resumable JSONL.

Locally on Linux, under joblib's default backend (loky), the parent builds the Analyzer once
and forks its workers, which share it: a batch costs one load plus the analyses. Under any
other joblib backend (`parallel_config(backend="dask")` on a cluster, threads), and on macOS
and Windows, where forking a loaded process is unsafe or impossible, joblib runs the chunks and
each worker process builds its Analyzer once and keeps it for every chunk it receives.
joblib and tqdm are imported on first use: `clientlens analyze FILE` needs neither.
"""

from __future__ import annotations

import contextlib
import gc
import glob
import json
import math
import multiprocessing
import os
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from clientlens.errors import ClientlensError, InputError, excerpt
from clientlens.io.read import EXTENSION_FORMATS
from clientlens.manifest import read_manifest
from clientlens.options import AnalysisOptions
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
#: Code of an item's error that is not a ClientlensError (a bug, not bad input).
INTERNAL_ERROR = "internal_error"


@dataclass(frozen=True)
class Job:
    """One transcript of a batch: the item (text or path), how to analyse it, and its id
    (a manifest's; None: the item names it)."""

    item: Item
    options: AnalysisOptions
    id: str | None = None


#: What a task gives back: (position, Report, or (error type, message, code)) per job.
ChunkResult = list[tuple[int, Report | tuple[str, str, str]]]


@dataclass(frozen=True)
class BatchError:
    """An item that could not be analysed; the batch goes on without it.

    Attributes:
        item: the input as given (path or text).
        error_type: the exception's class name, e.g. "InputError", "NotFrenchError".
        message: the exception's message.
        code: the stable code of the error (`ClientlensError.code`; "internal_error" otherwise).
        id: the item's manifest id, if any.
        speaker: the speaker(s) asked for this item (None: all speech).
    """

    item: Item
    error_type: str
    message: str
    code: str = INTERNAL_ERROR
    id: str | None = None
    speaker: tuple[str, ...] | None = None

    @property
    def source(self) -> str | None:
        """The item's path as a string; None for a text item."""
        return str(self.item) if isinstance(self.item, Path) or _looks_like_path(self.item) else None

    def to_dict(self) -> dict[str, str]:
        """The error object of the JSON contract, plus the exception's type."""
        return {"code": self.code, "message": self.message, "type": self.error_type}


@dataclass(frozen=True)
class RunSummary:
    """What `analyze_to_jsonl` did: lines written (reports, errors), items skipped because
    already done, and items retried because they had failed before."""

    reports: int
    errors: int
    skipped: int
    retried: int = 0

    def describe(self, where: str | Path | None = None) -> str:
        """One line for the user, e.g. "3 analysed, 1 failed to out.jsonl; 2 skipped (already
        there); 1 retried (failed before)"."""
        text = f"{self.reports} analysed, {self.errors} failed" + (f" to {where}" if where else "")
        if self.skipped:
            text += f"; {self.skipped} skipped (already there)"
        if self.retried:
            text += f"; {self.retried} retried (failed before)"
        return text


# ---------------------------------------------------------------------- worker side

_ANALYZERS: dict[tuple[Any, ...], Analyzer] = {}
_ANALYZERS_LOCK = threading.Lock()
_DEFAULT_KEY = AnalysisOptions().analyzer_key()


def worker_analyzer(options: AnalysisOptions) -> Analyzer:
    """The Analyzer of this process for `options`, built on first use and then reused."""
    key = options.analyzer_key()
    if key == _DEFAULT_KEY:
        return default_analyzer()
    with _ANALYZERS_LOCK:
        if key not in _ANALYZERS:
            _ANALYZERS[key] = Analyzer(options=options)
        return _ANALYZERS[key]


def _analyze_chunk(chunk: list[tuple[int, Job]]) -> ChunkResult:
    """Analyse a chunk; a failing job gives (error_type, message, code), bad options fail the chunk."""
    out: ChunkResult = []
    for index, job in chunk:
        analyzer = worker_analyzer(job.options)
        try:
            out.append((index, _analyze_item(analyzer, job.item, job.options)))
        except Exception as exc:  # one bad transcript must not stop the batch
            code = exc.code if isinstance(exc, ClientlensError) else INTERNAL_ERROR
            message = _message(exc)
            if job.options.redact and _is_path(job.item):
                message = redact_message(message, job.item)
            out.append((index, (type(exc).__name__, message, code)))
    return out


def _message(exc: Exception) -> str:
    """A clientlens error's message (written to be safe); any other error's as a short excerpt,
    since it may quote the transcript."""
    return str(exc) if isinstance(exc, ClientlensError) else excerpt(str(exc))


def _analyze_item(analyzer: Analyzer, item: Item, options: AnalysisOptions) -> Report:
    speaker = list(options.speaker) if options.speaker is not None else None
    if isinstance(item, Path) or _looks_like_path(item):
        return analyzer.analyze_file(item, speaker, options.input_format, redact=options.redact, **options.reading())
    if not isinstance(item, str):
        raise InputError(f"expected a text or a path, got {type(item).__name__}")
    return analyzer.analyze(item, speaker, redact=options.redact)


def _looks_like_path(item: object) -> bool:
    """An existing file, or one line ending in a transcript extension (a missing file, not a text)."""
    if not isinstance(item, str) or "\n" in item or len(item) > 4096:
        return False
    return os.path.isfile(item) or item.lower().endswith(TRANSCRIPT_EXTENSIONS)


# ---------------------------------------------------------------------- caller side


def iter_analyze(
    items: Iterable[Item] = (),
    *,
    options: AnalysisOptions | None = None,
    manifest: str | Path | None = None,
    speaker: Speaker = None,
    n_jobs: int | None = None,
    batch_size: int | None = None,
    progress: bool = True,
    input_format: str | None = None,
    redact: bool = False,
    **analyzer_options: Any,
) -> Iterator[tuple[int, Report | BatchError]]:
    """Yield (position in `plan(...)`'s job list, result) as chunks finish, in completion order.

    Arguments as in `analyze_many`.
    """
    jobs = plan(items, _options(options, speaker, input_format, redact, analyzer_options), manifest)
    yield from run_jobs(jobs, n_jobs=n_jobs, batch_size=batch_size, progress=progress)


def plan(items: Iterable[Item], options: AnalysisOptions, manifest: str | Path | None = None) -> list[Job]:
    """The jobs of a batch: each item (a directory or a glob pattern stands for its transcript
    files, sorted, in its place), then each manifest row with its own speaker and id.

    Raises:
        InputError: a directory without transcripts, or a bad manifest.
    """
    jobs = [Job(path, options) for item in items for path in _expand(item)]
    for row in read_manifest(manifest) if manifest is not None else ():
        jobs.append(Job(row.file, replace(options, speaker=row.speaker or options.speaker), row.id))
    return jobs


def run_jobs(
    jobs: Sequence[Job], *, n_jobs: int | None = None, batch_size: int | None = None, progress: bool = True,
) -> Iterator[tuple[int, Report | BatchError]]:
    """Yield (position in `jobs`, result) as chunks finish, in completion order."""
    from joblib import effective_n_jobs
    from tqdm.auto import tqdm

    if not jobs:
        return
    workers = effective_n_jobs(n_jobs)
    size = batch_size or _auto_batch_size(len(jobs), workers)
    numbered = list(enumerate(jobs))
    if workers > 1:  # longest first: no long transcript left alone at the end
        numbered.sort(key=lambda pair: -_cost(pair[1].item))
    tasks = [numbered[i : i + size] for i in range(0, len(numbered), size)]
    with _results(tasks, n_jobs, workers) as results, \
            tqdm(total=len(jobs), disable=not progress, unit="transcript", file=sys.stderr) as bar:
        for done in results:
            for index, result in done:
                yield index, result if isinstance(result, Report) else _batch_error(jobs[index], result)
            bar.update(len(done))


def _batch_error(job: Job, error: tuple[str, str, str]) -> BatchError:
    return BatchError(job.item, *error, id=job.id, speaker=job.options.speaker)


def _options(
    options: AnalysisOptions | None, speaker: Speaker, input_format: str | None, redact: bool,
    analyzer_options: dict[str, Any],
) -> AnalysisOptions:
    """One AnalysisOptions from `options` and the loose keyword arguments given alongside it."""
    return AnalysisOptions.build(options, speaker=speaker, input_format=input_format, redact=redact or None,
                                 **analyzer_options)


@contextmanager
def _results(tasks: list[list[tuple[int, Job]]], n_jobs: int | None, workers: int) -> Iterator[Iterable[ChunkResult]]:
    """Chunk results in completion order: from workers forked from this process once it has loaded
    the Analyzer (see the module docstring), else from joblib."""
    if workers > 1 and len(tasks) > 1 and _can_fork():
        for options in {job.options.analyzer_key(): job.options for task in tasks for _, job in task}.values():
            worker_analyzer(options)  # loaded once, here: the forked workers inherit it
        gc.freeze()  # the workers' garbage collector then leaves the loaded objects' pages shared
        try:
            with multiprocessing.get_context("fork").Pool(min(workers, len(tasks))) as pool:
                yield pool.imap_unordered(_analyze_task, tasks)
        finally:
            gc.unfreeze()
        return
    from joblib import delayed

    yield _parallel(n_jobs)(delayed(_analyze_chunk)(task) for task in tasks)


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


def _analyze_task(task: list[tuple[int, Job]]) -> ChunkResult:
    """`_analyze_chunk` of one task, in a forked worker."""
    return _analyze_chunk(task)


def analyze_many(
    items: Iterable[Item] = (),
    *,
    options: AnalysisOptions | None = None,
    manifest: str | Path | None = None,
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
    .md, .vtt, .srt, .docx, .pdf, .html or .json), is read with `analyze_file`; a directory, or a glob
    pattern that matches files, stands for its transcript files (sorted) in its place; any
    other `str` is analysed as text. An item that fails gives a `BatchError` in its place
    instead of stopping the batch.

    Args:
        items: texts, paths, directories and/or glob patterns.
        options: the analysis options (`AnalysisOptions`); the keyword arguments below that
            are given override them.
        manifest: a CSV of file, speaker and optional id (see clientlens.manifest): its rows
            come after `items`, each file scored for its own speaker.
        speaker: the speaker(s) to score in every transcript (None: all speech).
        n_jobs: worker processes; None follows `joblib.parallel_config` (sequential by default,
            every Dask worker thread under `parallel_config(backend="dask")`), -1 uses all cores.
        batch_size: items per task; by default about 16 tasks per worker, at most 16 items;
            with several workers, the largest items go first.
        progress: show a tqdm progress bar on stderr.
        input_format: format of every path item, overriding its extension.
        redact: pseudonymise person and speaker names in every report (as `analyze`).
        **analyzer_options: the other fields of `AnalysisOptions` (lexicon_files,
            use_classifier, go, walk_away); each worker process builds one Analyzer with them
            and reuses it.

    Raises:
        OptionsError: invalid options (e.g. walk_away not below go), before anything runs.
        InputError: a directory without transcripts, or a bad manifest.
        TypeError: an unknown option.

    Example:
        >>> import joblib
        >>> with joblib.parallel_config(backend="loky", n_jobs=2):  # doctest: +SKIP
        ...     reports = analyze_many(["DG : Nos clients sont nos partenaires.", Path("a.vtt")])
    """
    jobs = plan(items, _options(options, speaker, input_format, redact, analyzer_options), manifest)
    _check_analyzer(jobs)
    results: list[Report | BatchError | None] = [None] * len(jobs)
    for index, result in run_jobs(jobs, n_jobs=n_jobs, batch_size=batch_size, progress=progress):
        results[index] = result
    return results  # type: ignore[return-value]  # every slot is filled


def analyze_to_jsonl(
    paths: Iterable[str | Path],
    out: str | Path | IO[str],
    *,
    options: AnalysisOptions | None = None,
    manifest: str | Path | None = None,
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
    `{"source": PATH, "error": {"code": ..., "message": ..., "type": ...}}`, with `"id"` for
    manifest rows that have one. On a rerun into the same file, items already reported (the
    same id, else the same absolute path) are skipped, and items that failed are retried: their
    failure lines are removed and new lines appended, so a rerun after an interruption or a fix
    does only what is left; a line cut by an interruption is dropped and redone. An open text
    stream (stdout) is written without resume. Arguments as in `analyze_many`.
    """
    jobs = plan([Path(p) for p in paths], _options(options, speaker, input_format, redact, analyzer_options),
                manifest)
    _check_analyzer(jobs)
    if not isinstance(out, str | Path):
        return _write(jobs, out, n_jobs, batch_size, progress)
    out = Path(out)
    done, failed = _resume_state(out)
    todo = [j for j in jobs if job_key(j) not in done and job_key(j) != _key(out)]
    retried = {job_key(j) for j in todo} & failed
    if retried:
        _drop_failures(out, retried)
    with out.open("a", encoding="utf-8") as stream:
        summary = _write(todo, stream, n_jobs, batch_size, progress)
    return replace(summary, skipped=len(jobs) - len(todo), retried=len(retried))


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


def _expand(item: Item) -> list[Item]:
    """A directory's transcripts; a glob pattern's files when it matches some; else the item."""
    if isinstance(item, Path) or _looks_like_pattern(item):
        if os.path.isdir(item):
            return list(expand_sources(item))
        if not os.path.exists(item) and glob.has_magic(str(item)):
            found = sorted(Path(p) for p in glob.glob(str(item), recursive=True) if os.path.isfile(p))
            return list(found) or [item]
    return [item]


def _looks_like_pattern(item: object) -> bool:
    return isinstance(item, str) and "\n" not in item and 0 < len(item) <= 4096


def _check_analyzer(jobs: Sequence[Job]) -> None:
    """Fail fast on options that cannot build an Analyzer (a malformed lexicon file) rather
    than once per item in every worker: builds the Analyzer here, where the workers reuse it."""
    for options in {job.options.analyzer_key(): job.options for job in jobs}.values():
        worker_analyzer(options)


def job_key(job: Job) -> str:
    """What names a job in a JSONL file: its id, else its absolute path."""
    if job.id is not None:
        return f"id:{job.id}"
    return _key(_source(job))


def _is_path(item: object) -> bool:
    return isinstance(item, Path) or _looks_like_path(item)


def _source(job: Job) -> str:
    """The job's source as its JSON line writes it: redacted (redact.redacted_source) when the
    options redact and the item is a file, so that no file name reaches the output."""
    return redacted_source(job.item) if job.options.redact and _is_path(job.item) else str(job.item)


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


def _key(path: str | Path) -> str:
    return os.path.abspath(path)


def _line_key(line: str) -> tuple[str | None, bool]:
    """The key of a JSONL line (see job_key) and whether it reports a failure; (None, _) if unreadable."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None, False
    if not isinstance(data, dict):
        return None, False
    if data.get("id") is not None:
        return f"id:{data['id']}", "error" in data
    source = data.get("source")
    return (_key(source) if isinstance(source, str) and source else None), "error" in data


def _resume_state(out: Path) -> tuple[set[str], set[str]]:
    """Keys of the items `out` reports (done) and of those it has only failures for (failed);
    a last line cut mid-write is removed from the file."""
    if not out.exists():
        return set(), set()
    data = out.read_bytes()
    if data and not data.endswith(b"\n"):
        data = data[: data.rfind(b"\n") + 1]
        out.write_bytes(data)
    done: set[str] = set()
    failed: set[str] = set()
    for line in data.decode("utf-8").splitlines():
        key, is_failure = _line_key(line)
        if key is not None:
            (failed if is_failure else done).add(key)
    return done, failed - done


def _drop_failures(out: Path, keys: set[str]) -> None:
    """Rewrite `out` without the failure lines of `keys` (atomically: a crash keeps the old file)."""
    kept = []
    for line in out.read_text("utf-8").splitlines(keepends=True):
        key, is_failure = _line_key(line)
        if not (is_failure and key in keys):
            kept.append(line)
    write_atomic(out, "".join(kept))


def write_atomic(path: str | Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename, so that
    readers see the old content or the new, never a part."""
    path = Path(path)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def jsonl_line(job: Job, result: Report | BatchError) -> dict[str, Any]:
    """The JSON line of one batch result (docs/schema.md)."""
    line: dict[str, Any] = {"source": _source(job)}
    if job.id is not None:
        line["id"] = job.id
    if isinstance(result, Report):
        line["report"] = result.to_dict()
    else:
        line["error"] = result.to_dict()
    return line


def _write(
    jobs: Sequence[Job], stream: IO[str], n_jobs: int | None, batch_size: int | None, progress: bool,
) -> RunSummary:
    counts = {"reports": 0, "errors": 0}
    for index, result in run_jobs(jobs, n_jobs=n_jobs, batch_size=batch_size, progress=progress):
        counts["reports" if isinstance(result, Report) else "errors"] += 1
        stream.write(json.dumps(jsonl_line(jobs[index], result), ensure_ascii=False) + "\n")
        stream.flush()
    return RunSummary(counts["reports"], counts["errors"], 0)
