"""HTML rendering of a Report: a fragment for Jupyter and a standalone page to send.

Self-contained on purpose: inline SVG and CSS scoped under `.clientlens`, no JavaScript, no
web font, no network, so the page opens offline from an e-mail attachment and a notebook
cell cannot restyle the rest of Jupyter. Everything taken from the transcript (text, speaker
names, source, reasons) is HTML-escaped: transcripts are user data.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from .report import VERDICT_TEXT
from .taxonomy import COMPONENT_BY_LABEL, COMPONENT_BY_NAME, LABELS
from .types import Evidence, Sentence

if TYPE_CHECKING:
    from .report import Report

#: One colour per lexicon family and per classifier label; warm = adversarial, cool = respectful.
COLOURS: dict[str, str] = {
    # lexicon families (lexicons/families.json)
    "conquest": "#c62828",
    "hunting": "#e65100",
    "objectification": "#7b1fa2",
    "pressure": "#d81b60",
    "contempt": "#5d4037",
    "villainy": "#ad6800",
    "numbers": "#546e7a",
    "needs": "#2e7d32",
    "commitment": "#00838f",
    "feedback": "#1565c0",
    "gratitude": "#6a8f00",
    "care": "#00897b",
    # classifier labels (taxonomy.LABELS)
    "adversarial_framing": "#e4572e",
    "negative_anecdote": "#a23b72",
    "misconduct_tolerance": "#d99000",
    "numbers_only": "#5b6c8f",
    "client_respect": "#2a9d8f",
}
_FALLBACK = {"adversarial": "#b71c1c", "respectful": "#1b5e20"}

#: Short names of the classifier labels for the chips after a sentence.
LABEL_SHORT: dict[str, str] = {
    "adversarial_framing": "adversarial",
    "negative_anecdote": "anecdote",
    "misconduct_tolerance": "tolerance",
    "numbers_only": "numbers",
    "client_respect": "respect",
}

VERDICT_COLOURS = {"go": "#1e7b4f", "probe": "#b7791f", "walk_away": "#b42318", "insufficient_speech": "#5b6470"}
_ZONE_COLOURS = {"walk_away": "#f7d4d0", "probe": "#fbe8c0", "go": "#cfead9"}


def colour(family: str, polarity: str | None = None) -> str:
    """The colour of a lexicon family or classifier label (a polarity colour for unknown ones)."""
    return COLOURS.get(family) or _FALLBACK.get(polarity or "", "#616161")


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _signed(x: float, digits: int = 1) -> str:
    """+3.5 / −2.1 with a real minus sign; 0.0 unsigned."""
    text = f"{abs(x):.{digits}f}"
    if float(text) == 0:
        return text
    return ("+" if x > 0 else "−") + text


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _pretty(name: str) -> str:
    return name.replace("_", " ")


# ---------------------------------------------------------------- public entry points


def report_fragment(report: Report) -> str:
    """The report as one `<div class="clientlens">` with its scoped style (Jupyter's `_repr_html_`)."""
    parts = [
        f"<style>{CSS}</style>",
        '<div class="clientlens">',
        _header(report),
        _warnings(report),
        _speakers_table(report),
        _top_evidence(report),
        _legend(report),
        _transcript(report),
        _footer(report),
        "</div>",
    ]
    return "\n".join(p for p in parts if p)


def report_page(report: Report) -> str:
    """The report as a standalone HTML page (UTF-8, no external resource)."""
    title = f"clientlens – {Path(report.source).name}" if report.source else "clientlens report"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n"
        f"<style>{PAGE_CSS}</style>\n</head>\n<body>\n"
        f"{report_fragment(report)}\n</body>\n</html>\n"
    )


def write_page(report: Report, path: str | Path | None = None) -> str:
    """Standalone page as a string, also written to `path` (UTF-8) when one is given."""
    page = report_page(report)
    if path is not None:
        Path(path).write_text(page, encoding="utf-8")
    return page


