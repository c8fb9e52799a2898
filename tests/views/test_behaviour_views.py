"""The four behaviours in the views: text summary, report page and team page, in French and English;
absence said, too little speech said instead of absence, user text escaped, checked in a browser."""

from __future__ import annotations

import pytest
from test_html import HOSTILE, Tree, _chromium

from clientlens.lang import report_strings
from clientlens.resources import example_path
from clientlens.taxonomy import BEHAVIOURS
from clientlens.team import analyze_team
from clientlens.views.text import cut


@pytest.fixture(scope="module")
def mutuelle(analyzer):
    """All three speakers scored: the other two say too little to judge (19 and 34 words)."""
    return analyzer.analyze_file(example_path("reunion_mutuelle.txt"))


@pytest.fixture(scope="module")
def meeting(analyzer):
    """The codir meeting as one report, every member scored: five profiles, some behaviours absent."""
    return analyzer.analyze_file(example_path("codir_rivaud.txt"))


@pytest.fixture(scope="module")
def codir(analyzer):
    return analyze_team(example_path("codir_rivaud.txt"), analyzer=analyzer)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_summary_shows_each_behaviour_or_says_it_is_absent(meeting, mutuelle, language):
    b = report_strings(language)["behaviours"]
    text = meeting.summary(language=language)
    assert f"{b['title']} ({b['legend']}):" in text
    section = text[text.index(b["title"]):].split("\n\n")[0]
    profiles = meeting.behaviours()
    assert len(profiles) == 5 and any(p.absent for p in profiles) and any(p.absent != BEHAVIOURS for p in profiles)
    for p in profiles:
        after = section.split(f"\n  {p.speaker}:\n")[1].splitlines()
        mine = "\n".join(line for line in after[: next((i for i, x in enumerate(after) if not x.startswith("    ")),
                                                        len(after))])
        for name in BEHAVIOURS:
            if p.present(name):
                assert f"{b['present_mark']} {b['names'][name]}: « {cut(p.signs[name][0].text, 100)} »" in mine
            else:
                assert f"{b['absent_mark']} {b['names'][name]}: {b['absent'][name]}" in mine
        assert (b["everything_absent"] in mine) is (p.absent == BEHAVIOURS)
    assert mutuelle.summary(language=language).count(b["too_short"]) == 2  # 19 and 34 words: no absence claimed


def test_summary_of_unlabelled_text_has_no_speaker_line(analyzer):
    report = analyzer.analyze("Le chiffre d'affaires progresse. Nous rappelons chaque client comme promis.")
    text = report.summary(language="en")
    section = text.split("Four behaviours")[1].split("\n\n")[0].splitlines()[1:]
    assert section[0] == "  ✓ delivering what was promised: « Nous rappelons chaque client comme promis. »"
    assert section[-1].endswith(report_strings("en")["behaviours"]["too_short"])  # 7 words: too short to judge


@pytest.mark.parametrize("language", ["fr", "en"])
def test_report_page_has_a_four_cell_grid_per_speaker(meeting, mutuelle, language):
    b = report_strings(language)["behaviours"]
    tree = Tree(meeting.to_html(language=language))
    grids = tree.find(cls="cl-behav-grid")
    assert len(grids) == len(meeting.behaviours()) == 5
    for grid, p in zip(grids, meeting.behaviours(), strict=True):
        cells = [c for c in grid.children if "cl-behav" in c.classes]
        assert [c.attrs["data-behaviour"] for c in cells] == list(BEHAVIOURS)
        for cell, name in zip(cells, BEHAVIOURS, strict=True):
            assert b["names"][name] in cell.text
            if p.present(name):
                assert "cl-on" in cell.classes and cut(p.signs[name][0].text, 100) in cell.text
            else:
                assert "cl-off" in cell.classes and b["absent"][name] in cell.text  # the absence, said
    assert [e.text for e in tree.find(cls="cl-behav-who")] == [p.speaker for p in meeting.behaviours()]
    short = Tree(mutuelle.to_html(language=language)).find(cls="cl-behav-grid")[1:]
    assert short and all("cl-unknown" in c.classes or "cl-on" in c.classes for g in short for c in g.children
                          if "cl-behav" in c.classes)  # too short: unknown, not absent


def test_quotes_in_the_grid_are_escaped(analyzer):
    report = analyzer.analyze(HOSTILE)
    html = report.to_html()
    grid = html[html.index('class="cl-panel cl-behaviours"'):]
    grid = grid[: grid.index("cl-legend")]
    assert "<script>" not in grid and "<img" not in grid
    assert any(report.behaviours()[0].present(b) for b in BEHAVIOURS)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_team_summary_has_a_grid_row_per_member(codir, language):
    b = report_strings(language)["behaviours"]
    text = codir.summary(language)
    section = text[text.index(b["title"]):].split("\n\n")[0].splitlines()
    assert all(b["short"][name] in section[1] for name in BEHAVIOURS)
    for m in codir.members:
        row = next(line for line in section if line[2:].startswith(cut(f"{m.name} ({m.title})", 34)))
        marks = row[37:].split()
        expected = [b["present_mark"] if m.behaviours.present(n) else b["absent_mark"] for n in BEHAVIOURS]
        assert marks == expected
        for name in BEHAVIOURS:
            if m.behaviours.present(name):
                assert f"{m.name} ({m.title}), {b['names'][name]}: «" in text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_team_page_has_four_cells_per_member(codir, language, tmp_path):
    b = report_strings(language)["behaviours"]
    page = tmp_path / "team.html"
    codir.to_html(page, language=language)
    tree = Tree(_chromium(page, tmp_path, "--dump-dom").stdout)
    table = tree.find("table", "cl-behav-table")[0]
    heads = [th.text for th in table.children[0].children[0].children][1:]
    assert heads == [b["short"][name] for name in BEHAVIOURS]
    cells = tree.find("td", "cl-behav-cell")
    assert len(cells) == 4 * len(codir.members)
    for i, m in enumerate(codir.members):
        row = cells[4 * i : 4 * i + 4]
        assert [("cl-on" in c.classes) for c in row] == [m.behaviours.present(n) for n in BEHAVIOURS]
        for c, name in zip(row, BEHAVIOURS, strict=True):
            if not m.behaviours.present(name):
                assert b["absent"][name] in c.attrs["title"]
