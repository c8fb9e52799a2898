"""HTML rendering of a Report: a fragment for Jupyter and a standalone page to send.

Self-contained on purpose: inline SVG and CSS scoped under `.clientlens`, no JavaScript, no
web font, no network, so the page opens offline from an e-mail attachment and a notebook
cell cannot restyle the rest of Jupyter. Everything taken from the transcript (text, speaker
names, source, reasons) is HTML-escaped: transcripts are user data.

This module prepares the data (what evidence highlights which span, gauge geometry, signed
numbers, tooltips); the markup lives in the Jinja2 templates of `templates/`. Every `{{ value }}`
of a template is escaped by `_finalize` with `html.escape(quote=True)`, the escaping of the
pages produced before the templates (`&#x27;` and `&quot;`, where Jinja2's own escape writes
`&#39;` and `&#34;`); only the output of the templates' own macros passes unescaped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from clientlens.assemble import FEATURE_ONLY
from clientlens.lang import report_language, report_strings
from clientlens.records import Evidence, Sentence
from clientlens.taxonomy import (
    COLOURS,
    COMPONENT_BY_LABEL,
    LABELS,
    POLARITY_COLOURS,
    VERDICT_COLOURS,
    ZONE_COLOURS,
)
from clientlens.views.text import (
    BEHAVIOUR_QUOTE_WIDTH,
    clock,
    counted_signals,
    cut,
    quote,
    reason_text,
    report_index,
    short_speakers,
    shown_index,
    thresholds,
    verdict_text,
    warning_text,
)

if TYPE_CHECKING:
    from clientlens.behaviours import Profile
    from clientlens.report import Report

#: The report strings of one report language (lang/<code>/report.json).
Strings = dict[str, Any]


def colour(family: str, polarity: str | None = None) -> str:
    """The colour of a lexicon family or classifier label (a polarity colour for unknown ones)."""
    return COLOURS.get(family) or POLARITY_COLOURS.get(polarity or "", "#616161")


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _signed(x: float, digits: int = 1) -> str:
    """+3.5 / −2.1 with a real minus sign; 0.0 unsigned."""
    text = f"{abs(x):.{digits}f}"
    if float(text) == 0:
        return text
    return ("+" if x > 0 else "−") + text


# ---------------------------------------------------------------- templates


def _finalize(value: object) -> Markup:
    """Every `{{ value }}`: macro output as it is, anything else escaped as html.escape does.

    Jinja2 then applies its own escape to the result, which leaves Markup untouched. (Jinja2
    escapes constant expressions such as `{{ "it's" }}` before this is called: the templates
    print no quoted literal.)
    """
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(escape(str(value), quote=True))


_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=True,
    finalize=_finalize,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["fmt"] = format  # {{ x|fmt(".1f") }}: Python's format spec, as the f-strings had
_ENV.filters["signed"] = _signed


# ---------------------------------------------------------------- public entry points


def report_fragment(report: Report, language: str | None = None) -> str:
    """The report as one `<div class="clientlens">` with its scoped style (Jupyter's `_repr_html_`),
    in a report language (French by default)."""
    return _ENV.get_template("fragment.html.j2").render(_context(report, language))


def report_page(report: Report, language: str | None = None) -> str:
    """The report as a standalone HTML page (UTF-8, no external resource)."""
    untitled = report_strings(language)["report"]["untitled"]
    title = f"clientlens – {Path(report.source).name}" if report.source else untitled
    return _ENV.get_template("page.html.j2").render(_context(report, language), title=title,
                                                    lang=report_language(language))


def write_page(report: Report, path: str | Path | None = None, language: str | None = None) -> str:
    """Standalone page as a string, also written to `path` (UTF-8) when one is given."""
    page = report_page(report, language)
    if path is not None:
        Path(path).write_text(page, encoding="utf-8")
    return page


def _context(report: Report, language: str | None = None) -> dict[str, object]:
    """What the templates show, computed from the report."""
    lo, hi = report.interval
    signals = any(counted_signals(report).values())
    headline, _, explanation = verdict_text(report.verdict, language, signals).partition(" - ")
    strings = report_strings(language)
    return {
        "report": report,
        "t": strings["report"],
        "roles": strings["role"],
        "shown_index": report_index(report),
        "interval": (lo, hi),
        "verdict_colour": VERDICT_COLOURS.get(report.verdict, "#444"),
        "headline": headline,
        "explanation": explanation,
        "warnings": [warning_text(w, language) for w in report.warnings],
        "gauge": _gauge(report, strings),
        "bars": _component_bars(report, strings),
        "speakers": _speaker_rows(report, strings) if len(report.speakers) >= 2 else [],
        "top": _top_evidence(report, strings),
        "b": strings["behaviours"],
        "behaviours": behaviour_rows(report, language),
        "legend": _legend(report, strings),
        "blocks": _transcript(report, language),
        "footer": _footer(report, strings),
    }


# ---------------------------------------------------------------- header: index, gauge, components


@dataclass(frozen=True)
class _Gauge:
    """Geometry of the horizontal 0–100 gauge, in SVG units."""

    width: int
    height: int
    top: int  # y of the track
    track: int  # height of the track
    mid: float  # y of the interval band and the index marker
    zones: tuple[tuple[float, float, str], ...]  # (x, width, fill) of the verdict zones
    low: float  # x of the interval ends
    high: float
    whisker: tuple[int, int]  # (y1, y2) of the interval's end strokes
    index: float  # x of the index
    pointer: tuple[tuple[float, int], ...]  # corners of the verdict-coloured pointer above the index
    colour: str
    ticks: tuple[tuple[float, float], ...]  # (x, value) of the labelled ticks
    tick_y: int
    label: str  # the gauge read aloud (aria-label and title)


def _gauge(report: Report, strings: Strings, width: int = 340) -> _Gauge:
    """Horizontal 0–100 gauge: verdict zones, the interval as a band, the index as a marker."""
    go, walk_away = thresholds(report)
    pad, top, track = 10, 22, 14
    inner = width - 2 * pad

    def x(value: float) -> float:
        return pad + inner * min(max(value, 0.0), 100.0) / 100.0

    zones = (("walk_away", 0.0, walk_away), ("probe", walk_away, go), ("go", go, 100.0))
    lo, hi = report.interval
    cx = x(report.index)
    return _Gauge(
        width=width,
        height=top + track + 20,
        top=top,
        track=track,
        mid=top + track / 2,
        zones=tuple((x(a), max(x(b) - x(a), 0), ZONE_COLOURS[name]) for name, a, b in zones),
        low=x(lo),
        high=x(hi),
        whisker=(top + 2, top + track - 2),
        index=cx,
        pointer=((cx - 6, top - 9), (cx + 6, top - 9), (cx, top - 1)),
        colour=VERDICT_COLOURS.get(report.verdict, "#444"),
        ticks=tuple((x(v), v) for v in (0, walk_away, go, 100)),
        tick_y=top + track + 14,
        label=strings["report"]["gauge"].format(index=report_index(report), low=f"{lo:.0f}", high=f"{hi:.0f}",
                                                verdict=strings["verdict_word"].get(report.verdict, report.verdict)),
    )


@dataclass(frozen=True)
class _Bar:
    """One component: index points moved, as a bar to the left (down) or right (up)."""

    name: str
    side: str  # cl-pos, cl-neg or cl-zero
    share: float  # bar length, percent of the largest move
    colour: str
    points: str  # signed
    tip: str


def _component_bars(report: Report, strings: Strings) -> list[_Bar]:
    """Diverging bars: index points each component moved (left = down, right = up)."""
    scale = max((abs(c.points) for c in report.components.values()), default=0.0) or 1.0
    signals = counted_signals(report)
    bars = []
    for name, c in report.components.items():
        shown = strings["names"].get(name, name)
        tip = strings["report"]["bar_tip"].format(name=shown, points=_signed(c.points), signals=signals[name],
                                                  score=f"{c.score:.1f}", weight=f"{c.weight:g}")
        if name in strings["descriptions"]:
            tip += f" — {strings['descriptions'][name]}"
        bars.append(_Bar(
            name=shown,
            side="cl-pos" if c.points > 0 else "cl-neg" if c.points < 0 else "cl-zero",
            share=100.0 * abs(c.points) / scale,
            colour="#2a9d8f" if c.points > 0 else "#d1495b",
            points=_signed(c.points),
            tip=tip,
        ))
    return bars


# ---------------------------------------------------------------- side panels


@dataclass(frozen=True)
class _SpeakerRow:
    name: str
    words: int
    share: float
    index: float | None  # None: not scored
    interval: tuple[float, float] | None
    verdict: str
    colour: str
    role: str | None = None
    shown: str = ""  # the index as printed (views.text.shown_index)


def _speaker_rows(report: Report, strings: Strings) -> list[_SpeakerRow]:
    go, walk_away = thresholds(report)
    rows = []
    for s in report.speakers:
        scored = s.index is not None and s.interval is not None
        rows.append(_SpeakerRow(
            name=s.name,
            words=s.words,
            share=s.share,
            index=s.index if scored else None,
            interval=s.interval if scored else None,
            verdict=strings["verdict_word"].get(s.verdict or "", s.verdict or ""),
            colour=VERDICT_COLOURS.get(s.verdict or "", "#444"),
            role=s.role,
            shown=shown_index(s.index, s.verdict or "", go, walk_away) if scored and s.index is not None else "",
        ))
    return rows


@dataclass(frozen=True)
class BehaviourCell:
    """One behaviour of one speaker, as a cell of the four-cell grid."""

    key: str
    label: str  # the behaviour's name
    short: str  # its short name (team table headers)
    state: str  # cl-on (a sign found), cl-off (absent), cl-unknown (absent, too little speech)
    mark: str
    text: str  # the first sign's sentence, or why it is absent
    more: str  # « +2 more », or ""


@dataclass(frozen=True)
class BehaviourRow:
    who: str  # the speaker label, "" for unlabelled text
    cells: list[BehaviourCell]
    note: str = ""  # why the absences say nothing (too little speech), or ""


def behaviour_cells(p: Profile, language: str | None = None, short: bool = False) -> list[BehaviourCell]:
    """The four cells of a profile: present with its first quote, absent (the absence said), or
    unknown when the speaker said too little for an absence to mean anything (`short`)."""
    from clientlens.taxonomy import BEHAVIOURS

    b = report_strings(language)["behaviours"]
    cells = []
    for name in BEHAVIOURS:
        signs = p.signs.get(name, ())
        if signs:
            more = b["more"].format(n=len(signs) - 1) if len(signs) > 1 else ""
            state, mark, text = "cl-on", b["present_mark"], cut(signs[0].text, BEHAVIOUR_QUOTE_WIDTH)
        else:
            more, mark = "", b["absent_mark"]
            state, text = ("cl-unknown", "") if short else ("cl-off", b["absent"][name])
        cells.append(BehaviourCell(name, b["names"][name], b["short"][name], state, mark, text, more))
    return cells


def behaviour_rows(report: Report, language: str | None = None) -> list[BehaviourRow]:
    """The four-cell grid of each profile of the report (Report.behaviours)."""
    short = short_speakers(report)
    note = report_strings(language)["behaviours"]["too_short"]
    return [BehaviourRow(p.speaker or "", behaviour_cells(p, language, p.speaker in short),
                         note if p.speaker in short and p.absent else "")
            for p in report.behaviours()]


@dataclass(frozen=True)
class _TopItem:
    impact: str  # signed
    side: str  # cl-pos or cl-neg
    colour: str
    family: str
    quote: str
    speaker: str | None  # full label, for the tooltip
    who: str  # the name without the role


def _top_evidence(report: Report, strings: Strings, n: int = 5) -> list[_TopItem]:
    return [
        _TopItem(
            impact=_signed(e.impact),
            side="cl-pos" if e.impact > 0 else "cl-neg",
            colour=colour(e.family, e.polarity),
            family=strings["names"].get(e.family, e.family),
            quote=quote(report, e),
            speaker=e.speaker,
            who=_split_role(e.speaker)[0],
        )
        for e in report.top_evidence(n)
    ]


@dataclass(frozen=True)
class _Key:
    """One family or label of the legend with its number of pieces of evidence."""

    family: str
    kind: str  # sentence label or lexicon family
    polarity: str
    colour: str
    counted: int
    uncounted: int


def _legend(report: Report, strings: Strings) -> list[_Key]:
    counted: Counter[str] = Counter()
    uncounted: Counter[str] = Counter()
    polarity: dict[str, str] = {}
    for e in report.evidence:
        (counted if e.counted else uncounted)[e.family] += 1
        polarity.setdefault(e.family, e.polarity)
    order = sorted(polarity, key=lambda f: (f in LABELS, polarity[f] != "adversarial", f))
    t = strings["report"]
    return [
        _Key(
            family=strings["names"].get(family, family),
            kind=t["sentence_label"] if family in LABELS else t["lexicon_family"],
            polarity=strings["polarity"].get(polarity[family], polarity[family]),
            colour=colour(family, polarity[family]),
            counted=counted[family],
            uncounted=uncounted[family],
        )
        for family in order
    ]


def _footer(report: Report, strings: Strings) -> str:
    p, t = report.provenance, strings["report"]
    bits = [f"clientlens {p.get('clientlens', '')}".strip()]
    if p.get("spacy_model"):
        bits.append(str(p["spacy_model"]))
    if p.get("model_sha256"):
        bits.append(t["model"].format(sha=str(p["model_sha256"])[:12]))
    elif "model_sha256" in p:
        bits.append(t["lexicon_only"])
    if p.get("lexicon_sha256"):
        bits.append(t["lexicon"].format(sha=str(p["lexicon_sha256"])[:12]))
    return " · ".join(bits)


# ---------------------------------------------------------------- transcript


@dataclass(frozen=True)
class _Mark:
    """A highlighted piece of a sentence; the strongest hit gives the colour, all hits the tooltip."""

    kind: str  # cl-counted, cl-read or cl-uncounted
    family: str
    colour: str
    background: str
    tip: str


@dataclass(frozen=True)
class _Piece:
    text: str
    mark: _Mark | None


@dataclass(frozen=True)
class _Chip:
    """A classifier label after its sentence."""

    label: str  # the taxonomy name, data-label
    kind: str  # "" or " cl-uncounted"
    colour: str
    background: str
    tip: str
    text: str  # short name and signed impact


@dataclass(frozen=True)
class _SentenceView:
    pieces: tuple[_Piece, ...]
    chips: tuple[_Chip, ...]
    tint: str  # background of a labelled sentence ("" without labels)
    tip: str  # the labels, one a line


#: A paragraph is text (speech between sentences, unscored speech) and sentences, in order.
_Paragraph = tuple[str | _SentenceView, ...]


@dataclass(frozen=True)
class _Block:
    """Consecutive paragraphs of one speaker, scored or not."""

    speaker: str | None
    t_start: float | None
    paragraphs: tuple[_Paragraph, ...]
    scored: bool

    @property
    def name(self) -> str:
        return _split_role(self.speaker)[0]

    @property
    def role(self) -> str:
        return _split_role(self.speaker)[1]

    @property
    def clock(self) -> str | None:
        return None if self.t_start is None else clock(self.t_start)


def _source_text(report: Report) -> str:
    """Report.text, or a stand-in with each sentence at its offsets when the report has none."""
    if report.text or not report.sentences:
        return report.text
    chars = [" "] * max(s.end for s in report.sentences)
    for s in report.sentences:
        chars[s.start : s.end] = s.text[: s.end - s.start].ljust(s.end - s.start)
    return "".join(chars)


def _label_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """`[00:01:02] Name (role) :` at a line start, for the speakers of this report."""
    alternatives = sorted({n for n in names if n}, key=len, reverse=True)
    if not alternatives:
        return None
    names_re = "|".join(re.escape(n) for n in alternatives)
    return re.compile(
        r"^\s*(?:\[[^\]\n]{1,24}\]\s*|\(?\d{1,2}:\d{2}(?::\d{2})?\)?\s*)?"
        rf"(?P<name>{names_re})\s*[:：]\s*"
    )


def _unscored_lines(gap: str, pattern: re.Pattern[str] | None) -> list[tuple[str | None, str]]:
    """Speech between scored sentences as (speaker, text); bare speaker labels are dropped."""
    out: list[tuple[str | None, str]] = []
    speaker: str | None = None
    for line in gap.split("\n"):
        if not line.strip():
            continue
        match = pattern.match(line) if pattern else None
        if match:
            speaker, line = match["name"], line[match.end():]
            if not line.strip():
                continue
        out.append((speaker, line.strip()))
    return out


def _transcript(report: Report, language: str | None = None) -> list[_Block]:
    """The speech as turns: scored sentences with their evidence, and the unscored speech between them."""
    text = _source_text(report)
    strings = report_strings(language)
    if not report.sentences:
        return []
    names = [s.name for s in report.speakers] + [s.speaker or "" for s in report.sentences]
    pattern = _label_pattern(names)
    by_sentence: dict[int, list[Evidence]] = {}
    for e in report.evidence:
        by_sentence.setdefault(e.sentence, []).append(e)

    blocks: list[_Block] = []
    current: list[_Paragraph] = []  # paragraphs of the open scored block
    paragraph: list[str | _SentenceView] = []
    head: Sentence | None = None

    def close() -> None:
        nonlocal current, paragraph, head
        if paragraph:
            current.append(tuple(paragraph))
        if head is not None and current:
            blocks.append(_Block(head.speaker, head.t_start, tuple(current), True))
        current, paragraph, head = [], [], None

    previous_end = 0
    for number, s in enumerate(report.sentences):
        gap = text[previous_end : s.start] if s.start >= previous_end else ""
        unscored = _unscored_lines(gap, pattern)
        if unscored or head is None or s.speaker != head.speaker:
            close()
            blocks.extend(_unscored_blocks(unscored))
            head = s
        elif "\n" in gap:
            current.append(tuple(paragraph))
            paragraph = []
        else:
            paragraph.append(gap)
        paragraph.append(_sentence(text, s, by_sentence.get(number, []), strings, language))
        previous_end = max(previous_end, s.end)
    close()
    blocks.extend(_unscored_blocks(_unscored_lines(text[previous_end:], pattern)))
    return blocks


def _unscored_blocks(lines: Sequence[tuple[str | None, str]]) -> list[_Block]:
    blocks: list[_Block] = []
    for speaker, line in lines:
        if blocks and blocks[-1].speaker == speaker:
            last = blocks[-1]
            blocks[-1] = _Block(speaker, None, (*last.paragraphs, (line,)), False)
        else:
            blocks.append(_Block(speaker, None, ((line,),), False))
    return blocks


def _split_role(speaker: str | None) -> tuple[str, str]:
    """'Bruno Caradec (directeur)' -> ('Bruno Caradec', 'directeur')."""
    if not speaker:
        return "", ""
    match = re.fullmatch(r"(.+?)\s*\((.+)\)\s*", speaker)
    return (match[1], match[2]) if match else (speaker, "")


def _sentence(text: str, sentence: Sentence, evidence: Sequence[Evidence], strings: Strings,
              language: str | None = None) -> _SentenceView:
    """One sentence: lexicon hits as marks (split where hits overlap), classifier labels as a tint and chips."""
    hits = [e for e in evidence if e.source != "classifier"]
    labels = sorted((e for e in evidence if e.source == "classifier"), key=lambda e: (-abs(e.impact), e.family))
    start, end = sentence.start, sentence.end
    cuts = {start, end}
    for h in hits:
        cuts.update(min(max(p, start), end) for p in (h.start, h.end))
    pieces = []
    for a, b in pairwise(sorted(cuts)):
        active = [h for h in hits if h.start <= a and b <= h.end]
        pieces.append(_Piece(text[a:b], _mark(active, strings, language) if active else None))
    return _SentenceView(
        pieces=tuple(pieces),
        chips=tuple(_chip(e, sentence, strings, language) for e in labels),
        tint=_rgba(colour(labels[0].family, labels[0].polarity), 0.11) if labels else "",
        tip="\n".join(_label_tip(e, sentence, strings, language) for e in labels),
    )


def _mark_kind(hit: Evidence) -> str:
    """cl-counted, cl-read (a word the classifier read, whose sentence label counts instead:
    assemble.FEATURE_ONLY) or cl-uncounted (cancelled by a context rule)."""
    if hit.counted:
        return "cl-counted"
    return "cl-read" if (hit.reason or "").startswith(FEATURE_ONLY.split(":")[0] + ":") else "cl-uncounted"


def _mark(active: Sequence[Evidence], strings: Strings, language: str | None = None) -> _Mark:
    lead = sorted(active, key=lambda e: (not e.counted, -e.weight, e.start))[0]
    c = colour(lead.family, lead.polarity)
    return _Mark(
        kind=_mark_kind(lead),
        family=lead.family,
        colour=c,
        background=_rgba(c, 0.18),
        tip="\n".join(_hit_tip(e, strings, language) for e in active),
    )


def _hit_tip(e: Evidence, strings: Strings, language: str | None = None) -> str:
    """« needs « besoin » — counted, weight 1, +0.4 index points », in the report language."""
    t = strings["report"]
    term = f" « {e.lemma} »" if e.lemma else ""
    reason = reason_text(e.reason, language) if e.reason else ""
    if e.counted:
        status = t["hit_counted"].format(weight=f"{e.weight:g}", points=_signed(e.impact))
        if reason:
            status += f" ({reason})"
    else:
        status = t["not_counted_because"].format(reason=reason) if reason else t["not_counted"]
    return f"{strings['names'].get(e.family, e.family)}{term} — {status}"


def _label_tip(e: Evidence, sentence: Sentence, strings: Strings, language: str | None = None) -> str:
    """A classifier label: its probability, index points or why not counted, and what its component means."""
    t = strings["report"]
    probability = sentence.scores.get(e.family)
    p = f", p={probability:.2f}" if probability is not None else ""
    spec = COMPONENT_BY_LABEL.get(e.family)
    what = f" ({strings['descriptions'][spec.name]})" if spec and spec.name in strings["descriptions"] else ""
    if e.counted:
        status = t["points"].format(points=_signed(e.impact))
    else:
        status = t["not_counted_because"].format(reason=reason_text(e.reason, language) if e.reason else t["no_reason"])
    return f"{strings['names'].get(e.family, e.family)}{p} — {status}{what}"


def _chip(e: Evidence, sentence: Sentence, strings: Strings, language: str | None = None) -> _Chip:
    c = colour(e.family, e.polarity)
    return _Chip(
        label=e.family,
        kind="" if e.counted else " cl-uncounted",
        colour=c,
        background=_rgba(c, 0.12),
        tip=_label_tip(e, sentence, strings, language),
        text=f"{strings['label_short'].get(e.family, e.family)} {_signed(e.impact)}",
    )
