"""Views of a team: the text summary and the HTML page, in French and English, in a real browser."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from test_html import Tree, _chromium, console_messages

from clientlens.lang import report_strings
from clientlens.resources import example_path
from clientlens.team import analyze_team
from clientlens.views.team import member_index
from clientlens.views.text import clock, cut, sentence_of
from clientlens.views.timeline import LABEL_WIDTH, PLOT_RIGHT, TIP_WIDTH


@pytest.fixture(scope="module")
def codir(analyzer):
    return analyze_team(example_path("codir_rivaud.vtt"), analyzer=analyzer)


@pytest.mark.parametrize(
    ("language", "heads"),
    [("fr", ["Décision d'équipe: ", "Règle: ", "Dirigeant: ", "Membres:", "Non notés: ", "Citations par membre:"]),
     ("en", ["Team decision: ", "Rule: ", "Leader: ", "Members:", "Not scored: ", "Evidence per member:"])],
)
def test_team_summary_prints_decision_rule_and_every_members_row_with_evidence(codir, language, heads):
    text = codir.summary(language)
    verdicts = report_strings(language)["verdict"]
    assert text.startswith(f"{heads[0]}{verdicts[codir.decision.decision]}")
    assert all(h in text for h in heads)
    assert codir.rule_in(language) in text and codir.rule_in(language).count(".") >= 1
    for m in codir.members:
        row = next(line for line in text.splitlines() if line[2:].startswith(cut(f"{m.name} ({m.title})", 34)))
        assert member_index(m) in row and verdicts[m.verdict] in row and str(m.words) in row
        for e in m.evidence:
            assert f"#{e.id}" in text
    assert "Élise Marchand" in text.split(heads[3])[1]  # listed as not scored, with no verdict


def test_rule_sentences_differ_by_language(codir):
    fr, en = codir.rule_in("fr"), codir.rule_in("en")
    assert fr != en and "Le dirigeant" in fr and "The leader" in en
    assert str(codir.decision.n_go) in fr and str(codir.decision.n_go) in en


@pytest.mark.parametrize("language", ["fr", "en"])
def test_team_page_in_a_browser(codir, tmp_path, language):
    page = tmp_path / f"team_{language}.html"
    codir.to_html(page, language=language)
    dom = Tree(_chromium(page, tmp_path, "--dump-dom").stdout)
    strings = report_strings(language)
    assert dom.find(cls="cl-badge")[0].text.endswith(strings["verdict"][codir.decision.decision])
    rows = dom.find("tr")
    assert len([r for r in rows if "data-verdict" in r.attrs]) == len(codir.members)
    names = " ".join(e.text for e in dom.find(cls="cl-name"))
    assert all(m.name in names for m in codir.members) and "Élise Marchand" not in names
    assert not dom.find("script") and 'lang="' + language + '"' in page.read_text("utf-8")


def test_team_timeline_is_by_time_for_the_teams_transcript(codir):
    assert codir.timeline_basis == "time" and codir.timeline_end > 900
    strips = [line for line in codir.summary("en").splitlines() if line.rstrip().endswith("|")]
    assert len(strips) == len(codir.members) and all("+" in s or "−" in s for s in strips)


# ---------------------------------------------------------------- the timeline of the HTML page


def timeline_svg(page: str) -> ET.Element:
    """The team page's timeline, parsed as XML (the SVG is well-formed on its own)."""
    found = re.search(r'<svg class="cl-timeline".*?</svg>', page, re.S)
    assert found, "no timeline in the page"
    return ET.fromstring(found[0])


def lanes(svg: ET.Element) -> list[list[ET.Element]]:
    """The marks of each member's row, in document order."""
    return [list(g.iter("rect")) for g in svg.iter("g") if g.get("class") == "cl-lane"]


def counted(m) -> list:
    """A member's counted evidence that moved the index (what the timeline marks)."""
    return [e for e in m.report.evidence if e.counted and e.impact]


@pytest.fixture(scope="module")
def mutuelle(analyzer):
    """A meeting in plain text without time stamps: a timeline by position."""
    return analyze_team(example_path("reunion_mutuelle.txt"), analyzer=analyzer)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_timeline_has_a_mark_per_counted_signal_in_each_members_row(codir, language):
    svg = timeline_svg(codir.to_html(language=language))
    rows = lanes(svg)
    assert len(rows) == len(codir.members)
    assert [len(marks) for marks in rows] == [len(counted(m)) for m in codir.members]
    assert sum(len(marks) for marks in rows) > 40  # the codir has signals everywhere: a real test


