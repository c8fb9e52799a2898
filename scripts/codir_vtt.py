"""Write the Teams WebVTT twin of a timestamped plain-text meeting (examples/codir_rivaud.txt).

Each turn `[hh:mm:ss] Name (title) : text` becomes Teams-style cues `<v Name (title)>…</v>`, one
per sentence, timed at the reading pace of WORDS_PER_SECOND from the turn's timestamp, so that
the two files are the same meeting. Usage: python scripts/codir_vtt.py examples/codir_rivaud.txt
"""

from __future__ import annotations

import re
import sys
import uuid
from pathlib import Path

#: Conversational French runs at about 2.5 words a second (150 words a minute).
WORDS_PER_SECOND = 2.5

_TURN = re.compile(r"^\[(\d\d):(\d\d):(\d\d)\] ([^:]+?) : (.*)$")


def stamp(seconds: float) -> str:
    """00:01:02.500."""
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def to_vtt(text: str, meeting: str) -> str:
    """The WebVTT of a timestamped plain-text meeting."""
    out = ["WEBVTT", "", "NOTE", f"Transcription Microsoft Teams, {meeting}.", ""]
    ns = uuid.UUID("6f1c2a4e-0b7d-4c3a-9e58-1d2f3a4b5c6d")
    for n, line in enumerate(row for row in text.splitlines() if row.strip()):
        match = _TURN.match(line)
        if not match:
            raise SystemExit(f"not a timestamped turn: {line[:60]}")
        h, m, s, who, speech = match.groups()
        t = int(h) * 3600 + int(m) * 60 + int(s)
        for k, sentence in enumerate(re.split(r"(?<=[.?!])\s+", speech.strip())):
            end = t + max(1.0, len(sentence.split()) / WORDS_PER_SECOND)
            out += [f"{uuid.uuid5(ns, str(n))}/{n}-{k}", f"{stamp(t)} --> {stamp(end)}",
                    f"<v {who}>{sentence}</v>", ""]
            t = end
    return "\n".join(out)


if __name__ == "__main__":
    source = Path(sys.argv[1])
    source.with_suffix(".vtt").write_text(to_vtt(source.read_text("utf-8"), "comité de direction"), "utf-8")
