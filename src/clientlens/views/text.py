"""Plain-text view of a Report: the summary a consultant reads in a terminal."""

from __future__ import annotations

import math
import re
from functools import cache
from typing import TYPE_CHECKING

from clientlens.lang import report_strings

if TYPE_CHECKING:
    from clientlens.behaviours import Profile
    from clientlens.records import Evidence
    from clientlens.report import Report

#: Width of a behaviour's quote in the text views (characters).
BEHAVIOUR_QUOTE_WIDTH = 100


def verdict_text(verdict: str, language: str | None = None, signals: bool = True) -> str:
    """« GO - the leadership shows respect for customers », in a report language; a probe
    verdict with no counted signal (`signals` false) is explained as absence, not as mixed
    signals."""
    strings = report_strings(language)
    explained = strings["verdict_explained"][verdict]
    if verdict == "probe" and not signals:
        explained = strings["report"]["probe_no_signal"]
    return f"{strings['verdict'][verdict]} - {explained}"


def summary(report: Report, quotes: int = 5, language: str | None = None) -> str:
    """A plain-text summary for a person: index, verdict, components and quotes, in a report
    language (French by default, docs/team.md)."""
    strings = report_strings(language)
    t, roles, names = strings["report"], strings["role"], strings["names"]
    go, walk_away = thresholds(report)
    lo, hi = report.interval
    signals = counted_signals(report)
    lines = [
        f"{t['index']}: {report_index(report)}/100 ({t['interval']} {lo:.0f}-{hi:.0f})",
        f"{t['verdict']}: {verdict_text(report.verdict, language, any(signals.values()))}",
        f"{t['words_scored']}: {report.words}",
        "",
        f"{t['components']}:",
    ]
    for name, c in report.components.items():
        lines.append(f"  {names.get(name, name):<28} {c.points:+6.1f}  ({signals[name]} {t['signals']}, "
                     f"{c.score:.1f}{t['per_thousand']})")
    lines += ["", f"{t['quotes']}:"]
    top = report.top_evidence(quotes)
    for e in top:
        who = f"{e.speaker}: " if e.speaker else ""
        family = names.get(e.family, e.family)
        lines.append(f"  [{e.impact:+.1f}] {who}« {quote(report, e)} » ({family}{_why(e, language)})")
    if not top:
        lines.append(f"  {t['none']}")
    lines += ["", *behaviour_lines(report.behaviours(), language, short_speakers(report))]
    if len(report.speakers) > 1:
        lines += ["", f"{t['speakers']}:"]
        for s in sorted(report.speakers, key=lambda s: not s.scored):  # the scored speaker's verdict first
            if s.index is None or s.verdict is None:
                idx = t["not_scored"] + (f" ({roles[s.role]})" if s.role in roles else "")
            else:
                idx = f"{shown_index(s.index, s.verdict, go, walk_away)} ({strings['verdict_word'][s.verdict]})"
            lines.append(f"  {s.name:<28} {s.words:>6} {t['words']}  {s.share:5.0%}  {t['index_word']} {idx}")
    if report.warnings:
        lines += ["", f"{t['warnings']}:", *(f"  - {warning_text(w, language)}" for w in report.warnings)]
    return "\n".join(lines)


def short_speakers(report: Report) -> frozenset[str | None]:
    """The speakers who said too little to judge (None: the unlabelled text of a short report):
    for them the absence of a behaviour says nothing."""
    from clientlens.taxonomy import INSUFFICIENT

    short = {s.name for s in report.speakers if s.verdict == INSUFFICIENT}
    return frozenset(short | ({None} if report.verdict == INSUFFICIENT else set()))


def behaviour_lines(profiles: tuple[Profile, ...], language: str | None = None,
                    short: frozenset[str | None] = frozenset(), indent: str = "  ") -> list[str]:
    """The four behaviours of each profile: a mark, the behaviour, and its first quote or the
    sentence saying it is absent (the absence is information), except for the `short` speakers,
    who said too little for an absence to mean anything."""
    from clientlens.taxonomy import BEHAVIOURS

    b = report_strings(language)["behaviours"]
    lines = [f"{b['title']} ({b['legend']}):"]
    for p in profiles:
        pad = indent
        if len(profiles) > 1 or p.speaker is not None:
            lines.append(f"{indent}{p.speaker or '-'}:")
            pad = indent * 2
        for name in BEHAVIOURS:
            signs = p.signs.get(name, ())
            if signs:
                more = f" ({b['more'].format(n=len(signs) - 1)})" if len(signs) > 1 else ""
                quote = cut(signs[0].text, BEHAVIOUR_QUOTE_WIDTH)
                lines.append(f"{pad}{b['present_mark']} {b['names'][name]}: « {quote} »{more}")
            elif p.speaker not in short:
                lines.append(f"{pad}{b['absent_mark']} {b['names'][name]}: {b['absent'][name]}")
        if p.speaker in short and p.absent:
            lines.append(f"{pad}{b['absent_mark']} {b['others'] if len(p.absent) < len(BEHAVIOURS) else ''}"
                         .rstrip() + f": {b['too_short']}")
        elif len(p.absent) == len(BEHAVIOURS):
            lines.append(f"{pad}{b['everything_absent']}")
    return lines


