"""The analysis inside one worker process: models loaded once, one analysis at a time, a time limit.

Concurrency, justified: the Analyzer (spaCy pipeline, lexicon matcher, numpy classifier, caches)
is not documented thread-safe, and its work is CPU-bound Python that holds the GIL, so threads
would add no throughput. Each worker process therefore runs its analyses one at a time, on one
dedicated thread (`ThreadPoolExecutor(max_workers=1)`: the executor is the lock), which keeps
the event loop free to answer /v1/health and to refuse requests while an analysis runs.
Throughput comes from `--workers N` processes, each with its own models (about 260 MB each).
A process pool inside each worker would allow killing an analysis at its time limit, but would
hold a second copy of the models and copy every report between processes.

The time limit bounds how long a client waits (queueing included): a request still queued at
its limit is cancelled and never runs; one already running cannot be interrupted (a thread
cannot be killed) and finishes in the background before the next one starts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from clientlens.comparison import Comparison, compare
from clientlens.errors import ClientlensError
from clientlens.io.read import read_bytes
from clientlens.pipeline import Analyzer
from clientlens.report import Report
from clientlens.service.problems import ServiceError
from clientlens.service.requests import AnalyzeJob, CompareJob
from clientlens.team import TeamReport, analyze_team

T = TypeVar("T")
#: A short French text analysed (and redacted) at start-up, so that the first request finds
#: every model, the named-entity recogniser and the caches warm.
WARM_UP = "Directrice : Nous rappelons chaque client le jour même, Mme Martin y veille."
#: Analyzer variants (lexicon-only, other thresholds) kept per worker; they share the loaded models.
MAX_VARIANTS = 16


class Engine:
    """The loaded Analyzer of this worker and the one thread that runs analyses on it."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clientlens-analysis")
        self._variants: dict[tuple[bool, float | None, float | None], Analyzer] = {}

    def start(self) -> None:
        """Load the models and warm them up (blocking: called once, at start-up)."""
        self._executor.submit(self._warm_up).result()

    def stop(self) -> None:
        """Let a running analysis finish, drop queued ones."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    @property
    def analyzer(self) -> Analyzer:
        """The default Analyzer (bundled lexicons and model)."""
        return self._variants[(False, None, None)]

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """`work(*args)` on the analysis thread, within the time limit; library errors become answers."""
        future = asyncio.get_running_loop().run_in_executor(self._executor, work, *args)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            raise ServiceError(503, "timeout", f"the analysis did not finish within {self.timeout:g} s "
                                               "(clientlens serve --timeout raises the limit)") from None
        except ClientlensError as exc:
            raise ServiceError.of_library(exc) from None

    def analyze(self, job: AnalyzeJob) -> Report:
        """Read and analyse one job (on the analysis thread)."""
        options = job.options
        analyzer = self._variant(options.lexicon_only, options.go, options.walk_away)
        transcript = read_bytes(job.data, job.input_format, source=job.source)
        return analyzer.analyze_transcript(transcript, options.speaker, redact=options.redact)

    def team(self, job: AnalyzeJob) -> TeamReport:
        """Read one meeting and analyse its leadership team (on the analysis thread)."""
        options = job.options
        transcript = read_bytes(job.data, job.input_format, source=job.source)
        chosen = {k: v for k, v in (("critical_mass", options.critical_mass),
                                    ("min_respectful", options.min_respectful)) if v is not None}
        return analyze_team(transcript, options.leader, language=options.language, analyzer=self.analyzer, **chosen)

    def compare(self, job: CompareJob) -> Comparison:
        """Read every transcript, then score each one's speaker and sort them (on the analysis thread).

        A transcript that cannot be read fails the request (the client sent it), with its place
        in the message; one that reads but cannot be scored (not French, unknown speaker) is a
        row with its error, as in `clientlens compare`.
        """
        transcripts = []
        for n, entry in enumerate(job.entries):
            try:
                transcripts.append(read_bytes(entry.data, entry.input_format, source=entry.source))
            except ClientlensError as exc:
                error = ServiceError.of_library(exc)
                raise ServiceError(error.status, error.code, f"transcripts.{n}: {error.message}",
                                   **error.extra) from None
        return compare(transcripts, speakers=[e.speaker for e in job.entries], labels=[e.name for e in job.entries],
                       language=job.options.language, analyzer=self.analyzer)

    def _warm_up(self) -> None:
        self._variants[(False, None, None)] = Analyzer()
        self.analyzer.analyze(WARM_UP, redact=True)

    def _variant(self, lexicon_only: bool, go: float | None, walk_away: float | None) -> Analyzer:
        key = (lexicon_only, go, walk_away)
        if key not in self._variants:
            if len(self._variants) >= MAX_VARIANTS:
                self._variants = {(False, None, None): self.analyzer}
            base = self.analyzer
            self._variants[key] = Analyzer(lexicon=base.lexicon, classifier=base.classifier,
                                           use_classifier=not lexicon_only, go=go, walk_away=walk_away,
                                           spacy_model=base.spacy_model)
        return self._variants[key]
