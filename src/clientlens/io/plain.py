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
from dataclasses import dataclass
from functools import cache

from clientlens.errors import InputError
from clientlens.io.decode import max_input_bytes
from clientlens.io.transcript import Transcript, Turn
from clientlens.lang import language

_TIMESTAMP = r"(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?[ \t]*(?:[-–—][ \t]*)?)"


_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_NAME = r"[A-ZÀ-ÖØ-Þ][\w.'’\-]*(?:[ \t]+[\w.'’\-]+){0,5}?"
_ROLE = r"(?:[ \t]*\((?![ \t]*\d{1,2}:\d{2})(?P<role>[^()\n]{1,60})\))?"

# A label: 1-6 name-like words, optional "(role)", an optional clock time in brackets (« Claire
# Vasseur (00:03): », as Rev exports), then a colon (French or English spacing) that does not
# start a clock time (« Claire Vasseur  0:03 » is a timed label line, below).
_LABEL_LINE = re.compile(
    rf"^[ \t]*(?P<ts>{_TIMESTAMP})?"
    rf"(?P<label>(?P<name>{_NAME}){_ROLE})"
    rf"(?:[ \t]*[\[(](?P<ts_after>{_CLOCK})[\])])?"
    r"[ \t\u00a0\u202f]*:(?!\d{2}(?:\D|$))[ \t\u00a0\u202f]*",
    re.MULTILINE,
)

