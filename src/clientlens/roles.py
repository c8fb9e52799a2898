"""Speaker roles: who leads, and who only asks (interviewers, facilitators, note-takers).

Roles come from the speaker's label first (« Journaliste : », « Claire Vasseur (DG) : »,
« DG - Claire Vasseur : »; the titles are in src/clientlens/lang/<code>/roles.json), then from
the format (the record of a hearing names who questions: Transcript.questioners), then from
behaviour: a speaker who mostly asks short questions is an interviewer (`asks_questions`).
Speakers with a role in `NOT_SCORED_ROLES` are left out of scoring unless named (pipeline).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from clientlens.io.plain import normalize_name
from clientlens.io.transcript import Transcript
from clientlens.lang import language

#: The roles of speakers who run the conversation rather than answer: not scored by default.
NOT_SCORED_ROLES = ("interviewer", "facilitator", "note_taker")

#: The behaviour rule of an interviewer (docs/team.md). A speaker is one when, over at least
#: MIN_TURNS turns, at least QUESTION_TURN_SHARE of the turns are short questions (ending with
#: « ? », at most SHORT_TURN_WORDS words) AND at most OTHER_WORDS_SHARE of their words are said
#: outside such turns. The second condition keeps a leader who asks many questions in a codir
#: but also speaks at length: their long turns carry most of their words. The thresholds come
#: from the corpus transcripts: interviewers' questions run 5-35 words, and the leaders' answers
#: average over 60 words per turn.
MIN_TURNS = 3
SHORT_TURN_WORDS = 40
QUESTION_TURN_SHARE = 0.6
OTHER_WORDS_SHARE = 0.25

_SEPARATORS = re.compile(r"\s+[-–—]\s+|\s*,\s+")
_QUESTION_END = re.compile(r"\?[\s»\"”’')\]…]*$")


@dataclass(frozen=True)
class SpeakerRole:
    """What a speaker label says of its speaker.

    Attributes:
        label: the speaker label as read (« Claire Vasseur (DG) »).
        name: the person's name without the title (« Claire Vasseur »), or the label itself.
        title: the title as written in the label (« DG », « Journaliste »), or None.
        role: what the speaker does in the conversation: "leader", "interviewer", "facilitator",
            "note_taker", or None (a member).
        basis: how the role was found: "label", "format" (the layout shows them asking, such as
            the committee in the record of a hearing: Transcript.questioners), "questions"
            (behaviour) or None.
    """

    label: str
    name: str
    title: str | None
    role: str | None
    basis: str | None

    @property
    def scored_by_default(self) -> bool:
        """Whether the speaker counts when no speaker is named."""
        return self.role not in NOT_SCORED_ROLES


@cache
def _role_words() -> dict[str, str]:
    """Folded title -> role."""
    data = language().data("roles")
    out = {normalize_name(w): kind for kind, words in data["not_scored"].items() for w in words}
    out.update({normalize_name(w): "leader" for w in data["leader"]})
    return out


@cache
def _complement() -> re.Pattern[str]:
    """Where a title's complement starts (« directrice générale | de la Mutuelle »), folded: the
    roles file's `complement_words`."""
    words = "|".join(re.escape(normalize_name(w)) for w in language().data("roles")["complement_words"])
    return re.compile(rf" (?:{words}) ")


def role_of(title: str | None) -> str | None:
    """The role a title stands for (« Secrétaire de séance » -> "note_taker"), or None; a title
    not known as a whole is read without its complement (« PDG du groupe Vellane » -> "leader")."""
    if not title:
        return None
    key = normalize_name(title)
    words = _role_words()
    if key in words:
        return words[key]
    head = _complement().split(f"{key} ", maxsplit=1)[0].strip()
    return words.get(head) if head != key else None


def split_label(label: str) -> tuple[str, str | None]:
    """(name, title) of a speaker label.

    Example:
        >>> split_label("Claire Vasseur (DG)")
        ('Claire Vasseur', 'DG')
        >>> split_label("DG - Claire Vasseur")
        ('Claire Vasseur', 'DG')
        >>> split_label("Journaliste")
        ('Journaliste', 'Journaliste')
        >>> split_label("Marc Lefèvre")
        ('Marc Lefèvre', None)
    """
    label = " ".join(label.split())
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", label)
    if match:
        return match[1].strip(), match[2].strip()
    parts = _SEPARATORS.split(label, maxsplit=1)
    if len(parts) == 2:
        first, second = parts
        if role_of(first) or _is_known_role(first):
            return second, first
        if role_of(second) or _is_known_role(second):
            return first, second
    if role_of(label) or _is_known_role(label):
        return label, label
    return label, None


@cache
def _known_roles() -> frozenset[str]:
    return frozenset(normalize_name(w) for w in language().rules("speaker_labels")["roles"])


def _is_known_role(text: str) -> bool:
    return normalize_name(text) in _known_roles()


def member_key(label: str) -> str:
    """The key under which one person's labels merge across files: the name without the role,
    without case, accents or extra spaces (« DG - Claire Vasseur » == « claire vasseur (dg) »)."""
    return normalize_name(split_label(label)[0])


def asks_questions(turns: list[str], most_words: bool = False) -> bool:
    """Whether a speaker's turns (their texts) read as an interviewer's: see MIN_TURNS.

    The speaker who says the most words of a transcript is never taken for an interviewer by
    behaviour (in an interview, the interviewee speaks most)."""
    if most_words or len(turns) < MIN_TURNS:
        return False
    sizes = [len(t.split()) for t in turns]
    short_questions = [n <= SHORT_TURN_WORDS and bool(_QUESTION_END.search(t))
                       for t, n in zip(turns, sizes, strict=True)]
    other_words = sum(n for n, q in zip(sizes, short_questions, strict=True) if not q)
    return (sum(short_questions) >= QUESTION_TURN_SHARE * len(turns)
            and other_words <= OTHER_WORDS_SHARE * sum(sizes))


def speaker_roles(transcript: Transcript) -> dict[str, SpeakerRole]:
    """The role of every labelled speaker of a transcript, in order of first appearance.

    Labels of one person (« Antoine Leclerc (consultant) », then « Antoine Leclerc ») share the
    title and role found on any of them, and their turns are judged together."""
    turns: dict[str, list[str]] = defaultdict(list)
    for t in transcript.turns:
        if t.speaker is not None:
            turns[member_key(t.speaker)].append(transcript.text[t.start : t.end])
    words = {key: sum(len(x.split()) for x in texts) for key, texts in turns.items()}
    top = max(words.values(), default=0)
    titles: dict[str, str] = {}
    for label in transcript.speakers:
        title = split_label(label)[1]
        if title is not None:
            titles.setdefault(member_key(label), title)
    out = {}
    for label in transcript.speakers:
        key = member_key(label)
        name, title = split_label(label)[0], split_label(label)[1] or titles.get(key)
        role, basis = role_of(title), "label"
        if role is None and label in transcript.questioners:
            role, basis = "interviewer", "format"
        if role is None:
            by_behaviour = asks_questions(turns[key], words[key] == top and len(words) > 1)
            role, basis = ("interviewer", "questions") if by_behaviour else (None, None)
        out[label] = SpeakerRole(label=label, name=name, title=title, role=role, basis=basis)
    return out


def not_scored(transcript: Transcript) -> dict[str, str]:
    """Speakers left out of scoring by default (label -> role); never all of them."""
    roles = speaker_roles(transcript)
    out = {label: r.role for label, r in roles.items() if not r.scored_by_default and r.role}
    has_unlabelled = any(t.speaker is None for t in transcript.turns)
    return out if len(out) < len(roles) or has_unlabelled else {}
