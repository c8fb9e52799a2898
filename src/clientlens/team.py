"""Team analysis: one report per member of a leadership team, and the consultant's decision.

The decision rule (issue 15, docs/team.md): the leader reads as go -> go; as walk away ->
walk away whatever the others; as probe -> probe when a critical mass of the other judged
members read as go, else walk away; the leader too short to judge -> insufficient_speech.
Members too short to judge count neither way; interviewers, facilitators and note-takers are
left out (clientlens.roles).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientlens.balance import Balance, Humanisation, Moment, report_humanisation, talk_balance, timeline
from clientlens.behaviours import Profile, profile
from clientlens.errors import InputError, SpeakerNotFoundError
from clientlens.io.plain import normalize_name, parse_text
from clientlens.io.read import INPUT_FORMATS, read_file
from clientlens.io.transcript import Transcript, concatenate
from clientlens.lang import report_language
from clientlens.records import Component, as_plain
from clientlens.report import Report
from clientlens.roles import NOT_SCORED_ROLES, member_key, speaker_roles
from clientlens.taxonomy import BEHAVIOURS, INSUFFICIENT

if TYPE_CHECKING:
    import pandas as pd

#: 1.1 added `members[].behaviours`, 1.2 `behaviour_summary`.
TEAM_SCHEMA_VERSION = "1.2"

#: Default critical mass: the leader reads as probe, and at least CRITICAL_SHARE of the other
#: judged members, and at least MIN_RESPECTFUL of them, read as go. Why: one respectful member
#: is an ally, not a relay (the engagement must survive one departure: two at least); and in a
#: large team two of twelve are drowned out, so they must also be a third of those who spoke -
#: the share at which a minority view is commonly found to be heard in a group (the "critical
#: mass" of Kanter's work on minorities in teams, about 30 %). Both are parameters.
CRITICAL_SHARE = 1 / 3
MIN_RESPECTFUL = 2

#: Top evidence kept per member in the team report.
EVIDENCE_PER_MEMBER = 3

_PATH_SUFFIXES = tuple(f".{f}" for f in INPUT_FORMATS)


@dataclass(frozen=True)
class MemberEvidence:
    """One of a member's top quotes; `id` indexes `member.report.evidence`, `text` is the
    sentence it was found in (whole) and `term` the words that matched."""

    id: int
    text: str
    term: str
    impact: float
    family: str
    component: str
    start: int
    end: int
    t_start: float | None = None


@dataclass(frozen=True)
class Member:
    """One member of the team and their own analysis.

    Attributes:
        name: the person's name, without the title.
        title: the title as written in a label (« DG »), or None.
        labels: the speaker labels merged into this member (across files).
        leader: whether this member is the team's leader.
        index, interval, verdict, components, words: as in their own Report.
        judged: False when the member said too little to judge (verdict insufficient_speech).
        evidence: their top counted quotes, in the direction of their index.
        balance, humanisation: what their words are spent on, how they name customers (balance.py).
        behaviours: the four behaviours of customer orientation in all their words (behaviours.py).
        report: their full Report (not in `to_dict`); `evidence[i].id` indexes its evidence.
    """

    name: str
    title: str | None
    labels: tuple[str, ...]
    leader: bool
    index: float
    interval: tuple[float, float]
    verdict: str
    components: dict[str, Component]
    words: int
    evidence: tuple[MemberEvidence, ...]
    balance: Balance = field(default_factory=Balance)
    humanisation: Humanisation = field(default_factory=Humanisation)
    behaviours: Profile = field(default_factory=lambda: Profile(None, 0))
    report: Report | None = field(default=None, repr=False, compare=False)

    @property
    def judged(self) -> bool:
        """Whether the member said enough to be judged."""
        return self.verdict != INSUFFICIENT

    def to_dict(self) -> dict[str, Any]:
        """The member's JSON object (docs/schema.md, "Team report")."""
        return {
            "name": self.name, "title": self.title, "labels": list(self.labels), "leader": self.leader,
            "judged": self.judged, "index": round(self.index, 2),
            "interval": [round(self.interval[0], 2), round(self.interval[1], 2)], "verdict": self.verdict,
            "components": {k: as_plain(v) for k, v in self.components.items()}, "words": self.words,
            "evidence": [as_plain(e) for e in self.evidence],
            "talk_balance": self.balance.to_dict(), "humanisation": self.humanisation.to_dict(),
            "timeline": [as_plain(x) for x in self.moments],
            "behaviours": self.behaviours.to_dict(),
        }

    @property
    def moments(self) -> list[Moment]:
        """Where the member's counted evidence falls (`TeamReport.timeline_basis` says how)."""
        return timeline(self.report)[1] if self.report is not None else []


