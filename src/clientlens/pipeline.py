"""The analysis pipeline: transcript -> spaCy docs -> evidence -> index -> Report."""

from __future__ import annotations

import sys
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from spacy.tokens import Doc

from clientlens._version import __version__
from clientlens.assemble import assemble
from clientlens.classifier.features import CONTEXT_SENTENCES, SentenceClassifier, SentenceInput, sentence_input
from clientlens.classifier.linear import default_classifier
from clientlens.context.echo import RecentWords, echo_settings
from clientlens.context.finder import EvidenceFinder
from clientlens.context.words import load_context_words
from clientlens.errors import ClientlensError, InputError, SpeakerNotFoundError
from clientlens.index import IndexModel, Score, load_index_model, verdict
from clientlens.io.plain import normalize_name, parse_text
from clientlens.io.read import read_file
from clientlens.io.transcript import Transcript, Turn
from clientlens.lexicon.entries import default_lexicon_files
from clientlens.lexicon.matcher import Lexicon, known_lemmas, load_lexicon
from clientlens.options import AnalysisOptions
from clientlens.records import Evidence, Sentence, SpeakerSummary
from clientlens.redact import redact_error, redact_report
from clientlens.report import Report
from clientlens.roles import NOT_SCORED_ROLES, not_scored, speaker_roles
from clientlens.text.nlp import DEFAULT_MODEL, UNUSED_COMPONENTS, LanguageTally, fold, lemmas, load_nlp
from clientlens.text.units import Paragraph, parse_transcript, parsed_paragraph, whole_text_unit

#: Fragments shorter than this (« Bon. », « Voilà. ») get scores but no label: the corpus
#: has no sentence under five words, so the classifier has never seen one.
MIN_CLASSIFIED_WORDS = 4


#: Seconds an analysis runs before its progress bar (`progress=True`) appears.
PROGRESS_DELAY = 1.0


#: Sentences classified at once: bounds the classifier inputs and feature matrices kept in memory.
CLASSIFY_BATCH = 2000


@dataclass
class _Collected:
    """What the analysis keeps of a transcript once its Docs are gone: one entry per sentence."""

    sentences: list[Sentence] = field(default_factory=list)
    turns: list[int] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    inputs: list[SentenceInput] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