# Timed label lines, as transcription services export them: the label alone on its line with a
# clock time after the name (« Claire Vasseur  0:03 », Otter; « Claire Vasseur [00:00:03] ») or
# before it (« 00:00:03 Claire Vasseur »), the speech on the next lines.
_TIMED_AFTER = re.compile(
    rf"^[ \t]*(?P<label>(?P<name>{_NAME}){_ROLE})[ \t]+[\[(]?(?P<ts_after>{_CLOCK})[\])]?[ \t]*:?[ \t]*$",
    re.MULTILINE,
)
_TIMED_BEFORE = re.compile(
    rf"^[ \t]*(?P<ts>{_TIMESTAMP})(?P<label>(?P<name>{_NAME}){_ROLE})[ \t]*:?[ \t]*$",
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
    accepted = [m for m in labels if _label_key(m) in speakers]
    taken = {m.start() for m in accepted}
    accepted = sorted([*accepted, *(m for m in _timed_labels(text) if m.start() not in taken)], key=lambda m: m.start())
    if not accepted and (hearing := hearing_labels(text)):
        return _hearing_transcript(text, hearing, source)
    if not accepted and (questions := interview_questions(text)):
        return _interview_transcript(text, questions, source)
    turns = _labelled_turns(text, [(m.start(), m.end(), _display_label(m), clock_seconds(_clock_of(m)))
                                   for m in accepted])
    if not turns:
        raise InputError("the input has speaker labels but no speech")
    return Transcript(text=text, turns=tuple(turns), source=source)


@dataclass(frozen=True)
class HearingLabel:
    """One label of the record of a parliamentary hearing (compte rendu), as read.

    Attributes:
        start: offset of the label; end: offset where the speech begins.
        name: the person's name (« Paul Girard »), or None for a chair title alone
            (« M. le président. »).
        chair: the title shown for whoever runs the sitting (« présidente de séance »), or None.
        function: the function after the name's comma (« président-directeur général de Vellane »).
        group: the parliamentary group in parentheses (« LFI »).
    """

    start: int
    end: int
    name: str | None
    chair: str | None
    function: str | None
    group: str | None


#: The most words a hearing label's function may have (longer: a sentence, not a label).
HEARING_FUNCTION_WORDS = 20


@cache
def _hearing_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """The hearing-label expression built from the language's words, and the chair titles
    (folded title -> title shown)."""
    data = language().rules("speaker_labels")["hearing"]
    civilities = "|".join(re.escape(c) for c in sorted(data["civilities"], key=len, reverse=True))
    titles = "|".join(re.escape(t) for t in sorted(data["chair_titles"], key=len, reverse=True))
    spaced = "|".join(re.escape(p) for p in data["name_particles"] if not p.endswith(("'", "’")))
    glued = "|".join(re.escape(p) for p in data["name_particles"] if p.endswith(("'", "’")))
    word = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*"
    name = rf"{word}(?:[ \t]+(?:(?:{spaced})[ \t]+|(?:{glued}))*{word})*"
    pattern = re.compile(
        rf"^[ \t]*(?:{civilities})(?!\w)[ \t]+"
        rf"(?:(?i:le|la|l['’])[ \t]*(?P<title>(?i:{titles}))(?![\w\-])[ \t]*)?"
        rf"(?P<name>{name})?"
        r"(?:[ \t]*,[ \t]*(?P<function>[^.\n()]{2,200}?))?"
        r"(?:[ \t]*\((?P<group>[^()\n]{1,40})\))?"
        r"[ \t]*\.(?:[ \t\u00a0\u202f]*[-–—])?(?:[ \t\u00a0\u202f]+|[ \t\u00a0\u202f]*\r?\n[ \t]*)(?=\S)",
        re.MULTILINE,
    )
    return pattern, {normalize_name(k): v for k, v in data["chair_titles"].items()}


@cache
def _chair_function() -> re.Pattern[str]:
    """A function that names the chair, folded: the title alone (« présidente »), qualified
    (« rapporteur pour avis ») or of a committee (« président de la commission des finances »)."""
    data = language().rules("speaker_labels")["hearing"]
    titles = "|".join(re.escape(normalize_name(t)) for t in data["chair_titles"])
    bodies = "|".join(re.escape(normalize_name(b)) for b in data["chair_bodies"])
    qualifiers = "|".join(re.escape(normalize_name(q)) for q in data["chair_qualifiers"])
    return re.compile(rf"(?P<title>{titles})(?: (?:(?:de la |du |de l |des )?(?:{bodies})\b.*|(?:{qualifiers})))?")


def hearing_labels(text: str) -> list[HearingLabel]:
    """The labels of a hearing's record (« M. Paul Girard, président-directeur général. – … »,
    « Mme la présidente Claire Dumas. … », « M. Hugo Lemaire (LFI). … ») at the start of lines;
    [] unless the text reads as such a record: at least two labels, and someone speaking twice
    (a text that merely opens paragraphs with « M. Dupont, lui, … » is not one)."""
    pattern, chairs = _hearing_pattern()
    out = []
    for m in pattern.finditer(text):
        if not _is_line_start(text, m.start()) or not (m["name"] or m["title"]):
            continue
        function = " ".join(m["function"].split()) if m["function"] else None
        if function and len(function.split()) > HEARING_FUNCTION_WORDS:
            continue
        chair = chairs[normalize_name(m["title"])] if m["title"] else None
        if function and not chair and (of_body := _chair_function().fullmatch(normalize_name(function))):
            chair, function = chairs[of_body["title"]], None
        group = " ".join(m["group"].split()) if m["group"] else None
        name = " ".join(m["name"].split()) if m["name"] else None
        out.append(HearingLabel(m.start(), m.end(), name, chair, function, group))
    keys = [_hearing_key(h, {}) for h in out]
    return out if len(out) >= 2 and len(set(keys)) < len(keys) else []


def _hearing_key(label: HearingLabel, chair_names: dict[str, str]) -> str:
    """One person's key: the name, or for a chair title alone, the name last given with it."""
    if label.name:
        return normalize_name(label.name)
    return chair_names.get(label.chair or "", f"\u00a7{label.chair}")


def _hearing_transcript(text: str, labels: list[HearingLabel], source: str | None) -> Transcript:
    """Turns of a hearing's record. One person keeps one speaker label, « Name (title) » with the
    first title seen (chair, else function, else group). When the chair speaks and someone is
    introduced by a function, the others (the chair, and the members never given a function) are
    the transcript's `questioners`."""
    chair_names: dict[str, str] = {}
    keys = []
    for label in labels:
        if label.name and label.chair:
            chair_names[label.chair] = normalize_name(label.name)
        keys.append(_hearing_key(label, chair_names))
    names: dict[str, str] = {}
    titles: dict[str, str] = {}
    answers: set[str] = set()
    for key, label in zip(keys, labels, strict=True):
        if label.name:
            names.setdefault(key, label.name)
        title = label.chair or label.function or label.group
        if title:
            titles.setdefault(key, title)
        if label.function and not label.chair:
            answers.add(key)
    shown = {key: (f"{names[key]} ({titles[key]})" if key in titles else names[key]) if key in names
             else titles[key][:1].upper() + titles[key][1:] for key in keys}
    turns = _labelled_turns(text, [(label.start, label.end, shown[key], None)
                                   for key, label in zip(keys, labels, strict=True)])
    chaired = any(label.chair for label in labels)  # a committee's sitting, not minutes in that style
    questioners = frozenset(shown[k] for k in keys if k not in answers) if answers and chaired else frozenset()
    return Transcript(text=text, turns=tuple(turns), source=source, questioners=questioners)


#: A paragraph that ends as a question (closing quotes, brackets and Markdown emphasis allowed).
_ENDS_AS_QUESTION = re.compile(r"\?[\s»\"”’')\]…*_]*$")
_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")


def interview_questions(text: str) -> list[tuple[int, int]]:
    """The interviewer's questions of a printed interview without speaker labels (the spans of
    their paragraphs): each paragraph a short question followed by an answer paragraph, at least
    `min_pairs` times (speaker_labels.json, interview_layout); [] when the text is not laid out
    so (a speech, a blog post with a question or two as headings)."""
    layout = language().rules("speaker_labels")["interview_layout"]
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    asks = [len(text[a:b].split()) <= layout["max_question_words"] and bool(_ENDS_AS_QUESTION.search(text[a:b]))
            for a, b in paragraphs]
    answered = [i for i in range(len(paragraphs) - 1) if asks[i] and not asks[i + 1]]
    return [paragraphs[i] for i, q in enumerate(asks) if q] if len(answered) >= layout["min_pairs"] else []


def _interview_transcript(text: str, questions: list[tuple[int, int]], source: str | None) -> Transcript:
    """Turns of a printed interview: the questions under the layout's label, the rest of the
    text (the answers, and any introduction) as unlabelled speech."""
    label = language().rules("speaker_labels")["interview_layout"]["question_label"]
    turns: list[Turn] = []
    at = 0
    for start, end in questions:
        _add_turn(turns, text, None, at, start, None)
        _add_turn(turns, text, label, start, end, None)
        at = end
    _add_turn(turns, text, None, at, len(text), None)
    return Transcript(text=text, turns=tuple(turns), source=source, questioners=frozenset({label}))


def _labelled_turns(text: str, labels: list[tuple[int, int, str, float | None]]) -> list[Turn]:
    """The turns of labels given as (label start, speech start, speaker, time), in text order:
    each runs to the next label; text before the first label is an unlabelled turn."""
    turns: list[Turn] = []
    _add_turn(turns, text, None, 0, labels[0][0] if labels else len(text), None)
    for i, (_, speech, speaker, t) in enumerate(labels):
        end = labels[i + 1][0] if i + 1 < len(labels) else len(text)
        _add_turn(turns, text, speaker, speech, end, t)
    return turns


def _clock_of(match: re.Match[str]) -> str | None:
    """The clock time of a label, before or after the name."""
    found = match.groupdict()
    return found.get("ts") or found.get("ts_after")


def _timed_labels(text: str) -> list[re.Match[str]]:
    """Timed label lines (_TIMED_AFTER, _TIMED_BEFORE) that name speakers; none unless one name
    comes back (a transcript, not a timed agenda)."""
    found = [m for pattern in (_TIMED_AFTER, _TIMED_BEFORE) for m in pattern.finditer(text)]
    if len({_label_key(m) for m in found}) == len(found):
        return []
    speakers = _accepted_labels(found)
    return [m for m in found if _label_key(m) in speakers]


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