# ---------------------------------------------------------------- header: index, gauge, components


def _thresholds(report: Report) -> tuple[float, float]:
    """(walk_away, go) as used for this report: its provenance, else the bundled index model."""
    found = report.provenance.get("settings", {}).get("thresholds") or {}
    if "go" in found and "walk_away" in found:
        return float(found["walk_away"]), float(found["go"])
    from .scoring import load_index_model

    model = load_index_model()
    return model.walk_away, model.go


def _header(report: Report) -> str:
    lo, hi = report.interval
    verdict_colour = VERDICT_COLOURS.get(report.verdict, "#444")
    headline, _, explanation = VERDICT_TEXT.get(report.verdict, report.verdict).partition(" - ")
    source = f'<div class="cl-source">{_e(report.source)}</div>' if report.source else ""
    return f"""<div class="cl-head">
<div class="cl-score">
{source}<div class="cl-kicker">Respect-for-customer index</div>
<div class="cl-index"><span class="cl-number">{report.index:.0f}</span><span class="cl-of">/100</span></div>
<div class="cl-interval">interval {lo:.0f}–{hi:.0f} · {report.words} words scored</div>
<div class="cl-verdict" style="--v:{verdict_colour}"><span class="cl-badge">{_e(headline)}</span>
<span class="cl-verdict-text">{_e(explanation)}</span></div>
{_gauge(report)}
</div>
<div class="cl-components"><div class="cl-kicker">Components · index points moved</div>
{_component_bars(report)}</div>
</div>"""


def _gauge(report: Report, width: int = 340) -> str:
    """Horizontal 0–100 gauge: verdict zones, the interval as a band, the index as a marker."""
    walk_away, go = _thresholds(report)
    pad, top, track = 10, 22, 14
    inner = width - 2 * pad

    def x(value: float) -> float:
        return pad + inner * min(max(value, 0.0), 100.0) / 100.0

    zones = (("walk_away", 0.0, walk_away), ("probe", walk_away, go), ("go", go, 100.0))
    rects = "".join(
        f'<rect x="{x(a):.1f}" y="{top}" width="{max(x(b) - x(a), 0):.1f}" height="{track}" '
        f'fill="{_ZONE_COLOURS[name]}"/>' for name, a, b in zones
    )
    lo, hi = report.interval
    mid = top + track / 2
    band = (f'<line x1="{x(lo):.1f}" y1="{mid}" x2="{x(hi):.1f}" y2="{mid}" stroke="#1f2933" '
            f'stroke-width="3" stroke-linecap="round" opacity="0.55"/>'
            f'<line x1="{x(lo):.1f}" y1="{top + 2}" x2="{x(lo):.1f}" y2="{top + track - 2}" stroke="#1f2933" '
            f'stroke-width="2" opacity="0.55"/>'
            f'<line x1="{x(hi):.1f}" y1="{top + 2}" x2="{x(hi):.1f}" y2="{top + track - 2}" stroke="#1f2933" '
            f'stroke-width="2" opacity="0.55"/>')
    cx = x(report.index)
    marker = (f'<polygon points="{cx - 6:.1f},{top - 9} {cx + 6:.1f},{top - 9} {cx:.1f},{top - 1}" '
              f'fill="{VERDICT_COLOURS.get(report.verdict, "#444")}"/>'
              f'<circle cx="{cx:.1f}" cy="{mid}" r="5" fill="#fff" stroke="#1f2933" stroke-width="2"/>')
    ticks = "".join(
        f'<text x="{x(v):.1f}" y="{top + track + 14}" text-anchor="middle">{v:g}</text>'
        for v in (0, walk_away, go, 100)
    )
    label = f"index {report.index:.0f}, interval {lo:.0f} to {hi:.0f}, verdict {_pretty(report.verdict)}"
    return (f'<svg class="cl-gauge" viewBox="0 0 {width} {top + track + 20}" width="{width}" '
            f'height="{top + track + 20}" role="img" aria-label="{_e(label)}">'
            f"<title>{_e(label)}</title>{rects}{band}{marker}"
            f'<g class="cl-ticks">{ticks}</g></svg>')


