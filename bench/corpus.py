"""Benchmark corpus built from the rated transcripts (corpus/transcripts/*.txt).

Meetings of any length are made by chaining the turns of several transcripts under one fixed
cast, so a 9,000-word « one-hour meeting » has consistent speaker labels: each source's leader
speaks as the meeting's chair, the other speakers take the participants' names in order of
appearance. The short interviews are the rated transcripts themselves. Deterministic: the same
arguments always give the same text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache

from clientlens.io.plain import normalize_name, parse_text
from clientlens.validation import transcripts_dir

CHAIR = "Claire Vasseur"
PARTICIPANTS = ("Marc Lefèvre", "Inès Boulanger", "Paul Girard", "Léa Moreau")


def words(text: str) -> int:
    """Whitespace-separated words: the unit of every throughput figure."""
    return len(text.split())


@cache
def _sources() -> tuple[tuple[str, tuple[tuple[str | None, str], ...]], ...]:
    """(leader, ((speaker, speech), ...)) for each rated transcript, in file order."""
    folder = transcripts_dir()
    out = []
    for rating in _dense_ratings():
        transcript = parse_text((folder / rating["file"]).read_text("utf-8"))
        turns = tuple((t.speaker, transcript.text[t.start : t.end]) for t in transcript.turns)
        out.append((rating["leader"], turns))
    return tuple(out)


def interviews() -> list[str]:
    """The rated transcripts as they are: short interviews and meetings (250 to 1,500 words)."""
    folder = transcripts_dir()
    return [(folder / r["file"]).read_text("utf-8") for r in sorted(_dense_ratings(), key=lambda r: r["file"])]


def _dense_ratings() -> list[dict]:
    """The 180 interview and meeting transcripts (the short real-register texts, part
    `real_register`, are left out so that the benchmark text stays what it was)."""
    lines = (transcripts_dir() / "ratings.jsonl").read_text("utf-8").splitlines()
    return [r for r in map(json.loads, filter(None, lines)) if r.get("part") != "real_register"]


def _cast_turns(start: int) -> Iterator[tuple[str, str]]:
    """Endless (label, speech) turns, chaining sources from `start`, relabelled to the fixed cast."""
    sources = _sources()
    i = start
    while True:
        leader, turns = sources[i % len(sources)]
        others: dict[str | None, str] = {}
        for speaker, speech in turns:
            if speaker is not None and normalize_name(speaker) == normalize_name(leader):
                label = CHAIR
            else:
                label = others.setdefault(speaker, PARTICIPANTS[len(others) % len(PARTICIPANTS)])
            yield label, " ".join(speech.split())
        i += 1


def meeting(n_words: int = 9_000, start: int = 0) -> str:
    """A meeting transcript of at least `n_words` words (labels included), cut at a turn boundary."""
    lines: list[str] = []
    total = 0
    for label, speech in _cast_turns(start):
        if total >= n_words:
            break
        line = f"{label} : {speech}"
        lines.append(line)
        total += words(line)
    return "\n\n".join(lines) + "\n"


def meetings(count: int, n_words: int = 9_000) -> list[str]:
    """`count` different meetings, each starting from a different source transcript."""
    return [meeting(n_words, start=7 * i) for i in range(count)]