def reason_text(reason: str, language: str | None = None) -> str:
    """A context rule's reason, as the report's JSON writes it (English), in a report language.

    The reasons are the templates of the `reason` section of lang/en/report.json; the same key
    of the report language gives the words, with the quoted words of the transcript kept. A
    reason made of several down-weights (« ; ») is translated part by part; one that matches
    no template (a report from another version) is shown as it is.

    Example:
        >>> reason_text("negated: « jamais »", "fr")
        'nié : « jamais »'
    """
    whole = _translated("reason", reason, language)
    if whole is not None:
        return whole
    parts = reason.split("; ")
    return "; ".join(_translated("reason", part, language) or part for part in parts)


def warning_text(warning: str, language: str | None = None) -> str:
    """A report's warning, as its JSON writes it (English), in a report language: the templates
    of the `warning` section of lang/en/report.json; one that matches no template is shown as
    it is."""
    return _translated("warning", warning, language) or warning


@cache
def _templates(section: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(key, pattern) of each English template of a section: each {field} matches any text."""
    out = []
    for key, template in report_strings("en")[section].items():
        pieces = re.split(r"\{(\w+)\}", template)
        pattern = "".join(re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)" for i, piece in enumerate(pieces))
        out.append((key, re.compile(pattern, re.DOTALL)))
    return tuple(out)


def _translated(section: str, text: str, language: str | None) -> str | None:
    """`text` written with the report language's template of the same key, or None if it
    matches no English template. Speaker roles in a `speakers` field are named in that language."""
    strings = report_strings(language)
    roles = strings["role"]
    for key, pattern in _templates(section):
        match = pattern.fullmatch(text)
        if match:
            fields = match.groupdict()
            if "speakers" in fields:
                fields["speakers"] = re.sub(r"\((\w+)\)", lambda m: f"({roles.get(m[1], m[1])})", fields["speakers"])
            return str(strings[section][key].format(**fields))
    return None


def counted_signals(report: Report) -> dict[str, int]:
    """Pieces of counted evidence per component: a whole number, where the component's `count`
    is a weighted total (2.5 when a hit is down-weighted)."""
    out = dict.fromkeys(report.components, 0)
    for e in report.evidence:
        if e.counted and e.component in out:
            out[e.component] += 1
    return out


def sentence_of(report: Report, e: Evidence) -> str:
    """The words behind a piece of evidence, on one line: its sentence for a lexicon hit."""
    text = e.text if e.source == "classifier" or not report.sentences else report.sentences[e.sentence].text
    return " ".join(text.split())


def quote(report: Report, e: Evidence, width: int = 160) -> str:
    """The words behind a piece of evidence (`sentence_of`), cut at a word boundary within `width`."""
    return cut(sentence_of(report, e), width)


def cut(text: str, width: int = 160) -> str:
    """`text` on one line, at most `width` characters, cut after a whole word with an ellipsis.

    Example:
        >>> cut("Nos clients sont des partenaires", 20)
        'Nos clients sont…'
    """
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    head = text[: width - 1]
    if text[width - 1] != " " and " " in head:  # never half a word
        head = head[: head.rfind(" ")]
    return head.rstrip(" ,;:.-–") + "…"


def band(index: float, go: float, walk_away: float) -> str:
    """The verdict band of an index value (go, probe or walk_away)."""
    return "go" if index >= go else "walk_away" if index < walk_away else "probe"


def shown_index(index: float, verdict: str, go: float, walk_away: float) -> str:
    """The index as printed: a whole number, unless rounding would carry it across a verdict
    threshold (39.7 would read « 40 » beside walk away): then one decimal, rounded down (« 39.7 »).

    Example:
        >>> shown_index(39.7, "walk_away", 65, 40), shown_index(40.2, "probe", 65, 40)
        ('39.7', '40')
    """
    whole = f"{index:.0f}"
    if verdict not in ("go", "probe", "walk_away") or band(float(whole), go, walk_away) == verdict:
        return whole
    return f"{math.floor(index * 10) / 10:.1f}"


def thresholds(report: Report) -> tuple[float, float]:
    """(go, walk_away) as used for this report: its provenance, else the bundled index model."""
    found = report.provenance.get("settings", {}).get("thresholds") or {}
    if "go" in found and "walk_away" in found:
        return float(found["go"]), float(found["walk_away"])
    from clientlens.index import load_index_model

    model = load_index_model()
    return model.go, model.walk_away


def report_index(report: Report) -> str:
    """The report's index as printed beside its verdict (`shown_index`)."""
    return shown_index(report.index, report.verdict, *thresholds(report))


def _why(e: Evidence, language: str | None = None) -> str:
    return f", {reason_text(e.reason, language)}" if e.reason else ""


def clock(seconds: float) -> str:
    """A time in a recording as a person writes it: 4:05, or 1:02:05 past the hour."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