class Analyzer:
    """Holds the loaded resources (spaCy pipeline, lexicon, classifier, index model).

    Build one and reuse it: every resource is loaded once. `clientlens.analyze` uses a
    shared default Analyzer.

    Args:
        lexicon: a Lexicon; by default the bundled one plus `lexicon_files`.
        lexicon_files: extra user lexicon files (JSONL) added to the bundled ones.
        classifier: a SentenceClassifier; by default the bundled model, if any.
        use_classifier: False for lexicon-only mode (the report says so); `classifier` is then ignored.
        index_model: index parameters; by default models/index.json.
        go, walk_away: verdict thresholds overriding the index model's (0..100, walk_away < go).
        spacy_model: name of the spaCy pipeline.
        options: the same settings as one `AnalysisOptions` (lexicon_files, use_classifier,
            go, walk_away); keyword arguments given alongside override it.

    Raises:
        OptionsError: a threshold out of 0..100, or walk_away not below go (the index
            model's threshold when only one is given).
    """

    def __init__(
        self,
        *,
        lexicon: Lexicon | None = None,
        lexicon_files: Sequence[str | Path] = (),
        classifier: SentenceClassifier | None = None,
        use_classifier: bool = True,
        index_model: IndexModel | None = None,
        go: float | None = None,
        walk_away: float | None = None,
        spacy_model: str = DEFAULT_MODEL,
        options: AnalysisOptions | None = None,
    ) -> None:
        self.options = options = AnalysisOptions.build(
            options, lexicon_files=lexicon_files or None, use_classifier=None if use_classifier else False,
            go=go, walk_away=walk_away,
        )
        self.index_model = (index_model or load_index_model()).with_thresholds(options.go, options.walk_away)
        self.nlp = load_nlp(spacy_model)
        self.spacy_model = spacy_model
        self.lexicon = lexicon or load_lexicon(extra_files=options.lexicon_files)
        self.lexicon_files = list(options.lexicon_files)
        self.classifier = (classifier or default_classifier()) if options.use_classifier else None
        self.finder = EvidenceFinder(self.lexicon, known_lemmas(self.nlp), load_context_words(), *echo_settings())
        self.lemmas = lemmas(self.nlp)
        # Entries from the caller's lexicon files count in full whatever `lexicon_weight` says
        # (assemble.weigh_lexicon): the classifier has never read them.
        bundled = tuple(f"{path}:" for path in default_lexicon_files())
        self._own_terms = frozenset((e.term, e.family) for e in self.lexicon.entries
                                    if not e.origin.startswith(bundled))

    # ------------------------------------------------------------------ public verbs

    def analyze(
        self, text: str, speaker: str | Sequence[str] | None = None, *, redact: bool = False,
        max_bytes: int | None = None,
    ) -> Report:
        """Analyse a text (plain or speaker-labelled); `redact` pseudonymises names (see redact.py);
        `max_bytes` raises the size limit (in characters here; see `analyze_file`)."""
        if not isinstance(text, str):
            raise InputError(f"analyze() takes a str, got {type(text).__name__}; use analyze_file for paths")
        return self.analyze_transcript(parse_text(text, max_bytes=max_bytes), speaker, redact=redact)

    def analyze_file(
        self, path: str | Path, speaker: str | Sequence[str] | None = None, input_format: str | None = None,
        *, redact: bool = False, encoding: str | None = None, decode_errors: str = "replace",
        max_bytes: int | None = None, progress: bool = False,
    ) -> Report:
        """Analyse a transcript file (.txt, .md, .vtt, .srt, .docx, .json; `input_format` overrides
        the extension).

        Args:
            encoding: force the file's encoding (default: detected, see clientlens.io.decode).
            decode_errors: "replace" invalid bytes by U+FFFD and say where in the warnings, or
                "strict": refuse the file with an InputError naming the line.
            max_bytes: the size limit (default 20,000,000 bytes, or CLIENTLENS_MAX_BYTES).
            progress: a progress bar on stderr for a long analysis (see `analyze_transcript`).
        """
        try:
            transcript = read_file(path, input_format, encoding=encoding, decode_errors=decode_errors,
                                   max_bytes=max_bytes)
        except ClientlensError as exc:
            if redact:
                raise redact_error(exc, path) from None
            raise
        return self.analyze_transcript(transcript, speaker, redact=redact, progress=progress)

    def analyze_transcript(
        self, transcript: Transcript, speaker: str | Sequence[str] | None = None, *, redact: bool = False,
        progress: bool = False,
    ) -> Report:
        """Analyse an already read Transcript.

        Docs are parsed and mined one paragraph at a time and then dropped, and sentences are
        classified CLASSIFY_BATCH at a time, so memory grows with the number of sentences, not
        with spaCy's per-token data or the classifier's inputs. `progress` shows a progress bar
        on stderr (tqdm, in characters) once the analysis has taken more than a second.
        """
        try:
            scored = resolve_speakers(transcript, speaker)
            paragraphs = parse_transcript(self.nlp, transcript, self._needs_parse)
            with _progress_bar(len(transcript.text), progress) as advance:
                collected = self._collect(transcript, paragraphs, scored, advance)
        except ClientlensError as exc:
            if redact:
                raise redact_error(exc, transcript.source, transcript.speakers) from None
            raise
        report = self._report(transcript, collected, scored, speaker)
        return redact_report(report, transcript) if redact else report

    def analyze_speakers(
        self, transcript: Transcript, groups: Sequence[Sequence[str]], *, redact: bool = False
    ) -> list[Report]:
        """One Report per group of speaker labels, each the same as `analyze_transcript(transcript,
        group)`, with the transcript parsed and classified once (a team: one report per member).

        Raises:
            SpeakerNotFoundError: a group names nobody.
        """
        chosen = [resolve_speakers(transcript, list(g)) for g in groups]
        everyone = set().union(*chosen) if chosen else set()
        collected = self._collect(transcript, parse_transcript(self.nlp, transcript, self._needs_parse), everyone)
        reports = [self._report(transcript, collected, scored, list(g))
                   for scored, g in zip(chosen, groups, strict=True)]
        return [redact_report(r, transcript) for r in reports] if redact else reports

    def analyze_doc(self, doc: Doc, speaker: str | None = None) -> Report:
        """Analyse a Doc parsed by the caller's French pipeline, as one plain text.

        The Doc's own lemmas, POS, dependencies and sentences are used, so nothing is parsed
        again (this is what the `clientlens` spaCy component calls). Speaker labels in the
        text are not parsed: all of it is one turn, attributed to `speaker` when given.

        Raises:
            InputError: the Doc holds no text, or lacks lemmas, POS, dependencies or sentences.
            NotFrenchError: the text does not look like French.
        """
        text = doc.text
        if not text.strip():
            raise InputError("the input is empty")
        missing = [a for a in ("LEMMA", "POS", "DEP", "SENT_START") if not doc.has_annotation(a)]
        if missing and not (missing == ["SENT_START"] and doc.has_annotation("DEP")):
            raise InputError(
                f"the Doc lacks {', '.join(m.lower() for m in missing)} annotations: clientlens needs a "
                "pipeline with a morphologizer/tagger, a parser and a lemmatizer, such as fr_core_news_sm"
            )
        start = len(text) - len(text.lstrip())
        transcript = Transcript(text=text, turns=(Turn(speaker, start, len(text.rstrip())),))
        collected = self._collect(transcript, [parsed_paragraph(doc, transcript, self._needs_parse)], {speaker})
        report = self._report(transcript, collected, {speaker}, speaker)
        provenance = {**report.provenance, "spacy_model": "the caller's pipeline", "disabled_components": []}
        return replace(report, provenance=provenance)

    def sentence_inputs(self, texts: Sequence[str], contexts: Sequence[str] | None = None) -> list[SentenceInput]:
        """Classifier inputs for stand-alone sentences (training and evaluation corpora), with
        the text of the speaker's previous sentences when known (`contexts`).

        Each text is one unit, even when spaCy splits it in two, as its label covers it all.
        """
        contexts = contexts or [""] * len(texts)
        units = [whole_text_unit(self.nlp, text) for text in texts]
        todo = [i for i, u in enumerate(units) if self._needs_parse(u.forms)]
        hits: dict[int, list[Evidence]] = {i: [] for i in range(len(units))}
        for i, parsed in zip(todo, self.nlp.pipe((texts[i] for i in todo), batch_size=128), strict=True):
            hits[i] = self.finder.in_doc(parsed)
        return [sentence_input(u.sentence.text, u.content, hits[i], self.lemmas.of, contexts[i])
                for i, u in enumerate(units)]

    def _needs_parse(self, forms: Sequence[str]) -> bool:
        """Whether a sentence may hold a lexicon term, so that the rules need its parse."""
        return self.lexicon.may_match(forms, self.lemmas)

    # ------------------------------------------------------------------ stages

    def _collect(
        self, transcript: Transcript, paragraphs: Iterable[Paragraph], scored: set[str | None],
        progress: Callable[[Paragraph], None] | None = None,
    ) -> _Collected:
        """Classified sentences and lexicon evidence, one paragraph at a time (`progress` is
        called after each)."""
        out = _Collected()
        tally = LanguageTally()
        recent = RecentWords(transcript, self.finder.echo_lookback, self.lemmas)
        said: dict[str | None, deque[str]] = defaultdict(lambda: deque(maxlen=CONTEXT_SENTENCES))
        for paragraph in paragraphs:
            earlier = recent.before(paragraph.turn)
            for k, unit in enumerate(paragraph.units):
                following = paragraph.units[k + 1].content if k + 1 < len(paragraph.units) else ()
                hits = self.finder.in_unit(unit, len(out.sentences), transcript, earlier, following)
                if unit.sentence.speaker in scored:
                    tally.add(map(fold, unit.alpha))
                out.sentences.append(unit.sentence)
                out.turns.append(unit.turn)
                out.words.append(unit.words)
                before = said[unit.sentence.speaker]
                out.inputs.append(sentence_input(unit.sentence.text, unit.content, hits, self.lemmas.of,
                                                 " ".join(before)))
                before.append(unit.sentence.text)
                out.evidence.extend(hits)
                if len(out.inputs) >= CLASSIFY_BATCH:
                    self._classify(out)
            recent.add(paragraph)
            if progress is not None:
                progress(paragraph)
        self._classify(out)
        self._second_pass(out)
        tally.check()
        return out

    def _classify(self, collected: _Collected) -> None:
        """Classify the sentences whose inputs are pending, then drop the inputs: memory holds
        at most CLASSIFY_BATCH of them, however long the transcript."""
        inputs, collected.inputs = collected.inputs, []
        if self.classifier is None or not inputs:
            return
        first = len(collected.sentences) - len(inputs)
        predictions = self.classifier.predict(inputs)
        for i, (labels, scores) in enumerate(predictions, start=first):
            words = collected.words[i]
            collected.sentences[i] = replace(collected.sentences[i], scores=scores,
                                             labels=tuple(labels) if words >= MIN_CLASSIFIED_WORDS else ())

    def _second_pass(self, collected: _Collected) -> None:
        """Relabel each speaker's sentences, in order, by the classifier's second pass over
        their first-pass probabilities (classifier/neighbours.py); nothing without a classifier
        or for a model without a second pass."""
        second_pass = getattr(self.classifier, "second_pass", None)  # a classifier of the older protocol has none
        if second_pass is None or not collected.sentences:
            return
        texts: dict[str | None, list[int]] = defaultdict(list)
        for i, sentence in enumerate(collected.sentences):
            texts[sentence.speaker].append(i)
        for rows in texts.values():
            labels = list(collected.sentences[rows[0]].scores)
            first = np.array([[collected.sentences[i].scores[label] for label in labels] for i in rows])
            second = second_pass(first)
            if second is None:
                return
            for i, (found, scores) in zip(rows, second, strict=True):
                kept = tuple(found) if collected.words[i] >= MIN_CLASSIFIED_WORDS else ()
                collected.sentences[i] = replace(collected.sentences[i], scores=scores, labels=kept)

    def _report(
        self, transcript: Transcript, collected: _Collected, scored: set[str | None],
        speaker: str | Sequence[str] | None,
    ) -> Report:
        sentences = collected.sentences  # classified while collected (_collect)
        # Lexicon-only analysis counts the lexicon in full: nothing else reads its hits.
        lexicon_weight = self.index_model.lexicon_weight if self.classifier is not None else 1.0
        vetoed = self.index_model.stance_veto if self.classifier is not None else ()
        assembled = assemble(sentences, collected.evidence, scored, self.index_model.label_weights, lexicon_weight,
                             self._own_terms, vetoed)
        words = sum(w for s, w in zip(sentences, collected.words, strict=True) if s.speaker in scored)
        mine = assembled.evidence
        score = Score.of(mine, words, self.index_model)
        mine = score.with_impacts(mine, self.index_model)
        mine.sort(key=lambda e: (e.start, e.end, e.source))
        return Report(
            index=score.index,
            interval=score.interval,
            verdict=verdict(score.index, self.index_model, words),
            components=score.components(self.index_model),
            evidence=tuple(mine),
            sentences=assembled.sentences,
            speakers=tuple(self._speakers(transcript, sentences, collected.words, assembled.by_speaker, scored)),
            warnings=tuple(self._warnings(words, transcript, speaker, any(e.counted for e in mine))),
            provenance=self._provenance(speaker, transcript),
            words=words,
            source=transcript.source,
            text=transcript.text,
        )

    def _speakers(
        self, transcript: Transcript, sentences: list[Sentence], words: list[int],
        by_speaker: dict[str | None, list[Evidence]], scored: set[str | None],
    ) -> list[SpeakerSummary]:
        spoken: dict[str | None, int] = defaultdict(int)
        for s, w in zip(sentences, words, strict=True):
            spoken[s.speaker] += w
        total = sum(words) or 1
        with_speech = {s.speaker for s in sentences}
        roles = speaker_roles(transcript)
        out = []
        for name in transcript.speakers:
            role = roles[name].role
            if role in NOT_SCORED_ROLES and name not in scored:  # never an interviewer's verdict
                out.append(SpeakerSummary(name=name, words=spoken[name], share=round(spoken[name] / total, 4),
                                          index=None, interval=None, verdict=None, scored=False, role=role))
                continue
            score = Score.of(by_speaker.get(name, []), spoken[name], self.index_model)
            out.append(SpeakerSummary(
                name=name, words=spoken[name], share=round(spoken[name] / total, 4),
                index=round(score.index, 2),
                interval=(round(score.interval[0], 2), round(score.interval[1], 2)),
                verdict=verdict(score.index, self.index_model, spoken[name]),
                scored=name in scored and name in with_speech, role=role,
            ))
        return out

    def _warnings(
        self, words: int, transcript: Transcript, speaker: str | Sequence[str] | None, evidence: bool = True,
    ) -> list[str]:
        out = []
        if words < self.index_model.short_words:
            out.append(
                f"speech too short to judge reliably ({words} words scored; "
                f"{self.index_model.short_words}+ recommended): the interval is wide"
            )
        elif not evidence:
            out.append(
                f"no signal about customers in {words} words: the index is the scale's resting point, "
                "not a balance of signals"
            )
        if self.classifier is None:
            out.append("lexicon-only mode: no sentence classifier was used")
        out.extend(transcript.notes)
        if speaker is None:
            left_out = not_scored(transcript)
            if left_out:
                who = ", ".join(f"{name} ({role})" for name, role in left_out.items())
                out.append(f"not scored: {who}; pass speaker= (--speaker) to score them")
            if len(transcript.speakers) - len(left_out) > 1:
                out.append(
                    "all speakers are scored together; pass speaker= (--speaker) to score the leader only"
                )
        return out

    def provenance(self) -> dict[str, Any]:
        """Versions, resource hashes and settings of this Analyzer: what every report's provenance
        holds, but the input's (`input`: null)."""
        return self._provenance(None, None)

    def _provenance(self, speaker: str | Sequence[str] | None, transcript: Transcript | None) -> dict[str, Any]:
        return {
            "input": transcript.decoding.to_dict() if transcript is not None and transcript.decoding else None,
            "clientlens": __version__,
            "spacy": spacy.__version__,
            "spacy_model": f"{self.spacy_model} {self.nlp.meta.get('version', '?')}",
            "disabled_components": list(UNUSED_COMPONENTS),
            "lexicon_sha256": self.lexicon.sha256,
            "lexicon_entries": len(self.lexicon),
            "lexicon_files": self.lexicon_files,
            "model_sha256": self.classifier.sha256 if self.classifier else None,
            "index_model": self.index_model.provenance,
            "settings": {
                "speaker": _as_list(speaker),
                "thresholds": {"go": self.index_model.go, "walk_away": self.index_model.walk_away},
                "classifier": self.classifier is not None,
            },
        }


