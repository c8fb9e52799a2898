"""The analysis pipeline: transcript -> spaCy docs -> evidence -> index -> Report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import spacy
from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.fr.stop_words import STOP_WORDS as FR_STOP_WORDS
from spacy.tokens import Doc

from . import __version__
from .classifier import SentenceClassifier, SentenceInput, default_classifier, sentence_input
from .errors import InputError, NotFrenchError, SpeakerNotFoundError
from .language import DEFAULT_MODEL, UNUSED_COMPONENTS, load_nlp, segments
from .lexicon import Lexicon, Match, fold, known_lemmas, load_lexicon, token_keys
from .read import normalize_name, parse_text, read_file
from .report import Report
from .rules import RuleOutcome, combine, echo, echo_settings, evaluate, load_cues
from .scoring import (
    IndexModel,
    Signal,
    Totals,
    component_points,
    index_from_totals,
    interval,
    load_index_model,
    rate,
    verdict,
)
from .taxonomy import COMPONENT_BY_LABEL, COMPONENTS
from .types import Component, Evidence, Sentence, SpeakerSummary, Transcript, Turn

#: Below this share of French function words (with more English ones) the text is not French.
MIN_FRENCH_STOPWORD_SHARE = 0.2
MIN_WORDS_FOR_LANGUAGE_CHECK = 12
#: Fragments shorter than this (« Bon. », « Voilà. ») get scores but no label: the corpus
#: has no sentence under five words, so the classifier has never seen one.
MIN_CLASSIFIED_WORDS = 4


@dataclass
class _Unit:
    """One parsed sentence with its turn, for evidence collection."""

    sentence: Sentence
    doc: Doc
    sent_start: int
    sent_end: int
    offset: int
    turn: int
    words: int


@dataclass
class _Parsed:
    units: list[_Unit] = field(default_factory=list)
    turn_keys: list[frozenset[str]] = field(default_factory=list)


class Analyzer:
    """Holds the loaded resources (spaCy pipeline, lexicon, classifier, index model).

    Build one and reuse it: every resource is loaded once. `clientlens.analyze` uses a
    shared default Analyzer.

    Args:
        lexicon: a Lexicon; by default the bundled one plus `lexicon_files`.
        lexicon_files: extra user lexicon files (JSONL) added to the bundled ones.
        classifier: a SentenceClassifier; by default the bundled model, if any.
        use_classifier: False for lexicon-only mode (the report says so).
        index_model: index parameters; by default models/index.json.
        go, walk_away: verdict thresholds overriding the index model's.
        spacy_model: name of the spaCy pipeline.
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
    ) -> None:
        self.nlp = load_nlp(spacy_model)
        self.spacy_model = spacy_model
        self.lexicon = lexicon or load_lexicon(extra_files=lexicon_files)
        self.lexicon_files = [str(p) for p in lexicon_files]
        self.classifier = classifier if classifier or not use_classifier else default_classifier()
        self.index_model = (index_model or load_index_model()).with_thresholds(go, walk_away)
        self.cues = load_cues()
        self.known_lemmas = known_lemmas(self.nlp)

    # ------------------------------------------------------------------ public verbs

    def analyze(self, text: str, speaker: str | Sequence[str] | None = None) -> Report:
        """Analyse a text (plain or speaker-labelled)."""
        if not isinstance(text, str):
            raise InputError(f"analyze() takes a str, got {type(text).__name__}; use analyze_file for paths")
        return self.analyze_transcript(parse_text(text), speaker)

    def analyze_file(
        self, path: str | Path, speaker: str | Sequence[str] | None = None, input_format: str | None = None
    ) -> Report:
        """Analyse a transcript file (.txt, .md, .vtt, .srt, .docx, .json; `input_format` overrides
        the extension)."""
        return self.analyze_transcript(read_file(path, input_format), speaker)

    def analyze_transcript(
        self, transcript: Transcript, speaker: str | Sequence[str] | None = None
    ) -> Report:
        """Analyse an already read Transcript."""
        scored = resolve_speakers(transcript, speaker)
        parsed = self._parse(transcript)
        keep = [i for i, u in enumerate(parsed.units) if _turn_speaker(transcript, u.turn) in scored]
        self._check_french([parsed.units[i] for i in keep])
        evidence = self._lexicon_evidence(transcript, parsed)
        sentences = self._classify(parsed.units, evidence)
        evidence += self._classifier_evidence(sentences)
        return self._report(transcript, parsed, sentences, evidence, keep, speaker)

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
        parsed = _Parsed(
            units=[_unit(doc, s, 0, 0, transcript.turns[0], transcript) for s in doc.sents if s.text.strip()],
            turn_keys=[frozenset(k for t in doc for k in token_keys(t))],
        )
        keep = list(range(len(parsed.units)))
        self._check_french(parsed.units)
        evidence = self._lexicon_evidence(transcript, parsed)
        sentences = self._classify(parsed.units, evidence)
        evidence += self._classifier_evidence(sentences)
        report = self._report(transcript, parsed, sentences, evidence, keep, speaker)
        provenance = {**report.provenance, "spacy_model": "the caller's pipeline", "disabled_components": []}
        return replace(report, provenance=provenance)

    def sentence_inputs(self, texts: Sequence[str]) -> list[SentenceInput]:
        """Classifier inputs for stand-alone sentences (training and evaluation corpora).

        Each text is one unit, even when spaCy splits it in two, as its label covers it all.
        """
        inputs = []
        for doc in self.nlp.pipe(texts, batch_size=128):
            hits = [self._evidence(doc, m, 0, None, 0, ()) for m in self.lexicon.match(doc, self.known_lemmas)]
            inputs.append(sentence_input(doc[:], hits))
        return inputs

    # ------------------------------------------------------------------ parsing

    def _parse(self, transcript: Transcript) -> _Parsed:
        pieces = [
            (t_index, offset, chunk)
            for t_index, turn in enumerate(transcript.turns)
            for offset, chunk in segments(transcript.text, turn.start, turn.end)
        ]
        docs = self.nlp.pipe((chunk for _, _, chunk in pieces), batch_size=64)
        parsed = _Parsed(turn_keys=[frozenset() for _ in transcript.turns])
        keys: list[set[str]] = [set() for _ in transcript.turns]
        for (t_index, offset, _), doc in zip(pieces, docs, strict=True):
            turn = transcript.turns[t_index]
            for sent in doc.sents:
                parsed.units.append(_unit(doc, sent, offset, t_index, turn, transcript))
            keys[t_index].update(k for t in doc for k in token_keys(t))
        parsed.turn_keys = [frozenset(k) for k in keys]
        return parsed

    def _check_french(self, units: list[_Unit]) -> None:
        words = [fold(t.text) for u in units for t in u.doc[u.sent_start : u.sent_end] if t.is_alpha]
        if len(words) < MIN_WORDS_FOR_LANGUAGE_CHECK:
            return
        fr = sum(w in FR_STOP_WORDS for w in words) / len(words)
        en = sum(w in EN_STOP_WORDS for w in words) / len(words)
        if fr < MIN_FRENCH_STOPWORD_SHARE and en > fr:
            raise NotFrenchError(
                f"the text does not look like French ({fr:.0%} French function words, "
                f"{en:.0%} English ones); clientlens analyses French speech only"
            )

    # ------------------------------------------------------------------ evidence

    def _lexicon_evidence(self, transcript: Transcript, parsed: _Parsed) -> list[Evidence]:
        lookback, factor = echo_settings()
        out: list[Evidence] = []
        by_doc: dict[int, list[tuple[int, _Unit]]] = {}
        for number, unit in enumerate(parsed.units):
            by_doc.setdefault(id(unit.doc), []).append((number, unit))
        for group in by_doc.values():
            doc = group[0][1].doc
            for match in self.lexicon.match(doc, self.known_lemmas):
                number, unit = _unit_of(group, match)
                earlier = _earlier_words(transcript, parsed, unit.turn, lookback)
                hit = self._hit(doc, match, number, unit, earlier, factor)
                t_start, t_end = _times(transcript, unit.turn, hit.start, hit.end)
                text = transcript.text[hit.start : hit.end]  # original characters (typographic spaces)
                out.append(replace(hit, text=text, t_start=t_start, t_end=t_end))
        return out

    def _hit(
        self, doc: Doc, match: Match, number: int, unit: _Unit, earlier: frozenset[str], factor: float
    ) -> Evidence:
        outcomes = []
        echoed = echo(match.entry, earlier, factor)
        if echoed:
            outcomes.append(echoed)
        s = unit.sentence
        return self._evidence(doc, match, number, s.speaker, unit.offset, outcomes)

    def _evidence(
        self, doc: Doc, match: Match, number: int, speaker: str | None, offset: int,
        extra: Sequence[RuleOutcome],
    ) -> Evidence:
        """Evidence of one lexicon match after the context rules."""
        multiplier, reason = combine([*evaluate(doc, match, self.cues), *extra])
        span = doc[match.start : match.end]
        family = self.lexicon.family(match.entry.family)
        return Evidence(
            text=span.text,
            start=offset + span.start_char,
            end=offset + span.end_char,
            family=family.name,
            polarity=family.polarity.value,
            component=family.component,
            lemma=match.entry.term,
            weight=round(match.entry.weight * multiplier, 4),
            counted=multiplier > 0,
            reason=reason,
            sentence=number,
            speaker=speaker,
        )

    def _classify(self, units: list[_Unit], evidence: list[Evidence]) -> list[Sentence]:
        sentences = [u.sentence for u in units]
        if self.classifier is None or not sentences:
            return sentences
        per_unit: list[list[Evidence]] = [[] for _ in units]
        for e in evidence:
            per_unit[e.sentence].append(e)
        inputs = [
            sentence_input(u.doc[u.sent_start : u.sent_end], hits)
            for u, hits in zip(units, per_unit, strict=True)
        ]
        predictions = self.classifier.predict(inputs)
        return [
            Sentence(**{**s.__dict__, "labels": tuple(labels) if u.words >= MIN_CLASSIFIED_WORDS else (),
                        "scores": scores})
            for s, u, (labels, scores) in zip(sentences, units, predictions, strict=True)
        ]

    def _classifier_evidence(self, sentences: list[Sentence]) -> list[Evidence]:
        out = []
        for number, s in enumerate(sentences):
            for label in s.labels:
                spec = COMPONENT_BY_LABEL[label]
                out.append(Evidence(
                    text=s.text, start=s.start, end=s.end, family=label,
                    polarity=spec.polarity.value, component=spec.name, lemma=None,
                    weight=round(self.index_model.label_weights.get(label, 1.0) * s.scores[label], 4),
                    counted=True,
                    reason=None, sentence=number, speaker=s.speaker, source="classifier",
                    t_start=s.t_start, t_end=s.t_end,
                ))
        return out

    # ------------------------------------------------------------------ scoring

    def _report(
        self,
        transcript: Transcript,
        parsed: _Parsed,
        sentences: list[Sentence],
        evidence: list[Evidence],
        keep: list[int],
        speaker: str | Sequence[str] | None,
    ) -> Report:
        renumber = {old: new for new, old in enumerate(keep)}
        mine = [
            Evidence(**{**e.__dict__, "sentence": renumber[e.sentence]})
            for e in evidence if e.sentence in renumber
        ]
        words = sum(parsed.units[i].words for i in keep)
        score = _Score.of(mine, words, self.index_model)
        mine = _with_impacts(mine, score, self.index_model)
        mine.sort(key=lambda e: (e.start, e.end, e.source))
        return Report(
            index=score.index,
            interval=score.interval,
            verdict=verdict(score.index, self.index_model),
            components=_components(score.per_component, words, self.index_model),
            evidence=tuple(mine),
            sentences=tuple(sentences[i] for i in keep),
            speakers=tuple(self._speakers(transcript, parsed, evidence, keep)),
            warnings=tuple(self._warnings(words, transcript, speaker)),
            provenance=self._provenance(speaker),
            words=words,
            source=transcript.source,
            text=transcript.text,
        )

    def _speakers(
        self, transcript: Transcript, parsed: _Parsed, evidence: list[Evidence], keep: list[int]
    ) -> list[SpeakerSummary]:
        scored_units = set(keep)
        out = []
        total = sum(u.words for u in parsed.units) or 1
        for name in transcript.speakers:
            units = {i for i, u in enumerate(parsed.units) if _turn_speaker(transcript, u.turn) == name}
            words = sum(parsed.units[i].words for i in units)
            score = _Score.of([e for e in evidence if e.sentence in units], words, self.index_model)
            out.append(SpeakerSummary(
                name=name, words=words, share=round(words / total, 4),
                index=round(score.index, 2),
                interval=(round(score.interval[0], 2), round(score.interval[1], 2)),
                verdict=verdict(score.index, self.index_model),
                scored=bool(units & scored_units),
            ))
        return out

    def _warnings(
        self, words: int, transcript: Transcript, speaker: str | Sequence[str] | None
    ) -> list[str]:
        out = []
        if words < self.index_model.short_words:
            out.append(
                f"speech too short to judge reliably ({words} words scored; "
                f"{self.index_model.short_words}+ recommended): the interval is wide"
            )
        if self.classifier is None:
            out.append("lexicon-only mode: no sentence classifier was used")
        out.extend(transcript.notes)
        if speaker is None and len(transcript.speakers) > 1:
            out.append(
                "all speakers are scored together; pass speaker= (--speaker) to score the leader only"
            )
        return out

    def _provenance(self, speaker: str | Sequence[str] | None) -> dict[str, Any]:
        return {
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


# ---------------------------------------------------------------------- helpers


def _times(transcript: Transcript, turn: int, start: int, end: int) -> tuple[float | None, float | None]:
    """Times of a text span: from the cues of timed formats, else from the turn's timestamp."""
    if transcript.cues:
        return transcript.time_span(start, end)
    t = transcript.turns[turn]
    return t.t_start, t.t_end


def _unit(doc: Doc, sent: Any, offset: int, t_index: int, turn: Turn, transcript: Transcript) -> _Unit:
    start, end = offset + sent.start_char, offset + sent.end_char
    t_start, t_end = _times(transcript, t_index, start, end)
    text = transcript.text[start:end]  # the original characters, not the parsed copy
    sentence = Sentence(text, start, end, turn.speaker, t_start=t_start, t_end=t_end)
    words = sum(1 for t in sent if t.is_alpha)
    return _Unit(sentence, doc, sent.start, sent.end, offset, t_index, words)


def _unit_of(group: list[tuple[int, _Unit]], match: Match) -> tuple[int, _Unit]:
    for number, unit in group:
        if unit.sent_start <= match.start < unit.sent_end:
            return number, unit
    raise AssertionError("a match outside every sentence of its doc")


def _earlier_words(transcript: Transcript, parsed: _Parsed, turn: int, lookback: int) -> frozenset[str]:
    """Words of the last `lookback` turns by other speakers (for the echo rule)."""
    me = transcript.turns[turn].speaker
    if me is None:
        return frozenset()
    words: set[str] = set()
    for earlier in range(max(0, turn - lookback), turn):
        if transcript.turns[earlier].speaker not in (me, None):
            words |= parsed.turn_keys[earlier]
    return frozenset(words)


def _turn_speaker(transcript: Transcript, turn: int) -> str | None:
    return transcript.turns[turn].speaker


def _signals(evidence: Iterable[Evidence]) -> list[Signal]:
    return [Signal(e.component, e.sentence, e.weight) for e in evidence if e.counted]


@dataclass(frozen=True)
class _Score:
    """Index, interval and component totals of one set of evidence."""

    totals: Totals
    per_component: dict[str, float]
    words: int
    index: float
    interval: tuple[float, float]

    @classmethod
    def of(cls, evidence: list[Evidence], words: int, model: IndexModel) -> _Score:
        totals = Totals.from_signals(_signals(evidence))
        per_component = totals.per_component(model.sentence_cap)
        index = index_from_totals(per_component, words, model)
        bounds = _ordered(interval(per_component, words, model), index)
        return cls(totals, per_component, words, index, bounds)


def _with_impacts(evidence: list[Evidence], score: _Score, model: IndexModel) -> list[Evidence]:
    """Each counted piece's impact: the index with it minus the index without it."""
    out = []
    for e in evidence:
        impact = 0.0
        if e.counted:
            drop = Signal(e.component, e.sentence, e.weight)
            without = score.totals.without(score.per_component, model.sentence_cap, drop)
            impact = score.index - index_from_totals(without, score.words, model)
        out.append(Evidence(**{**e.__dict__, "impact": round(impact, 3)}))
    return out


def _components(per_component: dict[str, float], words: int, model: IndexModel) -> dict[str, Component]:
    points = component_points(per_component, words, model)
    return {
        c.name: Component(
            score=round(rate(per_component[c.name], words, model), 3),
            weight=model.weights[c.name],
            count=round(per_component[c.name], 3),
            points=round(points[c.name], 3),
        )
        for c in COMPONENTS
    }


def _ordered(bounds: tuple[float, float], index: float) -> tuple[float, float]:
    lo, hi = bounds
    return min(lo, index), max(hi, index)


def _as_list(speaker: str | Sequence[str] | None) -> list[str] | None:
    if speaker is None:
        return None
    return [speaker] if isinstance(speaker, str) else list(speaker)


def resolve_speakers(transcript: Transcript, speaker: str | Sequence[str] | None) -> set[str | None]:
    """The speaker labels to score; all speech when `speaker` is None.

    Raises:
        SpeakerNotFoundError: a requested name matches nobody (ignoring case, accents, role).
    """
    if speaker is None:
        return {t.speaker for t in transcript.turns}
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


def analyze(text: str, speaker: str | Sequence[str] | None = None) -> Report:
    """Analyse French text (plain or speaker-labelled) and return its Report.

    Args:
        text: the transcript text.
        speaker: a speaker name or list of names to score (case, accents and a role in
            parentheses are ignored); None scores all speech.

    Example:
        >>> report = analyze("DG : Nos clients ne sont pas des cibles, ce sont des partenaires.")
        >>> 0 <= report.index <= 100
        True
    """
    return default_analyzer().analyze(text, speaker)


def analyze_file(
    path: str | Path, speaker: str | Sequence[str] | None = None, input_format: str | None = None
) -> Report:
    """Analyse a transcript file: .txt/.md (UTF-8, UTF-16 or Windows-1252), .vtt, .srt, .docx or
    .json speech-to-text segments; `input_format` overrides the extension."""
    return default_analyzer().analyze_file(path, speaker, input_format)
