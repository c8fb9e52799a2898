"""Sentence units: a Transcript split into sentences, the ones that need it parsed, streamed.

Each turn is cut into paragraphs (language.segments); a paragraph is tokenized and split at
sentence-final punctuation (language.sentence_ranges), which needs no model. The sentences
that may hold a lexicon term (Lexicon.may_match) are then parsed by the full pipeline, in
batches through `nlp.pipe`: the context rules read their dependencies. Paragraphs are
yielded as they are done and dropped by the caller, so memory stays bounded however long
the transcript is. Offsets of every unit index the transcript's own text."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice

from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

from clientlens.io.transcript import Transcript, Turn
from clientlens.records import Sentence
from clientlens.text.segment import segments, sentence_ranges

#: Paragraphs handled together: their candidate sentences are parsed in one nlp.pipe batch.
GROUP_SIZE = 64


NeedsParse = Callable[[Sequence[str]], bool]  # token forms -> parse the sentence?


@dataclass(frozen=True)
class Unit:
    """One sentence of a transcript.

    `forms` are the texts of its tokens, `content` those that are neither punctuation nor
    space, `alpha` the alphabetic ones (its words). `parsed` is the sentence parsed by the
    full pipeline when it may hold a lexicon term, else None; its character offsets are
    relative to the sentence: `sentence.start + parsed[i].idx` indexes the transcript.
    """

    sentence: Sentence
    forms: tuple[str, ...]
    content: tuple[str, ...]
    alpha: tuple[str, ...]
    parsed: Doc | None
    turn: int

    @property
    def words(self) -> int:
        """Alphabetic words of the sentence."""
        return len(self.alpha)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of one turn, with its sentence units."""

    offset: int
    turn: int
    units: list[Unit]