@dataclass(frozen=True)
class LeftOut:
    """A speaker left out of the team: an interviewer, facilitator or note-taker."""

    name: str
    title: str | None
    role: str
    words: int


@dataclass(frozen=True)
class Decision:
    """The team decision and the facts of the rule that produced it."""

    decision: str
    rule_id: str
    n_judged: int
    n_go: int
    leader_kind: str | None  # "numbers" or "mixed" when the leader reads as probe


@dataclass(frozen=True)
class TeamReport:
    """The analysis of a leadership team: members, leader and the team decision.

    Attributes:
        decision: "go", "probe", "walk_away" or "insufficient_speech".
        rule_id: which branch of the rule decided (leader_go, leader_walk_away, leader_insufficient,
            leader_probe_critical_mass, leader_probe_no_critical_mass).
        leader: the leader's name; `leader_basis` says how they were chosen: "given", "title"
            (a leader's title such as DG) or "most_words".
        members: every scored member, the leader first, then by words.
        left_out: interviewers, facilitators and note-takers (not scored).
        critical_mass, min_respectful: the critical-mass parameters used.
        language: the report language of `rule`, `summary()` and the HTML.
    """

    decision: Decision
    leader: Member
    leader_basis: str
    members: tuple[Member, ...]
    left_out: tuple[LeftOut, ...]
    critical_mass: float
    min_respectful: int
    language: str
    sources: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    @property
    def balance(self) -> Balance:
        """The talk balance of the whole team (every scored member's words)."""
        return sum((m.balance for m in self.members), Balance())

    @property
    def humanisation(self) -> Humanisation:
        """Customer mentions of the whole team."""
        return sum((m.humanisation for m in self.members), Humanisation())

    @cached_property
    def timeline_basis(self) -> str:
        """"time" (seconds) when every member's evidence is timed, else "position" (share of the text).
        Computed once: every member's moments ask for it."""
        bases = {timeline(m.report)[0] for m in self.members if m.report is not None and m.moments}
        return "time" if bases == {"time"} else "position"

    @cached_property
    def timeline_end(self) -> float:
        """The end of the timeline's axis: the last sentence's time, or 1 for positions."""
        if self.timeline_basis == "position":
            return 1.0
        ends = [s.t_end or s.t_start or 0.0 for m in self.members if m.report for s in m.report.sentences]
        return max(ends, default=1.0) or 1.0

    @property
    def behaviour_summary(self) -> dict[str, int]:
        """For each behaviour, in taxonomy order, how many judged members show it (a sign found
        in their words); members too short to judge count neither way."""
        judged = [m for m in self.members if m.judged]
        return {b: sum(m.behaviours.present(b) for m in judged) for b in BEHAVIOURS}

    def behaviours_frame(self) -> pd.DataFrame:
        """Member × behaviour: one row per behaviour of each member (needs pandas;
        views.frames.team_behaviours_frame)."""
        from clientlens.views.frames import team_behaviours_frame

        return team_behaviours_frame(self)

    def moments_of(self, member: Member) -> list[Moment]:
        """A member's moments on the team's axis: by time when the team's `timeline_basis` is
        time, else every member's by position (one untimed file puts the whole team by position)."""
        if member.report is None:
            return []
        return timeline(member.report, by_position=self.timeline_basis == "position")[1]

    @property
    def rule(self) -> str:
        """The rule that produced the decision, in one sentence of the report language."""
        return self.rule_in(self.language)

    def rule_in(self, language: str) -> str:
        """The rule in another report language ("fr" or "en")."""
        from clientlens.views.team import rule_sentence

        return rule_sentence(self.decision, self.leader, language)

    def to_dict(self) -> dict[str, Any]:
        """The team JSON contract (docs/schema.md, "Team report"); keys in English."""
        return {
            "schema_version": TEAM_SCHEMA_VERSION,
            "kind": "team",
            "decision": self.decision.decision,
            "rule_id": self.decision.rule_id,
            "rule": self.rule,
            "language": self.language,
            "leader": {"name": self.leader.name, "inferred": self.leader_basis != "given",
                       "basis": self.leader_basis},
            "critical_mass": {"share": round(self.critical_mass, 4), "min_members": self.min_respectful,
                              "judged_others": self.decision.n_judged, "go_others": self.decision.n_go},
            "members": [{**m.to_dict(), "timeline": [as_plain(x) for x in self.moments_of(m)]} for m in self.members],
            "talk_balance": self.balance.to_dict(),
            "humanisation": self.humanisation.to_dict(),
            "timeline": {"basis": self.timeline_basis, "end": self.timeline_end},
            "behaviour_summary": {"judged_members": sum(m.judged for m in self.members),
                                  "members_showing": self.behaviour_summary},
            "left_out": [as_plain(x) for x in self.left_out],
            "sources": list(self.sources),
            "warnings": list(self.warnings),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The team report as a JSON string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def summary(self, language: str | None = None) -> str:
        """A plain-text summary: decision, rule, every member's row and their quotes."""
        from clientlens.views.team import team_summary

        return team_summary(self, language or self.language)

    def to_html(self, path: str | Path | None = None, language: str | None = None) -> str:
        """A standalone HTML page of the team (no script, no network); written to `path` if given."""
        from clientlens.views.team import team_page

        page = team_page(self, language or self.language)
        if path is not None:
            Path(path).write_text(page, encoding="utf-8")
        return page

    def _repr_html_(self) -> str:
        from clientlens.views.team import team_fragment

        return team_fragment(self, self.language)


# ---------------------------------------------------------------------------- the rule


def critical_mass_reached(n_go: int, n_judged: int, share: float = CRITICAL_SHARE,
                          min_respectful: int = MIN_RESPECTFUL) -> bool:
    """Whether `n_go` members reading as go, of `n_judged` judged (the leader excluded), are a
    critical mass: at least `min_respectful` of them and at least `share` of the judged.

    Example:
        >>> critical_mass_reached(2, 5), critical_mass_reached(1, 2), critical_mass_reached(2, 8)
        (True, False, False)
    """
    return n_judged > 0 and n_go >= min_respectful and n_go >= share * n_judged - 1e-9


def decide(leader: Member, others: Sequence[Member], share: float = CRITICAL_SHARE,
           min_respectful: int = MIN_RESPECTFUL) -> Decision:
    """The team decision from the leader's verdict and the other members' (docs/team.md)."""
    judged = [m for m in others if m.judged]
    n_go = sum(m.verdict == "go" for m in judged)
    if leader.verdict == INSUFFICIENT:
        return Decision(INSUFFICIENT, "leader_insufficient", len(judged), n_go, None)
    if leader.verdict in ("go", "walk_away"):
        return Decision(leader.verdict, f"leader_{leader.verdict}", len(judged), n_go, None)
    kind = "numbers" if _numbers_first(leader.components) else "mixed"
    if critical_mass_reached(n_go, len(judged), share, min_respectful):
        return Decision("probe", "leader_probe_critical_mass", len(judged), n_go, kind)
    return Decision("walk_away", "leader_probe_no_critical_mass", len(judged), n_go, kind)


def _numbers_first(components: dict[str, Component]) -> bool:
    """Whether customers-as-numbers is what pulls the leader's index down most."""
    down = {name: c.points for name, c in components.items() if c.points < 0}
    return bool(down) and min(down, key=lambda k: down[k]) == "numbers_only"


# ---------------------------------------------------------------------------- reading


def is_path_source(source: object) -> bool:
    """A Path, or a one-line str ending with a transcript extension; other strs are texts."""
    return isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and source.lower().endswith(_PATH_SUFFIXES))