def _component_bars(report: Report) -> str:
    """Diverging CSS bars: index points each component moved (left = down, right = up)."""
    if not report.components:
        return '<p class="cl-muted">no components</p>'
    scale = max((abs(c.points) for c in report.components.values()), default=0.0) or 1.0
    rows = []
    for name, c in report.components.items():
        spec = COMPONENT_BY_NAME.get(name)
        share = 100.0 * abs(c.points) / scale
        side = "cl-pos" if c.points > 0 else "cl-neg" if c.points < 0 else "cl-zero"
        bar_colour = "#2a9d8f" if c.points > 0 else "#d1495b"
        tip = (f"{_pretty(name)}: {_signed(c.points)} index points; {c.count:g} signals, "
               f"{c.score:.1f} per 1,000 words, weight {c.weight:g}")
        if spec:
            tip += f" — {spec.description}"
        bar = f'<span class="cl-bar" style="width:{share:.1f}%;background:{bar_colour}"></span>'
        rows.append(
            f'<div class="cl-row" title="{_e(tip)}"><span class="cl-cname">{_e(_pretty(name))}</span>'
            f'<span class="cl-half cl-left">{bar if side == "cl-neg" else ""}</span>'
            f'<span class="cl-half cl-right">{bar if side == "cl-pos" else ""}</span>'
            f'<span class="cl-points {side}">{_signed(c.points)}</span></div>'
        )
    return '<div class="cl-bars">' + "".join(rows) + "</div>"


# ---------------------------------------------------------------- side panels


def _warnings(report: Report) -> str:
    if not report.warnings:
        return ""
    items = "".join(f"<li>{_e(w)}</li>" for w in report.warnings)
    return f'<ul class="cl-warnings">{items}</ul>'


def _speakers_table(report: Report) -> str:
    if len(report.speakers) < 2:
        return ""
    rows = []
    for s in report.speakers:
        if s.index is not None and s.interval is not None:
            score = f"{s.index:.0f} <span class=\"cl-muted\">({s.interval[0]:.0f}–{s.interval[1]:.0f})</span>"
            verdict = (f'<span class="cl-pill" style="--v:{VERDICT_COLOURS.get(s.verdict or "", "#444")}">'
                       f"{_e(_pretty(s.verdict or ''))}</span>")
        else:
            score, verdict = '<span class="cl-muted">not scored</span>', ""
        rows.append(f"<tr><td>{_e(s.name)}</td><td class=\"cl-num\">{s.words}</td>"
                    f"<td class=\"cl-num\">{s.share:.0%}</td><td class=\"cl-num\">{score}</td><td>{verdict}</td></tr>")
    return ('<details class="cl-panel"><summary>Speakers</summary><table class="cl-table">'
            "<thead><tr><th>speaker</th><th>words</th><th>share</th><th>index</th><th>verdict</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></details>")


def _top_evidence(report: Report, n: int = 5) -> str:
    top = report.top_evidence(n)
    if not top:
        return ""
    items = []
    for e in top:
        who = (f'<span class="cl-who" title="{_e(e.speaker)}">{_e(_split_role(e.speaker)[0])}</span>'
               if e.speaker else "")
        items.append(
            f'<li><span class="cl-impact {"cl-pos" if e.impact > 0 else "cl-neg"}">{_signed(e.impact)}</span>'
            f'<span class="cl-swatch" style="background:{colour(e.family, e.polarity)}"></span>'
            f'<span class="cl-fam">{_e(_pretty(e.family))}</span>'
            f"<q>{_e(report._quote(e))}</q>{who}</li>"
        )
    return ('<div class="cl-panel"><div class="cl-kicker">Evidence that moved the index most</div>'
            f'<ol class="cl-top">{"".join(items)}</ol></div>')


