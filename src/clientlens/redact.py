"""Redaction: person and speaker names replaced by stable pseudonyms in every output.

For reports that leave the consultant's machine (`redact=True`, `--redact`). Names are found
by spaCy's named entities (PER), by honorifics (« Mme Le Goff », « le père Dumas ») and by
the speaker labels, whose parts are also replaced where they appear capitalised in the
speech (« merci Hélène »). Speakers become [ORATEUR_n] in order of first appearance; other
people [PERSONNE_n], the same person always getting the same pseudonym within a report
(« Dumas » is « Jean-Pierre Dumas »). Offsets are remapped, so every sentence and piece of
evidence still satisfies `report.text[start:end] == text`.

The source file's name (often a person's: « Entretien_Bruno_Caradec.txt ») never appears: it
becomes « document-<12 hex digits of the sha256 of its absolute path><extension> »
(`redacted_source`), in the report, the HTML title and batch lines; error messages raised with
redaction on name that stand-in and pseudonyms instead of the path and speakers (`redact_error`).

What it cannot promise: names the statistical NER misses and no honorific or speaker label
points to (a lower-case nickname, a first name spelled like a common noun) stay visible.
"""

from __future__ import annotations

import hashlib
import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from spacy.tokens import Doc

from clientlens.errors import ClientlensError, InputError, SpeakerNotFoundError
from clientlens.io.plain import normalize_name
from clientlens.io.transcript import Transcript
from clientlens.lang import language
from clientlens.report import Report
from clientlens.text.nlp import DEFAULT_MODEL, fold, load_ner
from clientlens.text.segment import segments

SPEAKER_TAG = "ORATEUR"
PERSON_TAG = "PERSONNE"
_MAX_NAME_TOKENS = 4


@dataclass(frozen=True)
class NameCues:
    """Word lists of lexicons/rules/redaction.json, folded."""

    honorifics: frozenset[str]
    particles: frozenset[str]
    not_name_words: frozenset[str]
    roles: frozenset[str]


@cache
def load_name_cues() -> NameCues:
    """Read the redaction word lists (and the speaker role words) once."""
    raw = language().rules("redaction")
    roles = language().rules("speaker_labels")["roles"]

    def words(xs: Iterable[str]) -> frozenset[str]:
        return frozenset(fold(x) for x in xs)

    return NameCues(words(raw["honorifics"]), words(raw["particles"]), words(raw["not_name_words"]), words(roles))


@dataclass(frozen=True)
class _Name:
    start: int
    end: int
    words: tuple[str, ...]  # folded words, the identity of the person
    speaker: int | None = None  # index of the speaker whose label this is


def redact_report(report: Report, transcript: Transcript, model: str = DEFAULT_MODEL) -> Report:
    """The report with every person and speaker name replaced by a pseudonym."""
    cues = load_name_cues()
    speakers = transcript.speakers
    names = _non_overlapping([
        *_speaker_mentions(report.text, speakers, cues),
        *_entity_names(report.text, model, cues),
    ])
    tags = _Pseudonyms(speakers, cues)
    spans = [(n.start, n.end, tags.of(n)) for n in names]
    new_text, remap = _rewrite(report.text, spans)
    scrub = _scrubber({report.text[s:e]: tag for s, e, tag in spans} | tags.speaker_labels()
                      | _source_forms(report.source))

    def moved(item):  # a Sentence or an Evidence: new offsets, text and speaker
        start, end = remap.start(item.start), remap.end(item.end)
        return replace(item, start=start, end=end, text=new_text[start:end], speaker=tags.speaker(item.speaker))

    settings = dict(report.provenance.get("settings", {}))
    if settings.get("speaker"):
        settings["speaker"] = [tags.requested(s) or scrub(s) for s in settings["speaker"]]
    return replace(
        report,
        text=new_text,
        sentences=tuple(moved(s) for s in report.sentences),
        evidence=tuple(replace(moved(e), reason=e.reason and scrub(e.reason)) for e in report.evidence),
        speakers=tuple(replace(s, name=tags.speaker(s.name)) for s in report.speakers),
        warnings=tuple(scrub(w) for w in report.warnings),
        source=report.source and redacted_source(report.source),
        provenance={**report.provenance, "settings": settings, "redacted": True},
    )


# --------------------------------------------------------------------------- sources and errors

#: Extensions a redacted source name keeps (any other is dropped: it could be a name too).
_KEPT_EXTENSIONS = (".txt", ".md", ".vtt", ".srt", ".docx", ".json", ".pdf", ".html", ".htm")