def read_source(source: str | Path | Transcript, input_format: str | None = None) -> Transcript:
    """One transcript: a Transcript as it is, a path (a Path, or a one-line str ending with a
    transcript extension) read from its file, any other str parsed as a text.

    Raises:
        InputError: not a path, a text or a Transcript; or the file cannot be read.
    """
    if isinstance(source, Transcript):
        return source
    if is_path_source(source):
        return read_file(source, input_format)
    if isinstance(source, str):
        return parse_text(source)
    raise InputError(f"expected a path, a text or a Transcript, got {type(source).__name__}")


def read_team(source: str | Path | Transcript | Sequence[str | Path | Transcript],
              input_format: str | None = None) -> Transcript:
    """One transcript from one source or several files (members merged later by name).

    Raises:
        InputError: nothing to read, or the transcripts have no speaker labels.
    """
    many = [source] if isinstance(source, str | Path | Transcript) else list(source)
    if not many:
        raise InputError("analyze_team() needs at least one transcript")
    transcript = concatenate([read_source(s, input_format) for s in many])
    if not transcript.speakers:
        raise InputError("the transcript has no speaker labels (« Name : text »): a team analysis "
                         "needs to know who speaks")
    return transcript


# ---------------------------------------------------------------------------- the analysis


def _sources(items: Sequence[Any]) -> tuple[str, ...]:
    """The file names of the team's inputs: paths as given, and a Transcript's own source."""
    out = []
    for item in items:
        if isinstance(item, Transcript):
            if item.source:
                out.append(str(item.source))
        elif is_path_source(item):
            out.append(str(item))
    return tuple(out)