def _legend(report: Report) -> str:
    counted: Counter[str] = Counter()
    uncounted: Counter[str] = Counter()
    polarity: dict[str, str] = {}
    for e in report.evidence:
        (counted if e.counted else uncounted)[e.family] += 1
        polarity.setdefault(e.family, e.polarity)
    if not polarity:
        return ""
    order = sorted(polarity, key=lambda f: (f in LABELS, polarity[f] != "adversarial", f))
    items = []
    for family in order:
        tail = f" · {uncounted[family]} not counted" if uncounted[family] else ""
        kind = "sentence label" if family in LABELS else "lexicon family"
        items.append(
            f'<span class="cl-key" title="{_e(kind)}, {_e(polarity[family])}">'
            f'<span class="cl-swatch" style="background:{colour(family, polarity[family])}"></span>'
            f"{_e(_pretty(family))} <span class=\"cl-muted\">{counted[family]}{tail}</span></span>"
        )
    sample = ('<span class="cl-key"><mark class="cl-hit cl-counted" style="--c:#555;--bg:rgba(85,85,85,.16)">'
              'word</mark> counted</span><span class="cl-key"><mark class="cl-hit cl-uncounted" '
              'style="--c:#555;--bg:rgba(85,85,85,.16)">word</mark> not counted (hover for why)</span>'
              '<span class="cl-key"><span class="cl-chip" style="--c:#555;--bg:rgba(85,85,85,.10)">label</span> '
              "sentence label from the classifier</span>")
    return (f'<div class="cl-legend"><div class="cl-keys">{"".join(items)}</div>'
            f'<div class="cl-keys cl-how">{sample}</div></div>')


def _footer(report: Report) -> str:
    p = report.provenance
    bits = [f"clientlens {p.get('clientlens', '')}".strip()]
    if p.get("spacy_model"):
        bits.append(str(p["spacy_model"]))
    if p.get("model_sha256"):
        bits.append(f"model {str(p['model_sha256'])[:12]}")
    elif "model_sha256" in p:
        bits.append("lexicon only")
    if p.get("lexicon_sha256"):
        bits.append(f"lexicon {str(p['lexicon_sha256'])[:12]}")
    return f'<div class="cl-foot">{_e(" · ".join(bits))}</div>'


# ---------------------------------------------------------------- transcript


@dataclass(frozen=True)
class _Block:
    """Consecutive paragraphs of one speaker, scored or not; paragraphs are HTML already."""

    speaker: str | None
    t_start: float | None
    paragraphs: tuple[str, ...]
    scored: bool


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


def _transcript(report: Report) -> str:
    text = _source_text(report)
    if not report.sentences:
        return ""
    names = [s.name for s in report.speakers] + [s.speaker or "" for s in report.sentences]
    pattern = _label_pattern(names)
    by_sentence: dict[int, list[Evidence]] = {}
    for e in report.evidence:
        by_sentence.setdefault(e.sentence, []).append(e)

    blocks: list[_Block] = []
    current: list[str] = []  # paragraphs of the open scored block
    paragraph: list[str] = []
    head: Sentence | None = None

    def close() -> None:
        nonlocal current, paragraph, head
        if paragraph:
            current.append("".join(paragraph))
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
            current.append("".join(paragraph))
            paragraph = []
        else:
            paragraph.append(_e(gap))
        paragraph.append(_sentence_html(text, s, by_sentence.get(number, [])))
        previous_end = max(previous_end, s.end)
    close()
    blocks.extend(_unscored_blocks(_unscored_lines(text[previous_end:], pattern)))
    rows = "".join(_block_html(b) for b in blocks)
    return f'<div class="cl-transcript"><div class="cl-kicker">Transcript</div>{rows}</div>'


