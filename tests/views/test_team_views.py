"""Views of a team: the text summary and the HTML page, in French and English, in a real browser."""

from __future__ import annotations

import pytest
from test_html import Tree, _chromium

from clientlens.lang import report_strings
from clientlens.resources import example_path
from clientlens.team import analyze_team
from clientlens.views.team import member_index
from clientlens.views.text import cut


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