def analyze_team(
    source: str | Path | Transcript | Sequence[str | Path | Transcript],
    leader: str | None = None,
    *,
    critical_mass: float = CRITICAL_SHARE,
    min_respectful: int = MIN_RESPECTFUL,
    language: str | None = None,
    input_format: str | None = None,
    analyzer: Any = None,
) -> TeamReport:
    """Analyse a leadership team and take the consultant's decision.

    Args:
        source: one transcript (path, text or Transcript) or several paths - the interviews of
            each member or one meeting per file -, members merged by name (case, accents, title
            and spacing ignored).
        leader: the leader's name; inferred when None (a leader's title, else most words).
        critical_mass: share of the other judged members who must read as go for a leader who
            reads as probe (default 1/3, docs/team.md).
        min_respectful: and at least this many of them (default 2).
        language: report language, "fr" or "en" (default: the input's, French).
        input_format: read every file as this format instead of from its extension.
        analyzer: a clientlens Analyzer to reuse (default: the shared one).

    Raises:
        InputError: no speaker labels, bad parameters, or nobody left to score.
        SpeakerNotFoundError: `leader` names no member.
    """
    if not 0 < critical_mass <= 1 or min_respectful < 0:
        raise InputError(f"critical_mass must be in (0, 1] and min_respectful >= 0 "
                         f"(got {critical_mass}, {min_respectful})")
    code = report_language(language)
    if analyzer is None:
        from clientlens.pipeline import default_analyzer

        analyzer = default_analyzer()
    transcript = read_team(source, input_format)
    groups, left_out, titles, led = _members(transcript)
    if not groups:
        if any(t.speaker is None for t in transcript.turns):  # a printed interview: only the questions are labelled
            raise InputError("only the questions are labelled (« Name : text » labels are missing): a team "
                             "analysis needs to know who answers")
        raise InputError("every speaker is an interviewer, facilitator or note-taker: nobody to score")
    keys = list(groups)
    reports = analyzer.analyze_speakers(transcript, [groups[k] for k in keys])
    leader_key, basis = _leader(keys, reports, led, leader, transcript)
    members = [_member(k, groups[k], titles.get(k), k == leader_key, r) for k, r in zip(keys, reports, strict=True)]
    members.sort(key=lambda m: (not m.leader, -m.words))
    chief = members[0]
    decision = decide(chief, members[1:], critical_mass, min_respectful)
    return TeamReport(
        decision=decision, leader=chief, leader_basis=basis,
        members=tuple(members), left_out=tuple(left_out), critical_mass=critical_mass,
        min_respectful=min_respectful, language=code,
        sources=_sources([source] if isinstance(source, str | Path | Transcript) else source),
        warnings=tuple(transcript.notes),
    )