def redacted_source(source: str | Path) -> str:
    """The neutral stand-in of a source file name: « document-<hash><extension> », the hash being
    the first 12 hex digits of the sha256 of the absolute path (distinct per file, stable across runs)."""
    digest = hashlib.sha256(os.path.abspath(source).encode("utf-8", "surrogateescape")).hexdigest()[:12]
    suffix = Path(source).suffix.lower()
    return f"document-{digest}{suffix if suffix in _KEPT_EXTENSIONS else ''}"


def _source_forms(source: str | Path | None) -> dict[str, str]:
    """The ways a source path can be written (as given, absolute, file name, stem) -> its stand-in."""
    if not source:
        return {}
    path, neutral = Path(source), redacted_source(source)
    forms = {str(source): neutral, os.path.abspath(source): neutral, path.name: neutral}
    if len(path.stem) > 2:
        forms[path.stem] = Path(neutral).stem
    return forms


def redact_message(message: str, source: str | Path | None, speakers: Sequence[str] = ()) -> str:
    """A message with the source path (in any form) and speaker labels replaced by their stand-ins."""
    surfaces = _source_forms(source)
    for k, label in enumerate(speakers):
        tag = f"[{SPEAKER_TAG}_{k + 1}]"
        surfaces[label] = tag
        for part in re.findall(r"[^\W\d_][\w'-]+", label):
            if part[0].isupper():
                surfaces.setdefault(part, tag)
    ordered = sorted((s for s in surfaces if s.strip()), key=len, reverse=True)
    if not ordered:
        return message
    pattern = re.compile("|".join(rf"(?<![^\W_]){re.escape(s)}(?![^\W_])" for s in ordered))
    return pattern.sub(lambda m: surfaces[m.group()], message)


def redact_error(exc: ClientlensError, source: str | Path | None, speakers: Sequence[str] = ()) -> ClientlensError:
    """The same error, its message naming neither the source file nor a speaker (raised with
    `redact=True`, so that error messages, batch lines and logs stay as anonymous as reports)."""
    if isinstance(exc, SpeakerNotFoundError):
        return SpeakerNotFoundError(["(redacted)"] * len(exc.wanted),
                                    [f"[{SPEAKER_TAG}_{k + 1}]" for k in range(len(exc.available))])
    message = redact_message(str(exc), source, speakers)
    try:
        return type(exc)(message)
    except TypeError:  # an error class with another constructor
        return InputError(message)


# --------------------------------------------------------------------------- finding names


def _speaker_mentions(text: str, speakers: Sequence[str], cues: NameCues) -> list[_Name]:
    """Every occurrence of a speaker label, and of its capitalised name parts."""
    out = []
    for k, label in enumerate(speakers):
        words = _words(label)
        parts = {p for p in re.findall(r"[^\W\d_][\w'-]+", label) if p[0].isupper() and fold(p) not in cues.roles}
        for surface in sorted({label, *parts}, key=len, reverse=True):
            for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
                out.append(_Name(m.start(), m.end(), words, speaker=k))
    return out


def _entity_names(text: str, model: str, cues: NameCues) -> list[_Name]:
    """PER entities and honorific-led names, paragraph by paragraph."""
    nlp = load_ner(model)
    pieces = list(segments(text, 0, len(text)))
    out: list[_Name] = []
    for (offset, _), doc in zip(pieces, nlp.pipe(chunk for _, chunk in pieces), strict=True):
        for ent in doc.ents:
            if ent.label_ == "PER":
                out.extend(_trimmed(doc, ent.start, ent.end, offset, cues))
        out.extend(_after_honorifics(doc, offset, cues))
    return out


def _trimmed(doc: Doc, start: int, end: int, offset: int, cues: NameCues) -> list[_Name]:
    """The entity without leading greetings or honorifics (« Merci Hélène » -> « Hélène »)."""
    while start < end and (_folded(doc[start]) in cues.not_name_words | cues.honorifics or not _has_letter(doc[start])):
        start += 1
    while end > start and not _has_letter(doc[end - 1]):
        end -= 1
    if start == end or not any(t.text[:1].isupper() for t in doc[start:end]):
        return []
    span = doc[start:end]
    return [_Name(offset + span.start_char, offset + span.end_char, _words(span.text))]


def _after_honorifics(doc: Doc, offset: int, cues: NameCues) -> list[_Name]:
    """« Mme Le Goff », « M. Bardet », « le père Dumas »: capitalised words after an honorific."""
    out = []
    for i, token in enumerate(doc):
        two = f"{_folded(doc[i - 1])} {_folded(token)}" if i else ""
        if _folded(token) not in cues.honorifics and two not in cues.honorifics:
            continue
        j = i + 1
        while j < len(doc) and j - i <= _MAX_NAME_TOKENS and _continues_name(doc, j, cues):
            j += 1
        if j > i + 1:
            span = doc[i + 1 : j]
            out.append(_Name(offset + span.start_char, offset + span.end_char, _words(span.text)))
    return out


