"""Read stage: bytes or text -> Transcript with speaker turns and character offsets.

Offsets always index ``transcript.text``, so that ``transcript.text[start:end]`` is exactly
the quoted text. For .txt/.md input that text is the *decoded* input (after BOM removal);
for the timed formats (.vtt, .srt, .json, Teams .docx) it is the text clientlens builds from
the cues, and for other .docx files the paragraphs joined with "
" (see clientlens.io.cues)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import cache

from clientlens.errors import InputError
from clientlens.io.decode import max_input_bytes
from clientlens.io.transcript import Transcript, Turn
from clientlens.lang import language

_TIMESTAMP = r"(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?[ \t]*(?:[-–—][ \t]*)?)"


# A label: 1-6 name-like words, optional "(role)", then a colon (French or English spacing).
_LABEL_LINE = re.compile(
    rf"^[ \t]*(?P<ts>{_TIMESTAMP})?"
    r"(?P<label>(?P<name>[A-ZÀ-ÖØ-Þ][\w.'’\-]*(?:[ \t]+[\w.'’\-]+){0,5}?)"
    r"(?:[ \t]*\((?P<role>[^()\n]{1,60})\))?)"
    r"[ \t\u00a0\u202f]*:[ \t\u00a0\u202f]*",
    re.MULTILINE,
)


_NOT_ONLY_DIGITS = re.compile(r"\D")


def parse_text(text: str, source: str | None = None, *, max_bytes: int | None = None) -> Transcript:
    """Split text into speaker turns; text without speaker labels is one anonymous turn.

    Raises:
        InputError: an empty text, labels without speech, or more characters than the size
            limit (`max_bytes`; see clientlens.io.decode.max_input_bytes).
    """
    limit = max_input_bytes(max_bytes)
    if len(text) > limit:
        raise InputError(f"the text has {len(text):,} characters; the limit is {limit:,} (raise it with "
                         "--max-bytes, max_bytes= or CLIENTLENS_MAX_BYTES)")
    if not text.strip():
        raise InputError("the input is empty")
    labels = [m for m in _LABEL_LINE.finditer(text) if _is_line_start(text, m.start())]
    speakers = _accepted_labels(labels)
    turns: list[Turn] = []
    accepted = [m for m in labels if _label_key(m) in speakers]
    first = accepted[0].start() if accepted else len(text)
    _add_turn(turns, text, None, 0, first, None)
    for i, match in enumerate(accepted):
        end = accepted[i + 1].start() if i + 1 < len(accepted) else len(text)
        _add_turn(turns, text, _display_label(match), match.end(), end, clock_seconds(match["ts"]))
    if not turns:
        raise InputError("the input has speaker labels but no speech")
    return Transcript(text=text, turns=tuple(turns), source=source)


def _is_line_start(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] in "\n\r"


def _add_turn(
    turns: list[Turn], text: str, speaker: str | None, start: int, end: int, t: float | None
) -> None:
    """Append a turn trimmed of surrounding whitespace, unless it holds no speech."""
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    turns.append(Turn(speaker, start + lead, start + lead + len(stripped), t_start=t))


def _display_label(match: re.Match[str]) -> str:
    label = " ".join(match["name"].split())
    return f"{label} ({' '.join(match['role'].split())})" if match["role"] else label


def _label_key(match: re.Match[str]) -> str:
    return normalize_name(match["name"])


def _accepted_labels(matches: list[re.Match[str]]) -> set[str]:
    """Keep labels that are speakers, not headings such as « Attention : » or « Objectif : »."""
    counts = Counter(_label_key(m) for m in matches)
    return {
        _label_key(m) for m in matches if is_speaker_label(m["name"], counts[_label_key(m)], bool(m["role"]))
    }


def is_speaker_label(name: str, count: int = 1, role: bool = False) -> bool:
    """Whether a label seen `count` times (with a role in parentheses or not) names a speaker.

    A label is a speaker when it repeats, has a role, is a known role word (« DG ») or looks like a
    person's name (2+ capitalised words); headings (« Objectif », « Attention ») and numbers never are.
    """
    words = _label_words()
    key = normalize_name(name)
    if key in words["not_speakers"] or not _NOT_ONLY_DIGITS.search(key):
        return False
    person_like = len(name.split()) >= 2 and all(w[:1].isupper() for w in name.split())
    return count >= 2 or role or key in words["roles"] or person_like


def find_labels(texts: Sequence[str]) -> list[tuple[str | None, int]]:
    """For each text (a cue), the speaker label at its start and the offset where its speech begins.

    Labels are the `Name :` labels of plain text, accepted with the same rules over all the texts
    together; a text without an accepted label gives (None, 0).
    """
    matches = [_LABEL_LINE.match(t) for t in texts]
    accepted = _accepted_labels([m for m in matches if m])
    return [(_display_label(m), m.end()) if m and _label_key(m) in accepted else (None, 0) for m in matches]


@cache
def _label_words() -> dict[str, frozenset[str]]:
    data = language().rules("speaker_labels")
    return {k: frozenset(normalize_name(w) for w in data[k]) for k in ("roles", "not_speakers")}


def clock_seconds(stamp: str | None) -> float | None:
    """Seconds of a clock time such as « 1:02 », « [00:01:02] » or « 00:00:03,120 »; None if empty."""
    if not stamp:
        return None
    parts = re.findall(r"\d+(?:[.,]\d+)?", stamp)
    values = [float(p.replace(",", ".")) for p in parts]
    seconds = 0.0
    for v in values:
        seconds = seconds * 60 + v
    return seconds


def normalize_name(name: str) -> str:
    """Speaker-name key: no case, no accents, no role in parentheses, single spaces."""
    name = re.sub(r"\([^)]*\)", " ", name)
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = re.sub(r"[^\w]+", " ", name.casefold())
    return " ".join(name.split())


def read(data: bytes, source: str | None = None) -> Transcript:
    """The plain-text reader (.txt, .md): decode, then find speaker labels."""
    from clientlens.io.decode import decode_as

    return parse_text(decode_as(data, "txt"), source=source)


def parse(text: str, source: str | None = None) -> Transcript:
    """Read decoded plain text (the registry's text entry point, as the other readers')."""
    return parse_text(text, source)