def _members(transcript: Transcript) -> tuple[dict[str, list[str]], list[LeftOut], dict[str, str], set[str]]:
    """Speaker labels grouped by member key; those left out; titles; keys with a leader's title."""
    roles = speaker_roles(transcript)
    words: dict[str, int] = {}
    for t in transcript.turns:
        if t.speaker is not None:
            words[t.speaker] = words.get(t.speaker, 0) + len(transcript.text[t.start : t.end].split())
    groups: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    led: set[str] = set()
    out: dict[str, LeftOut] = {}
    for label, r in roles.items():
        key = member_key(label)
        if r.role in NOT_SCORED_ROLES:
            before = out.get(key)
            out[key] = LeftOut(r.name, r.title, r.role, words.get(label, 0) + (before.words if before else 0))
            continue
        groups.setdefault(key, []).append(label)
        if r.title:
            titles.setdefault(key, r.title)
        if r.role == "leader":
            led.add(key)
    return groups, list(out.values()), titles, led


def _leader(keys: list[str], reports: list[Report], led: set[str], given: str | None,
            transcript: Transcript) -> tuple[str, str]:
    """(member key, basis) of the leader."""
    words = dict(zip(keys, (r.words for r in reports), strict=True))
    if given is not None:
        wanted = normalize_name(given)
        found = [k for k in keys if k == wanted or k == member_key(given)]
        if not found:
            raise SpeakerNotFoundError([given], transcript.speakers)
        return found[0], "given"
    titled = [k for k in keys if k in led]
    if titled:
        return max(titled, key=lambda k: words[k]), "title"
    return max(keys, key=lambda k: words[k]), "most_words"


def top_quotes(report: Report, n: int = EVIDENCE_PER_MEMBER) -> tuple[MemberEvidence, ...]:
    """The `n` strongest quotes of a report, one per sentence, in the order of `Report.top_evidence`
    (the counted evidence that moved the index most in the direction of the result)."""
    from clientlens.views.text import sentence_of

    ids = {id(e): i for i, e in enumerate(report.evidence)}
    top: list[MemberEvidence] = []
    for e in report.top_evidence(len(report.evidence)):
        if len(top) >= n:
            break
        text = sentence_of(report, e)
        if all(t.text != text for t in top):  # one quote per sentence
            top.append(MemberEvidence(id=ids[id(e)], text=text, term=e.text, impact=e.impact, family=e.family,
                                      component=e.component, start=e.start, end=e.end, t_start=e.t_start))
    return tuple(top)


def _member(key: str, labels: list[str], title: str | None, leader: bool, report: Report) -> Member:
    from clientlens.roles import split_label

    return Member(
        name=split_label(labels[0])[0], title=title, labels=tuple(labels), leader=leader, index=report.index,
        interval=report.interval, verdict=report.verdict, components=report.components, words=report.words,
        evidence=top_quotes(report), balance=talk_balance(report), humanisation=report_humanisation(report),
        behaviours=profile(report), report=report,
    )