@contextmanager
def _progress_bar(total: int, show: bool) -> Iterator[Callable[[Paragraph], None] | None]:
    """A callback that advances a tqdm bar on stderr to the end of each paragraph analysed, or
    None when `show` is False (tqdm is not even imported then)."""
    if not show:
        yield None
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, unit="char", unit_scale=True, file=sys.stderr, delay=PROGRESS_DELAY, desc="clientlens",
              leave=True) as bar:

        def advance(paragraph: Paragraph) -> None:
            end = paragraph.units[-1].sentence.end if paragraph.units else paragraph.offset
            if end > bar.n:
                bar.update(end - bar.n)

        yield advance


def _as_list(speaker: str | Sequence[str] | None) -> list[str] | None:
    if speaker is None:
        return None
    return [speaker] if isinstance(speaker, str) else list(speaker)


def resolve_speakers(transcript: Transcript, speaker: str | Sequence[str] | None) -> set[str | None]:
    """The speaker labels to score; when `speaker` is None, all speech except that of the
    interviewers, facilitators and note-takers (clientlens.roles; never all speakers).

    Raises:
        SpeakerNotFoundError: a requested name matches nobody (ignoring case, accents, role).
    """
    if speaker is None:
        left_out = not_scored(transcript)
        return {t.speaker for t in transcript.turns if t.speaker not in left_out}
    wanted = _as_list(speaker) or []
    by_key: dict[str, list[str]] = {}
    for name in transcript.speakers:
        by_key.setdefault(normalize_name(name), []).append(name)
    chosen: set[str | None] = set()
    missing = []
    for w in wanted:
        names = by_key.get(normalize_name(w))
        if names:
            chosen.update(names)
        else:
            missing.append(w)
    if missing:
        raise SpeakerNotFoundError(missing, transcript.speakers)
    return chosen


