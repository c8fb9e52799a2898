"""Read stage, PDF: the text layer of a PDF (the record of a hearing, minutes, an interview
printed to PDF) -> plain text -> clientlens.io.plain.parse_text.

A PDF holds lines, not paragraphs. The text clientlens builds from it, which report offsets
index, is the pages' lines with three repairs:

- the running header and footer are dropped: a first or last line of a page that recurs, its
  digits aside (« Page 3 / 12 »), on at least half of the pages of a document of three pages or
  more;
- a line that does not end a sentence is joined to the next with a space, so that a speaker
  label or a sentence cut by the page width reads whole;
- typographic ligatures (« ﬁ », « ﬂ »…) are spelt out.

Scanned documents have no text layer: they are refused with a message that says so, as are
encrypted and damaged files. pypdf is imported on first use.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from clientlens.errors import InputError
from clientlens.io.decode import EXPECTED, found_in
from clientlens.io.plain import parse_text
from clientlens.io.transcript import Transcript

#: A line that ends a sentence (also « (Sourires.) », a label, a heading ending with a colon): kept as a line.
_ENDS_SENTENCE = re.compile(r"(?:[.!?…:;»\"”]|[.!?…][)\]])\s*$")
_DIGITS = re.compile(r"\d+")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
#: Pages from which a recurring first or last line is taken for a running header or footer.
MIN_PAGES_FOR_RUNNING_LINES = 3


def read(data: bytes, source: str | None = None) -> Transcript:
    """The PDF reader: the text layer, repaired (module docstring), read as plain text.

    Raises:
        InputError: not a PDF, damaged, encrypted, or without a text layer (a scan).
    """
    return replace(parse_text(pdf_text(data), source=source), format="pdf")


def pdf_text(data: bytes) -> str:
    """The text clientlens reads from a PDF's bytes (module docstring)."""
    text = repaired_text(_page_texts(data))
    if not text.strip():
        raise InputError("the PDF has no text layer (a scanned document?): run it through OCR first, "
                         "or give the transcript as text")
    return text


def repaired_text(pages: list[str]) -> str:
    """The pages' extracted text, repaired as the module docstring says."""
    kept = _without_running_lines([page.splitlines() for page in pages])
    lines = [line.strip() for page in kept for line in page]
    return _joined([line for line in lines if line]).translate(_LIGATURES)


def _page_texts(data: bytes) -> list[str]:
    if not data.startswith(b"%PDF-"):
        raise InputError(f"expected {EXPECTED['pdf']}, found {found_in(data)}")
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        with _quiet(logging.getLogger("pypdf")):  # damaged-but-readable files warn at length
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise InputError("the PDF is encrypted with a password: give a copy without protection")
            return [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except DependencyError:  # an encryption scheme that needs an optional extra of pypdf
        raise InputError("the PDF is encrypted: give a copy without protection") from None
    except Exception as exc:  # pypdf raises many kinds of errors on broken files: never a traceback
        raise InputError(f"the PDF cannot be read ({type(exc).__name__}): it may be damaged") from None


@contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """The logger's warnings silenced for the block, its level restored after."""
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _without_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """The pages without their running header and footer (module docstring)."""
    if len(pages) < MIN_PAGES_FOR_RUNNING_LINES:
        return pages
    kept = [[line for line in page if line.strip()] for page in pages]
    edges = Counter(key for page in kept for key in {_line_key(page[0]), _line_key(page[-1])} if page)
    running = {key for key, n in edges.items() if n >= len(pages) / 2}
    out = []
    for page in kept:
        while page and _line_key(page[0]) in running:
            page = page[1:]
        while page and _line_key(page[-1]) in running:
            page = page[:-1]
        out.append(page)
    return out


def _line_key(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.split()))


def _joined(lines: list[str]) -> str:
    """Lines joined with a space where the first does not end a sentence, else a new line."""
    out: list[list[str]] = []
    for line in lines:
        if out and not _ENDS_SENTENCE.search(out[-1][-1]):
            out[-1].append(line)
        else:
            out.append([line])
    return "\n".join(" ".join(parts) for parts in out)