def test_marks_are_placed_by_time_and_coloured_by_side(codir):
    from clientlens.taxonomy import POLARITY_COLOURS

    for m, marks in zip(codir.members, lanes(timeline_svg(codir.to_html())), strict=True):
        placed = sorted((m.report.evidence[int(r.get("data-id"))].t_start, float(r.get("x"))) for r in marks)
        xs = [x for _, x in placed]
        assert xs == sorted(xs)  # monotone with time
        assert all(LABEL_WIDTH - 2 <= x <= PLOT_RIGHT for x in xs)
        for r in marks:
            impact = m.report.evidence[int(r.get("data-id"))].impact
            assert r.get("fill") == POLARITY_COLOURS["respectful" if impact > 0 else "adversarial"]


def test_each_mark_has_a_tooltip_with_its_quote_cut_and_its_time(codir):
    svg = timeline_svg(codir.to_html(language="en"))
    for m, marks in zip(codir.members, lanes(svg), strict=True):
        for r in marks:
            e = m.report.evidence[int(r.get("data-id"))]
            tip = r.find("title").text
            quote = tip[2 : tip.index(" » — ")]
            assert len(quote) <= TIP_WIDTH and sentence_of(m.report, e).startswith(quote.rstrip("…"))
            assert quote == cut(sentence_of(m.report, e), TIP_WIDTH)
            assert f" — {clock(e.t_start)} (" in tip


def test_marks_of_the_listed_quotes_link_to_them(codir):
    page = codir.to_html()
    svg = timeline_svg(page)
    links = [a for a in svg.iter("a")]
    assert len(links) == sum(len(m.evidence) for m in codir.members)  # every listed quote is counted
    for a in links:
        target = a.get("href")[1:]
        assert f'<li id="{target}">' in page
        assert a.find("rect").get("data-id") == target.rsplit("-e", 1)[1]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_axis_labels_by_time_in_both_languages(codir, language):
    s = report_strings(language)["team"]
    page = codir.to_html(language=language)
    svg = timeline_svg(page)
    texts = [t.text for t in svg.iter("text")]
    assert s["by_time"].format(end=clock(codir.timeline_end)) in texts
    assert texts[-2] == clock(codir.timeline_end) and "0:00" in texts
    assert s["timeline_svg"] in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_axis_labels_by_position_in_both_languages(mutuelle, language):
    s = report_strings(language)["team"]
    assert mutuelle.timeline_basis == "position"
    svg = timeline_svg(mutuelle.to_html(language=language))
    ticks = [t.text for t in svg.iter("text") if t.get("class") == "cl-tick"]
    assert ticks == [s["start"], s["percent"].format(n=25), s["percent"].format(n=50), s["percent"].format(n=75),
                     s["end"]]
    for m, marks in zip(mutuelle.members, lanes(svg), strict=True):
        placed = sorted((m.report.evidence[int(r.get("data-id"))].start, float(r.get("x"))) for r in marks)
        assert [x for _, x in placed] == sorted(x for _, x in placed)  # monotone with position
        for r in marks:
            assert s["at_position"].split("{")[0] in r.find("title").text


def test_a_team_of_timed_and_untimed_files_is_placed_by_position_everywhere(analyzer):
    team = analyze_team([example_path("codir_rivaud.vtt"), example_path("reunion_mutuelle.txt")], analyzer=analyzer)
    assert team.timeline_basis == "position"
    data = team.to_dict()
    assert all(0 <= x["at"] <= 1 for m in data["members"] for x in m["timeline"])
    assert sum(len(m["timeline"]) for m in data["members"]) == sum(len(counted(m)) for m in team.members)
    xs = [float(r.get("x")) for marks in lanes(timeline_svg(team.to_html())) for r in marks]
    assert len(set(xs)) > 20  # not every mark squeezed at the end of the axis


@pytest.mark.parametrize("language", ["fr", "en"])
def test_team_page_with_its_timeline_in_a_browser_without_console_errors(codir, tmp_path, language):
    page = tmp_path / f"team_{language}.html"
    codir.to_html(page, language=language)
    messages, dom = console_messages(page, tmp_path)
    assert messages == []
    rendered = timeline_svg(dom)
    assert sum(len(marks) for marks in lanes(rendered)) == sum(len(counted(m)) for m in codir.members)