@cache
def default_analyzer() -> Analyzer:
    """The shared Analyzer behind `clientlens.analyze`."""
    return Analyzer()


def analyze(text: str, speaker: str | Sequence[str] | None = None, *, redact: bool = False) -> Report:
    """Analyse French text (plain or speaker-labelled) and return its Report.

    Args:
        text: the transcript text.
        speaker: a speaker name or list of names to score (case, accents and a role in
            parentheses are ignored); None scores all speech.
        redact: replace person and speaker names by pseudonyms ([PERSONNE_1], [ORATEUR_1])
            in every output, for reports that leave your machine.

    Example:
        >>> report = analyze("DG : Nos clients ne sont pas des cibles, ce sont des partenaires.")
        >>> 0 <= report.index <= 100
        True
    """
    return default_analyzer().analyze(text, speaker, redact=redact)


def analyze_file(
    path: str | Path, speaker: str | Sequence[str] | None = None, input_format: str | None = None,
    *, redact: bool = False, encoding: str | None = None, decode_errors: str = "replace",
    max_bytes: int | None = None,
) -> Report:
    """Analyse a transcript file: .txt/.md (UTF-8, UTF-16 or a detected encoding), .vtt, .srt, .docx
    or .json speech-to-text segments; `input_format` overrides the extension; `redact` as in
    analyze; `encoding`, `decode_errors` and `max_bytes` as in `Analyzer.analyze_file`."""
    return default_analyzer().analyze_file(path, speaker, input_format, redact=redact, encoding=encoding,
                                           decode_errors=decode_errors, max_bytes=max_bytes)
