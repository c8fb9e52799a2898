"""The four behaviours as pandas frames (a report's profiles, a team's members) and the team's
summary of how many judged members show each behaviour, in the JSON, text and HTML views."""

from __future__ import annotations

import sys

import pytest
from test_html import Tree

from clientlens.lang import report_strings
from clientlens.resources import example_path
from clientlens.taxonomy import BEHAVIOURS
from clientlens.team import analyze_team
from clientlens.views.frames import BEHAVIOUR_COLUMNS
from clientlens.views.text import short_speakers

pd = pytest.importorskip("pandas")

#: A team too short to judge: every member says a few words.
SHORT_TEAM = "Claire Vasseur (DG) : Nos clients d'abord, toujours.\n\nPaul Martin (DAF) : Les chiffres suivent."


@pytest.fixture(scope="module")
def reports(analyzer):
    return {
        "meeting": analyzer.analyze_file(example_path("codir_rivaud.txt")),  # five speakers
        "mutuelle": analyzer.analyze_file(example_path("reunion_mutuelle.txt")),  # two too short to judge
        "unlabelled": analyzer.analyze("Je lui ai promis une date, le 12, et on a tenu la date. On leur demande "
                                       "ce qui s'est bien passé et ce qui s'est mal passé, et on lit les "
                                       "réponses ensemble en comité une fois par mois."),  # short: not judged
        "no sign": analyzer.analyze("DG : Le chiffre d'affaires progresse de dix pour cent cette année."),
    }


@pytest.fixture(scope="module")
def codir(analyzer):
    return analyze_team(example_path("codir_rivaud.txt"), analyzer=analyzer)


@pytest.fixture(scope="module")
def short_team(analyzer):
    return analyze_team(SHORT_TEAM, analyzer=analyzer)


@pytest.mark.parametrize("case", ["meeting", "mutuelle", "unlabelled", "no sign"])
def test_report_frame_has_a_row_per_behaviour_of_each_profile(reports, case):
    """Four rows per profile, in taxonomy order: found and count as the profile has them, the
    first sign's quote and words, the sentences and evidence that join the other frames."""
    report = reports[case]
    profiles = report.behaviours()
    frame = report.behaviours_frame()
    assert bool(frame["found"].any()) == (case != "no sign")
    assert list(frame.columns) == ["speaker", *BEHAVIOUR_COLUMNS]
    assert len(frame) == 4 * len(profiles)
    assert frame["behaviour"].tolist() == list(BEHAVIOURS) * len(profiles)
    short = short_speakers(report)
    sentences, evidence = report.sentences_frame(), report.evidence_frame()
    for p, (_, rows) in zip(profiles, frame.groupby(frame.index // 4), strict=True):
        for name, (_, row) in zip(BEHAVIOURS, rows.iterrows(), strict=True):
            signs = p.signs.get(name, ())
            assert row["speaker"] == p.speaker or (p.speaker is None and pd.isna(row["speaker"]))
            assert (row["found"], row["count"], row["judged"]) == (bool(signs), len(signs), p.speaker not in short)
            assert row["sentences"] == [s.sentence for s in signs]
            assert set(row["sentences"]) <= set(sentences.index)
            assert all(evidence.loc[i, "source"] == "lexicon" for i in row["evidence"])
            if signs:
                assert (row["quote"], row["term"]) == (signs[0].text, signs[0].term)
                assert sentences.loc[row["sentences"][0], "text"] == row["quote"]
            else:
                assert pd.isna(row["quote"]) and pd.isna(row["term"]) and pd.isna(row["t_start"])


def test_frame_dtypes_and_a_report_without_any_sign(reports):
    """Booleans stay booleans and counts integers, even where nothing was found."""
    frame = reports["no sign"].behaviours_frame()
    assert not frame["found"].any() and (frame["count"] == 0).all()
    assert frame["found"].dtype == bool and frame["judged"].dtype == bool
    assert frame["count"].dtype.kind == "i" and frame["words"].dtype.kind == "i"


def test_a_speaker_too_short_to_judge_is_marked(reports):
    frame = reports["mutuelle"].behaviours_frame()
    judged = frame.groupby("speaker")["judged"].first()
    assert judged["Claire Vasseur (directrice générale)"]
    assert not judged.drop("Claire Vasseur (directrice générale)").any()  # 19 and 34 words


def test_team_frame_is_member_by_behaviour(codir):
    """One row per member and behaviour, the leader first; its pivot is the views' grid."""
    frame = codir.behaviours_frame()
    assert list(frame.columns) == ["member", "leader", *BEHAVIOUR_COLUMNS]
    assert len(frame) == 4 * len(codir.members)
    grid = frame.pivot(index="member", columns="behaviour", values="found")
    for m in codir.members:
        assert grid.loc[m.name].to_dict() == {b: m.behaviours.present(b) for b in BEHAVIOURS}
    assert frame["leader"].tolist() == [m.leader for m in codir.members for _ in BEHAVIOURS]
    shown = frame[frame.judged].groupby("behaviour")["found"].sum()
    assert {b: int(shown[b]) for b in BEHAVIOURS} == codir.behaviour_summary


@pytest.mark.parametrize("make", [lambda r, t: r.behaviours_frame(), lambda r, t: t.behaviours_frame()],
                         ids=["report", "team"])
def test_behaviour_frames_without_pandas_say_how_to_install_it(reports, codir, make, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install clientlens\[pandas\]"):
        make(reports["meeting"], codir)


# ---------------------------------------------------------------- the team's summary


def test_behaviour_summary_counts_judged_members_only(codir, short_team):
    assert codir.behaviour_summary == {b: sum(m.judged and m.behaviours.present(b) for m in codir.members)
                                       for b in BEHAVIOURS}
    assert any(codir.behaviour_summary.values())
    assert not any(m.judged for m in short_team.members)
    assert short_team.behaviour_summary == dict.fromkeys(BEHAVIOURS, 0)
    data = short_team.to_dict()["behaviour_summary"]
    assert data == {"judged_members": 0, "members_showing": dict.fromkeys(BEHAVIOURS, 0)}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_team_summary_says_how_many_judged_members_show_each_behaviour(codir, language):
    b = report_strings(language)["behaviours"]
    judged = sum(m.judged for m in codir.members)
    line = next(x for x in codir.summary(language).splitlines() if x.strip().startswith(b["members_showing"]))
    for name, n in codir.behaviour_summary.items():
        assert b["showing_count"].format(name=b["short"][name], n=n, judged=judged) in line


@pytest.mark.parametrize("language", ["fr", "en"])
def test_team_summary_of_a_team_nobody_can_judge(short_team, language):
    b = report_strings(language)["behaviours"]
    assert f"{b['members_showing']}: {b['none_judged']}" in short_team.summary(language)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_team_page_has_a_count_row_under_the_grid(codir, short_team, language):
    b = report_strings(language)["behaviours"]
    judged = sum(m.judged for m in codir.members)
    row = Tree(codir.to_html(language=language)).find("tr", "cl-behav-counts")[0]
    cells = [c for c in row.children if c.tag == "td"]
    assert row.children[0].text == b["members_showing"]
    assert [c.attrs["data-behaviour"] for c in cells] == list(BEHAVIOURS)
    assert [c.text for c in cells] == [f"{n}/{judged}" for n in codir.behaviour_summary.values()]
    assert all(b["names"][c.attrs["data-behaviour"]] in c.attrs["title"] for c in cells)
    empty = Tree(short_team.to_html(language=language)).find("tr", "cl-behav-counts")[0]
    assert b["none_judged"] in empty.text