def _unscored_blocks(lines: Sequence[tuple[str | None, str]]) -> list[_Block]:
    blocks: list[_Block] = []
    for speaker, line in lines:
        if blocks and blocks[-1].speaker == speaker:
            last = blocks[-1]
            blocks[-1] = _Block(speaker, None, (*last.paragraphs, _e(line)), False)
        else:
            blocks.append(_Block(speaker, None, (_e(line),), False))
    return blocks


def _block_html(block: _Block) -> str:
    name, role = _split_role(block.speaker)
    margin = f'<div class="cl-name">{_e(name)}</div>' if name else ""
    if role:
        margin += f'<div class="cl-role">{_e(role)}</div>'
    if block.t_start is not None:
        margin += f'<div class="cl-time">{_clock(block.t_start)}</div>'
    if not block.scored:
        margin += '<div class="cl-role">not scored</div>'
    paragraphs = "".join(f"<p>{p}</p>" for p in block.paragraphs)
    kind = "cl-turn" if block.scored else "cl-turn cl-unscored"
    speaker_attr = f' data-speaker="{_e(block.speaker)}"' if block.speaker else ""
    return (f'<div class="{kind}"{speaker_attr}><div class="cl-margin">{margin}</div>'
            f'<div class="cl-text">{paragraphs}</div></div>')


def _split_role(speaker: str | None) -> tuple[str, str]:
    """'Bruno Caradec (directeur)' -> ('Bruno Caradec', 'directeur')."""
    if not speaker:
        return "", ""
    match = re.fullmatch(r"(.+?)\s*\((.+)\)\s*", speaker)
    return (match[1], match[2]) if match else (speaker, "")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _sentence_html(text: str, sentence: Sentence, evidence: Sequence[Evidence]) -> str:
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
        pieces.append(_mark(text[a:b], active) if active else _e(text[a:b]))
    body = "".join(pieces)
    if not labels:
        return f'<span class="cl-sent">{body}</span>'
    tint = colour(labels[0].family, labels[0].polarity)
    tip = "\n".join(_label_tip(e, sentence) for e in labels)
    chips = "".join(_chip(e, sentence) for e in labels)
    return (f'<span class="cl-sent cl-labelled" style="--bg:{_rgba(tint, 0.11)}" title="{_e(tip)}">'
            f"{body}</span>{chips}")


def _mark(piece: str, active: Sequence[Evidence]) -> str:
    """A highlighted piece of text; the strongest hit gives the colour, all hits the tooltip."""
    lead = sorted(active, key=lambda e: (not e.counted, -e.weight, e.start))[0]
    c = colour(lead.family, lead.polarity)
    kind = "cl-counted" if lead.counted else "cl-uncounted"
    tip = "\n".join(_hit_tip(e) for e in active)
    return (f'<mark class="cl-hit {kind}" data-family="{_e(lead.family)}" style="--c:{c};--bg:{_rgba(c, 0.18)}" '
            f'title="{_e(tip)}">{_e(piece)}</mark>')


def _hit_tip(e: Evidence) -> str:
    term = f" « {e.lemma} »" if e.lemma else ""
    if e.counted:
        status = f"counted, weight {e.weight:g}, {_signed(e.impact)} index points"
        if e.reason:
            status += f" ({e.reason})"
    else:
        status = f"not counted: {e.reason}" if e.reason else "not counted"
    return f"{_pretty(e.family)}{term} — {status}"


def _label_tip(e: Evidence, sentence: Sentence) -> str:
    probability = sentence.scores.get(e.family)
    p = f", p={probability:.2f}" if probability is not None else ""
    spec = COMPONENT_BY_LABEL.get(e.family)
    what = f" ({spec.description})" if spec else ""
    status = f"{_signed(e.impact)} index points" if e.counted else f"not counted: {e.reason or 'no reason given'}"
    return f"{_pretty(e.family)}{p} — {status}{what}"


