"""The team's timeline as an inline SVG: one row per member, one mark per counted signal.

Marks sit by time for timed transcripts (VTT, SRT, JSON, timestamped text), else by position in
the text (`TeamReport.timeline_basis`), coloured by side with the taxonomy's polarity colours:
up (respectful) or down (adversarial). Each mark's tooltip is its quote, cut at a word, and
its time; a mark whose quote the page lists links to it. No script: the browser's own `<title>`
tooltips and `<a>` links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clientlens.taxonomy import POLARITY_COLOURS
from clientlens.views.text import clock, cut, sentence_of

if TYPE_CHECKING:
    from clientlens.team import Member, TeamReport

#: Geometry of the SVG, in its own units (the page scales it down to the width available).
WIDTH = 900
LABEL_WIDTH = 220  # member names, left of the plot
PLOT_RIGHT = WIDTH - 24  # room for the last tick's label
ROW_HEIGHT = 24
MARK_WIDTH = 3
MARK_HEIGHT = 14
TOP = 6
AXIS_HEIGHT = 34  # ticks and their labels under the rows
#: Quote width in a mark's tooltip (characters).
TIP_WIDTH = 120
#: Tick spacings to choose from, in seconds: the smallest that gives at most MAX_TICKS intervals.
TICK_STEPS = (30, 60, 120, 300, 600, 900, 1800, 3600, 7200)
MAX_TICKS = 8
#: Colours of a mark by side: the taxonomy's polarity colours.
UP, DOWN = POLARITY_COLOURS["respectful"], POLARITY_COLOURS["adversarial"]


@dataclass(frozen=True)
class Mark:
    """One counted signal: x in SVG units, its side's colour, tooltip and link (or "")."""

    x: float  # the signal's place on the axis (the mark's centre)
    colour: str
    tip: str
    href: str
    id: int  # index into the member's report evidence
    side: str  # "up" or "down"


@dataclass(frozen=True)
class Lane:
    """One member's row."""

    who: str
    y: float  # top of the row
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    """What `timeline.svg.j2` draws."""

    width: int
    height: int
    left: int
    right: int
    lanes: tuple[Lane, ...]
    ticks: tuple[Tick, ...]
    axis_y: float
    caption: str  # the axis, read aloud (aria-label)
    mark_width: int = MARK_WIDTH
    mark_height: int = MARK_HEIGHT


def quote_anchor(prefix: str, member: int, evidence: int) -> str:
    """The id of a member's quote in the page (`prefix` keeps two teams of a notebook apart)."""
    return f"{prefix}-m{member}-e{evidence}"


def team_timeline(team: TeamReport, s: dict[str, Any], prefix: str, names: dict[str, str] | None = None) -> Timeline:
    """The geometry of the team's timeline; `s` are the team strings of the report language,
    `prefix` the page's anchor prefix (see `quote_anchor`) and `names` the display names of
    labels and families in that language (the `names` of lang/<code>/report.json)."""
    by_time = team.timeline_basis == "time"
    end = team.timeline_end if by_time else 1.0
    lanes = []
    for n, member in enumerate(team.members):
        shown = {e.id for e in member.evidence}
        marks = []
        for moment in team.moments_of(member):
            evidence = member.report.evidence[moment.id] if member.report is not None else None
            if evidence is None:
                continue
            marks.append(Mark(
                x=round(_x(moment.at, end), 2),
                colour=UP if moment.impact > 0 else DOWN,
                tip=_tip(member.report, evidence, moment.at, s, names or {}),
                href=f"#{quote_anchor(prefix, n, moment.id)}" if moment.id in shown else "",
                id=moment.id,
                side="up" if moment.impact > 0 else "down",
            ))
        lanes.append(Lane(who=cut(member_name(member), 28), y=TOP + n * ROW_HEIGHT, marks=tuple(marks)))
    axis_y = TOP + len(lanes) * ROW_HEIGHT
    ticks = _time_ticks(end) if by_time else _position_ticks(s)
    caption = s["by_time"].format(end=clock(end)) if by_time else s["by_position"]
    return Timeline(width=WIDTH, height=int(axis_y + AXIS_HEIGHT), left=LABEL_WIDTH, right=PLOT_RIGHT,
                    lanes=tuple(lanes), ticks=ticks, axis_y=axis_y, caption=caption)


def _x(at: float, end: float) -> float:
    """x of a moment: `at` over [0, end] across the plot."""
    share = min(max(at / end, 0.0), 1.0) if end > 0 else 0.0
    return LABEL_WIDTH + (PLOT_RIGHT - LABEL_WIDTH) * share


def member_name(member: Member) -> str:
    """« Claire Vasseur (DG) »: the member's name, with their title when they have one."""
    return f"{member.name} ({member.title})" if member.title else member.name


def _tip(report: Any, evidence: Any, at: float, s: dict[str, Any], names: dict[str, str]) -> str:
    """« quote… » — 8:36 (+5.5, family): the quote cut at a word boundary, then where it falls,
    its impact and its label or family by its display name."""
    if evidence.t_start is not None:
        where = clock(evidence.t_start)
    else:
        where = s["at_position"].format(share=s["percent"].format(n=round(100 * at)))
    return s["mark_tip"].format(quote=cut(sentence_of(report, evidence), TIP_WIDTH), at=where,
                                impact=f"{evidence.impact:+.1f}", family=names.get(evidence.family, evidence.family))


def _time_ticks(end: float) -> tuple[Tick, ...]:
    """0, then every step (the smallest of TICK_STEPS giving at most MAX_TICKS), then the end."""
    step = next((t for t in TICK_STEPS if end / t <= MAX_TICKS), TICK_STEPS[-1])
    values = [float(v) for v in range(0, int(end), step)]
    if values and end - values[-1] < step / 3:  # no label crowding the end's
        values.pop()
    return tuple(Tick(round(_x(v, end), 2), clock(v)) for v in [*values, end])


def _position_ticks(s: dict[str, Any]) -> tuple[Tick, ...]:
    """Start, quarters and end of the text."""
    labels = [s["start"], *(s["percent"].format(n=n) for n in (25, 50, 75)), s["end"]]
    return tuple(Tick(round(_x(n / 4, 1.0), 2), label) for n, label in enumerate(labels))
