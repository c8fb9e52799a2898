"""Sentence and paragraph segmentation without a parse."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import NamedTuple

from spacy.pipeline import Sentencizer

from clientlens.lang import language
from clientlens.text.nlp import _PLAIN_SPACES, fold

#: Sentence-final punctuation (spaCy's Sentencizer defaults lack the ellipsis character).
SENTENCE_ENDS = (*Sentencizer.default_punct_chars, "…")


_SENTENCE_END_SET = frozenset(SENTENCE_ENDS)


#: Brackets that open an aside, with the one that closes it.
_OPENING = {"(": ")", "[": "]"}


#: Texts are fed to spaCy in paragraphs: bounded memory, and batching through nlp.pipe.
_PARAGRAPH = re.compile(r"\S(?:.*?\S)?(?=\s*(?:\n[ \t]*\n|\n(?=[ \t]*[-•*])|$))", re.DOTALL)


_MAX_SEGMENT_CHARS = 20_000


def sentence_ranges(forms: Sequence[str], punct: Sequence[bool]) -> list[tuple[int, int]]:
    """Token ranges of the sentences: a sentence ends after sentence-final punctuation and the
    punctuation that follows it (« » », « ?! »), spaCy's Sentencizer rule, run on token texts
    already read (iterating a Doc's tokens again would cost more than the rule itself).

    Two additions for transcripts: an opening bracket after a sentence end opens the next
    sentence, and a short bracketed aside that opens one (« (rires) », « [inaudible] ») is a
    sentence of its own, not the start of the next one (_aside_cut). Unpunctuated speech is
    cut into pieces of at most `max_tokens` (_long_cut).
    """
    ranges, start, seen_end = [], 0, False
    for i, (form, is_punct) in enumerate(zip(forms, punct, strict=True)):
        ends = form in _SENTENCE_END_SET
        if seen_end and (not is_punct or form in _OPENING) and not ends:
            ranges.append((start, i))
            start, seen_end = i, False
        elif ends:
            seen_end = True
    if start < len(forms):
        ranges.append((start, len(forms)))
    return [piece for r in ranges for aside in _aside_cut(forms, *r) for piece in _long_cut(forms, *aside)]


def _aside_cut(forms: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """Split a leading « (rires) » or « [silence] » off the sentence it opens."""
    closing = _OPENING.get(forms[start])
    if closing is None:
        return [(start, end)]
    window = forms[start + 1 : min(end, start + _segmentation().max_aside_tokens + 2)]
    if closing not in window:
        return [(start, end)]
    cut = start + 2 + window.index(closing)
    return [(start, cut), (cut, end)] if cut < end else [(start, end)]


def _long_cut(forms: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence before a discourse word (« et », « alors », « donc » ...)."""
    settings = _segmentation()
    limit, cut_words = settings.max_tokens, settings.cut_before
    out = []
    while end - start > limit:
        window = range(start + limit, start + limit // 2, -1)
        cut = next((i for i in window if fold(forms[i]) in cut_words), start + limit)
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


class Segmentation(NamedTuple):
    """Settings of lexicons/rules/segmentation.json."""

    max_tokens: int
    max_aside_tokens: int
    cut_before: frozenset[str]


@cache
def _segmentation() -> Segmentation:
    raw = language().rules("segmentation")
    return Segmentation(int(raw["max_tokens"]), int(raw["max_aside_tokens"]), frozenset(raw["cut_before"]))


def segments(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """Split text[start:end] into paragraphs, yielding (offset, paragraph) pairs.

    Paragraphs come with typographic spaces made plain (same length: offsets still index `text`).

    Paragraphs longer than _MAX_SEGMENT_CHARS are cut at the last sentence end or newline
    before the limit so that no sentence straddles two segments when avoidable.
    """
    for match in _PARAGRAPH.finditer(text, start, end):
        offset, chunk = match.start(), match.group()
        while len(chunk) > _MAX_SEGMENT_CHARS:
            cut = _cut_point(chunk)
            yield offset, chunk[:cut].translate(_PLAIN_SPACES)
            rest = chunk[cut:]
            skipped = len(rest) - len(rest.lstrip())
            offset, chunk = offset + cut + skipped, rest.lstrip()
        if chunk:
            yield offset, chunk.translate(_PLAIN_SPACES)


def _cut_point(chunk: str) -> int:
    window = chunk[:_MAX_SEGMENT_CHARS]
    for sep in ("\n", ". ", "? ", "! ", "; ", " "):
        pos = window.rfind(sep)
        if pos > _MAX_SEGMENT_CHARS // 2:
            return pos + len(sep)
    return _MAX_SEGMENT_CHARS