def _chip(e: Evidence, sentence: Sentence) -> str:
    c = colour(e.family, e.polarity)
    kind = "" if e.counted else " cl-uncounted"
    return (f'<span class="cl-chip{kind}" data-label="{_e(e.family)}" style="--c:{c};--bg:{_rgba(c, 0.12)}" '
            f'title="{_e(_label_tip(e, sentence))}">{_e(LABEL_SHORT.get(e.family, _pretty(e.family)))} '
            f"{_signed(e.impact)}</span>")


# ---------------------------------------------------------------- style

CSS = """
.clientlens{--ink:#1f2933;--muted:#66727f;--line:#e3e7ec;--soft:#f6f8fa;
 font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
 color:var(--ink);background:#fff;line-height:1.5;font-size:14px;max-width:980px;
 padding:22px 26px;border:1px solid var(--line);border-radius:10px;box-sizing:border-box;text-align:left}
.clientlens *{box-sizing:border-box}
.clientlens .cl-muted{color:var(--muted);font-weight:normal}
.clientlens .cl-kicker{font-size:11px;letter-spacing:.06em;text-transform:uppercase;color:var(--muted);
 margin-bottom:6px;font-weight:600}
.clientlens .cl-head{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start;padding-bottom:18px;
 border-bottom:1px solid var(--line)}
.clientlens .cl-score{flex:0 0 340px}
.clientlens .cl-source{font-size:12px;color:var(--muted);margin-bottom:8px;word-break:break-all}
.clientlens .cl-index{display:flex;align-items:baseline;gap:4px;line-height:1}
.clientlens .cl-number{font-size:54px;font-weight:700;letter-spacing:-.02em}
.clientlens .cl-of{font-size:18px;color:var(--muted)}
.clientlens .cl-interval{color:var(--muted);font-size:13px;margin:4px 0 10px}
.clientlens .cl-verdict{display:flex;gap:10px;align-items:center;margin-bottom:10px}
.clientlens .cl-badge{background:var(--v);color:#fff;font-weight:700;font-size:12px;letter-spacing:.06em;
 padding:4px 10px;border-radius:999px;white-space:nowrap}
.clientlens .cl-verdict-text{font-size:13px;color:var(--ink)}
.clientlens .cl-gauge{display:block;overflow:visible}
.clientlens .cl-ticks text{font-size:10px;fill:var(--muted)}
.clientlens .cl-components{flex:1 1 360px;min-width:300px}
.clientlens .cl-bars{display:grid;gap:7px;margin-top:4px}
.clientlens .cl-row{display:grid;grid-template-columns:170px 1fr 1fr 52px;align-items:center;font-size:13px}
.clientlens .cl-cname{color:var(--ink)}
.clientlens .cl-half{display:flex;height:14px;background:var(--soft)}
.clientlens .cl-left{justify-content:flex-end;border-right:1px solid #9aa5b1}
.clientlens .cl-right{justify-content:flex-start}
.clientlens .cl-bar{display:block;height:100%;border-radius:2px}
.clientlens .cl-points{text-align:right;font-variant-numeric:tabular-nums;font-weight:600}
.clientlens .cl-pos{color:#1e7b4f}.clientlens .cl-neg{color:#b42318}.clientlens .cl-zero{color:var(--muted)}
.clientlens .cl-warnings{margin:14px 0 0;padding:10px 14px 10px 30px;background:#fff8e6;
 border:1px solid #f3dfa6;border-radius:6px;font-size:13px;color:#6b4e00}
.clientlens .cl-panel{margin-top:16px}
.clientlens details.cl-panel summary{cursor:pointer;font-size:11px;letter-spacing:.06em;text-transform:uppercase;
 color:var(--muted);font-weight:600}
.clientlens .cl-table{border-collapse:collapse;margin-top:8px;font-size:13px}
.clientlens .cl-table th{text-align:left;font-weight:600;color:var(--muted);border-bottom:1px solid var(--line);
 padding:4px 14px 4px 0}
.clientlens .cl-table td{padding:4px 14px 4px 0;border-bottom:1px solid var(--soft)}
.clientlens .cl-num{text-align:right;font-variant-numeric:tabular-nums}
.clientlens .cl-pill{color:var(--v);border:1px solid var(--v);border-radius:999px;padding:0 8px;font-size:12px}
.clientlens .cl-top{margin:0;padding-left:0;list-style:none;font-size:13px}
.clientlens .cl-top li{display:flex;gap:8px;align-items:baseline;padding:3px 0}
.clientlens .cl-top q{flex:1;color:var(--ink)}
.clientlens .cl-impact{font-weight:700;font-variant-numeric:tabular-nums;min-width:38px;text-align:right}
.clientlens .cl-fam{color:var(--muted);min-width:128px}
.clientlens .cl-who{color:var(--muted);font-size:12px;white-space:nowrap;max-width:180px;overflow:hidden;
 text-overflow:ellipsis}
.clientlens .cl-swatch{display:inline-block;width:10px;height:10px;border-radius:2px;flex:none;
 vertical-align:baseline;margin-right:2px}
.clientlens .cl-legend{margin-top:18px;padding:10px 12px;background:var(--soft);border-radius:6px;font-size:12px}
.clientlens .cl-keys{display:flex;flex-wrap:wrap;gap:6px 16px}
.clientlens .cl-how{margin-top:8px;padding-top:8px;border-top:1px solid var(--line);color:var(--muted)}
.clientlens .cl-key{white-space:nowrap}
.clientlens .cl-transcript{margin-top:22px}
.clientlens .cl-turn{display:grid;grid-template-columns:170px 1fr;gap:18px;padding:10px 0;
 border-top:1px solid var(--soft)}
.clientlens .cl-margin{text-align:right;font-size:12px;line-height:1.35;padding-top:2px}
.clientlens .cl-name{font-weight:600;color:var(--ink);font-size:13px}
.clientlens .cl-role,.clientlens .cl-time{color:var(--muted)}
.clientlens .cl-time{font-variant-numeric:tabular-nums}
.clientlens .cl-text p{margin:0 0 8px;white-space:pre-wrap;line-height:1.75}
.clientlens .cl-text p:last-child{margin-bottom:0}
.clientlens .cl-unscored .cl-text,.clientlens .cl-unscored .cl-name{color:#8a949e}
.clientlens .cl-labelled{background:var(--bg);border-radius:3px;box-decoration-break:clone;
 -webkit-box-decoration-break:clone}
.clientlens mark.cl-hit{color:inherit;padding:0 1px;border-radius:2px;box-decoration-break:clone;
 -webkit-box-decoration-break:clone}
.clientlens mark.cl-counted{background:var(--bg);border-bottom:2px solid var(--c);font-weight:600}
.clientlens mark.cl-uncounted{background:transparent;border-bottom:2px dashed var(--c);
 text-decoration:line-through;text-decoration-color:var(--c);text-decoration-thickness:1px;color:#52606d}
.clientlens .cl-chip{display:inline-block;font-size:10.5px;line-height:1.4;font-weight:600;color:var(--c);
 background:var(--bg);border:1px solid var(--c);border-radius:999px;padding:0 6px;margin:0 3px 0 4px;
 vertical-align:1px;white-space:nowrap;font-variant-numeric:tabular-nums}
.clientlens .cl-chip.cl-uncounted{border-style:dashed;text-decoration:line-through}
.clientlens [title]{cursor:help}
.clientlens .cl-foot{margin-top:18px;padding-top:10px;border-top:1px solid var(--line);font-size:11px;
 color:var(--muted)}
""".strip()

PAGE_CSS = (
    "html{background:#eef1f4}body{margin:0;padding:32px 16px}"
    ".clientlens{margin:0 auto;box-shadow:0 1px 3px rgba(16,24,40,.08)}"
    "@media print{html{background:#fff}body{padding:0}.clientlens{border:none;box-shadow:none}}"
)
