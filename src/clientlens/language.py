"""Language stage: the French spaCy pipeline, loaded once per process."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_MODEL = "fr_core_news_sm"

#: Components the analysis does not use. The parser stays: it splits sentences and the
#: context rules read its dependencies. NER is only needed for redaction.
#: Measured by bench/run.py (docs/benchmarks.md).
UNUSED_COMPONENTS: tuple[str, ...] = ("ner",)

#: Texts are fed to spaCy in paragraphs: bounded memory, and batching through nlp.pipe.
_PARAGRAPH = re.compile(r"\S(?:.*?\S)?(?=\s*(?:\n[ \t]*\n|\n(?=[ \t]*[-•*])|$))", re.DOTALL)
_MAX_SEGMENT_CHARS = 20_000
#: Typographic spaces become plain spaces before parsing (same length, so offsets hold):
#: the tokenizer would otherwise make « agressivité\u00a0commerciale » three tokens.
_PLAIN_SPACES = str.maketrans(dict.fromkeys("\u00a0\u202f\u2007\u2009\u200a\u2002\u2003", " "))


@cache
def load_nlp(model: str = DEFAULT_MODEL) -> Language:
    """Load the French pipeline once per process, without the components clientlens does not use."""
    return spacy.load(model, exclude=list(UNUSED_COMPONENTS))


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


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
    """Run the pipeline over texts in batches."""
    return nlp.pipe(texts, batch_size=batch_size)