def _continues_name(doc: Doc, j: int, cues: NameCues) -> bool:
    """A capitalised word, or a particle (« de », « Le ») followed by one."""
    if doc[j].text[:1].isupper() and _has_letter(doc[j]):
        return True
    return _folded(doc[j]) in cues.particles and j + 1 < len(doc) and doc[j + 1].text[:1].isupper()


def _non_overlapping(names: list[_Name]) -> list[_Name]:
    """Longest first where names overlap (a speaker mention wins a tie), in text order."""
    ranked = sorted(names, key=lambda n: (-(n.end - n.start), n.speaker is None, n.start))
    kept: list[_Name] = []
    starts: list[int] = []
    for n in ranked:
        i = bisect_right(starts, n.start)
        before, after = kept[i - 1] if i else None, kept[i] if i < len(kept) else None
        if (before and before.end > n.start) or (after and after.start < n.end):
            continue
        kept.insert(i, n)
        starts.insert(i, n.start)
    return kept


def _has_letter(token) -> bool:
    return any(c.isalpha() for c in token.text)


def _folded(token) -> str:
    return fold(token.text).rstrip(".")


def _words(name: str) -> tuple[str, ...]:
    return tuple(w for w in re.findall(r"\w+", fold(name)) if len(w) > 1)


# --------------------------------------------------------------------------- pseudonyms


class _Pseudonyms:
    """Stable pseudonyms: speakers first, then people in order of first mention."""

    def __init__(self, speakers: Sequence[str], cues: NameCues) -> None:
        self.speakers = list(speakers)
        self.speaker_words = [{w for w in _words(s) if w not in cues.roles} for s in speakers]
        self.people: list[set[str]] = []

    def of(self, name: _Name) -> str:
        if name.speaker is not None:
            return f"[{SPEAKER_TAG}_{name.speaker + 1}]"
        words = set(name.words)
        for k, known in enumerate(self.speaker_words):
            if words and known and (words <= known or known <= words):
                return f"[{SPEAKER_TAG}_{k + 1}]"
        for k, known in enumerate(self.people):
            if words and (words <= known or known <= words):
                known |= words
                return f"[{PERSON_TAG}_{k + 1}]"
        self.people.append(words)
        return f"[{PERSON_TAG}_{len(self.people)}]"

    def speaker(self, label: str | None) -> str | None:
        return label if label is None else f"[{SPEAKER_TAG}_{self.speakers.index(label) + 1}]"

    def requested(self, name: str) -> str | None:
        """The pseudonym of a speaker asked for by name (`speaker=`), matched as the reader does."""
        for k, label in enumerate(self.speakers):
            if normalize_name(label) == normalize_name(name):
                return f"[{SPEAKER_TAG}_{k + 1}]"
        return None

    def speaker_labels(self) -> dict[str, str]:
        return {label: f"[{SPEAKER_TAG}_{k + 1}]" for k, label in enumerate(self.speakers)}


def _scrubber(surfaces: dict[str, str]):
    """Replace every known name string in free text (reasons, warnings, file names)."""
    ordered = sorted((s for s in surfaces if s.strip()), key=len, reverse=True)
    if not ordered:
        return lambda s: s
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(s)}(?!\w)" for s in ordered))
    return lambda s: pattern.sub(lambda m: surfaces[m.group()], s)


# --------------------------------------------------------------------------- rewriting


@dataclass(frozen=True)
class _Remap:
    """Offsets of the original text -> offsets of the rewritten one (O(log n) each)."""

    starts: list[int]
    ends: list[int]
    new_starts: list[int]
    new_ends: list[int]
    shift_after: list[int]

    def start(self, offset: int) -> int:
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.ends[i]:
            return self.new_starts[i]
        return offset + (self.shift_after[i] if i >= 0 else 0)

    def end(self, offset: int) -> int:
        i = bisect_left(self.starts, offset) - 1
        if i >= 0 and offset <= self.ends[i]:
            return self.new_ends[i]
        return offset + (self.shift_after[i] if i >= 0 else 0)


def _rewrite(text: str, spans: Sequence[tuple[int, int, str]]) -> tuple[str, _Remap]:
    """Replace non-overlapping (start, end, replacement) spans, in text order."""
    pieces, last, shift = [], 0, 0
    new_starts, new_ends, shift_after = [], [], []
    for start, end, tag in spans:
        pieces += [text[last:start], tag]
        new_starts.append(start + shift)
        new_ends.append(start + shift + len(tag))
        shift += len(tag) - (end - start)
        shift_after.append(shift)
        last = end
    pieces.append(text[last:])
    remap = _Remap([s for s, _, _ in spans], [e for _, e, _ in spans], new_starts, new_ends, shift_after)
    return "".join(pieces), remap
