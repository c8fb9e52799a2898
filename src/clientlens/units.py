"""Sentence units: a Transcript parsed by spaCy, streamed one Doc at a time.

Each turn is cut into paragraphs (language.segments) and parsed with `nlp.pipe`; every Doc
is yielded with the sentence units it holds and then dropped by the caller, so memory stays
bounded however long the transcript is (a Doc keeps its tok2vec tensor: about 400 bytes
per token). Offsets of every unit index the transcript's own text.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from .language import segments
from .lexicon import token_keys
from .types import Sentence, Transcript, Turn

#: Paragraphs fed to nlp.pipe at once: enough for batching, few enough for bounded memory.
BATCH_SIZE = 64


@dataclass(frozen=True)
class Unit:
    """One parsed sentence of a transcript.

    `span` is valid while its Doc is alive; `offset` is where the Doc's text starts in the
    transcript's text, so `offset + span.start_char` indexes the transcript.
    """

    sentence: Sentence
    span: Span
    offset: int
    turn: int
    words: int


@dataclass(frozen=True)
class ParsedDoc:
    """A parsed paragraph with its sentence units and the turn it belongs to."""

    doc: Doc
    offset: int
    turn: int
    units: list[Unit]


def parse_transcript(nlp: Language, transcript: Transcript) -> Iterator[ParsedDoc]:
    """Parse the transcript turn by turn, paragraph by paragraph, in text order."""
    pieces = (
        (t_index, offset, chunk)
        for t_index, turn in enumerate(transcript.turns)
        for offset, chunk in segments(transcript.text, turn.start, turn.end)
    )
    pending: deque[tuple[int, int]] = deque()

    def texts() -> Iterator[str]:
        for t_index, offset, chunk in pieces:
            pending.append((t_index, offset))
            yield chunk

    for doc in nlp.pipe(texts(), batch_size=BATCH_SIZE):
        t_index, offset = pending.popleft()
        yield parsed_doc(doc, offset, t_index, transcript)


def parsed_doc(doc: Doc, offset: int, t_index: int, transcript: Transcript) -> ParsedDoc:
    """The sentence units of one parsed Doc of `transcript` (blank sentences skipped)."""
    turn = transcript.turns[t_index]
    units = [unit(sent, offset, t_index, turn, transcript) for sent in doc.sents if sent.text.strip()]
    return ParsedDoc(doc, offset, t_index, units)


def unit(sent: Span, offset: int, t_index: int, turn: Turn, transcript: Transcript) -> Unit:
    """A Unit for one spaCy sentence whose Doc starts at `offset` in the transcript."""
    start, end = offset + sent.start_char, offset + sent.end_char
    t_start, t_end = times(transcript, t_index, start, end)
    text = transcript.text[start:end]  # the original characters, not the parsed copy
    sentence = Sentence(text, start, end, turn.speaker, t_start=t_start, t_end=t_end)
    return Unit(sentence, sent, offset, t_index, sum(1 for t in sent if t.is_alpha))


def times(transcript: Transcript, turn: int, start: int, end: int) -> tuple[float | None, float | None]:
    """Times of a text span: from the cues of timed formats, else from the turn's timestamp."""
    if transcript.cues:
        return transcript.time_span(start, end)
    t = transcript.turns[turn]
    return t.t_start, t.t_end


def doc_keys(doc: Doc) -> set[str]:
    """Lemma and form keys of every token (what the echo rule compares)."""
    return {k for t in doc for k in token_keys(t)}