class Tokens:
    """Token texts, character offsets and kinds of a Doc, read once: iterating spaCy tokens
    costs more than everything this module does with them."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.forms = [t.text for t in doc]
        array = doc.to_array([IDX, IS_PUNCT, IS_SPACE, IS_ALPHA]).tolist()
        self.idx = [row[0] for row in array]
        self.punct = [row[1] == 1 for row in array]
        self.content = [row[1] == 0 and row[2] == 0 for row in array]
        self.alpha = [row[3] == 1 for row in array]

    def sentences(self) -> list[tuple[int, int]]:
        """Token ranges of the sentences, from punctuation."""
        return sentence_ranges(self.forms, self.punct)

    def chars(self, start: int, end: int) -> tuple[int, int]:
        """Character range of tokens [start, end)."""
        return self.idx[start], self.idx[end - 1] + len(self.forms[end - 1])

    def unit(self, start: int, end: int, offset: int, t_index: int, transcript: Transcript) -> Unit | None:
        """The Unit of tokens [start, end) of a Doc that starts at `offset`; None if blank."""
        if not any(f.strip() for f in self.forms[start:end]):
            return None
        lo, hi = self.chars(start, end)
        lo, hi = offset + lo, offset + hi
        t_start, t_end = times(transcript, t_index, lo, hi)
        turn = transcript.turns[t_index]
        sentence = Sentence(transcript.text[lo:hi], lo, hi, turn.speaker, t_start=t_start, t_end=t_end)
        forms = self.forms[start:end]
        content = tuple(f for f, keep in zip(forms, self.content[start:end], strict=True) if keep)
        alpha = tuple(f for f, keep in zip(forms, self.alpha[start:end], strict=True) if keep)
        return Unit(sentence, tuple(forms), content, alpha, None, t_index)


def parse_transcript(nlp: Language, transcript: Transcript, needs_parse: NeedsParse) -> Iterator[Paragraph]:
    """Split the transcript into sentence units, paragraph by paragraph, in text order."""
    pieces = (
        (t_index, offset, chunk)
        for t_index, turn in enumerate(transcript.turns)
        for offset, chunk in segments(transcript.text, turn.start, turn.end)
    )
    while group := list(islice(pieces, GROUP_SIZE)):  # lazily: no copy of the whole text
        paragraphs = [paragraph(nlp, chunk, offset, t_index, transcript) for t_index, offset, chunk in group]
        yield from with_parses(nlp, paragraphs, [chunk for _, _, chunk in group], needs_parse)


def word_counts(nlp: Language, transcript: Transcript) -> dict[str | None, int]:
    """Words of each speaker (None: unlabelled speech): the alphabetic tokens of its sentence
    units (`Unit.words`), the one definition of a word count in clientlens: the analysis scores
    these words (`Report.words`, `SpeakerSummary.words`) and `clientlens speakers` lists them.
    Needs the tokenizer only: nothing is parsed."""
    counts: dict[str | None, int] = {}
    for par in parse_transcript(nlp, transcript, lambda forms: False):
        for unit in par.units:
            counts[unit.sentence.speaker] = counts.get(unit.sentence.speaker, 0) + unit.words
    return counts


def paragraph(nlp: Language, text: str, offset: int, t_index: int, transcript: Transcript) -> Paragraph:
    """The sentence units of one paragraph (typographic spaces already made plain)."""
    tokens = Tokens(nlp.make_doc(text))
    units = [tokens.unit(start, end, offset, t_index, transcript) for start, end in tokens.sentences()]
    return Paragraph(offset, t_index, [u for u in units if u is not None])


def with_parses(
    nlp: Language, paragraphs: Sequence[Paragraph], texts: Sequence[str], needs_parse: NeedsParse
) -> Iterator[Paragraph]:
    """The paragraphs (with their spaCy texts) with their candidate sentences parsed, in one batch."""
    todo = [(p, k) for p, par in enumerate(paragraphs) for k, u in enumerate(par.units)
            if u.parsed is None and needs_parse(u.forms)]

    def text_of(p: int, k: int) -> str:  # the paragraph's own characters (typographic spaces made plain)
        sentence = paragraphs[p].units[k].sentence
        start = sentence.start - paragraphs[p].offset
        return texts[p][start : start + len(sentence.text)]

    units = [list(par.units) for par in paragraphs]
    parsed = nlp.pipe((text_of(p, k) for p, k in todo), batch_size=GROUP_SIZE)
    for (p, k), doc in zip(todo, parsed, strict=True):
        units[p][k] = replace(units[p][k], parsed=doc)
    for par, kept in zip(paragraphs, units, strict=True):
        yield replace(par, units=kept)


def parsed_paragraph(doc: Doc, transcript: Transcript, needs_parse: NeedsParse) -> Paragraph:
    """A Doc the caller parsed, as one paragraph: its own sentences, each candidate sentence
    copied to a Doc of its own (as analysis parses them)."""
    tokens, units = Tokens(doc), []
    for sent in doc.sents:
        u = tokens.unit(sent.start, sent.end, 0, 0, transcript)
        if u is not None:
            units.append(replace(u, parsed=sent.as_doc()) if needs_parse(u.forms) else u)
    return Paragraph(0, 0, units)


def whole_text_unit(nlp: Language, text: str) -> Unit:
    """A text as one unit, whatever its sentences (a corpus sentence: its label covers it all)."""
    tokens = Tokens(nlp.make_doc(text))
    transcript = Transcript(text, (Turn(None, 0, len(text)),))
    u = tokens.unit(0, len(tokens.forms), 0, 0, transcript) if tokens.forms else None
    return u or Unit(Sentence(text, 0, len(text), None), (), (), (), None, 0)


def times(transcript: Transcript, turn: int, start: int, end: int) -> tuple[float | None, float | None]:
    """Times of a text span: from the cues of timed formats, else from the turn's timestamp."""
    if transcript.cues:
        return transcript.time_span(start, end)
    t = transcript.turns[turn]
    return t.t_start, t.t_end
