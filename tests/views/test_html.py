"""HTML report (Jupyter display, standalone page, CLI), checked in a real headless browser, and pandas frames."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field, fields, replace
from html import escape
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest

import clientlens
from clientlens.cli import main
from clientlens.lang import report_strings
from clientlens.records import Evidence
from clientlens.resources import example_path
from clientlens.taxonomy import COMPONENT_NAMES, LABELS
from clientlens.views.text import reason_text, report_index

HOSTILE = (
    "Marc d'Arcy (P&DG) : Nos clients, je les appelle un par un pour comprendre leurs besoins, "
    "et je ne veux pas qu'on parle de <script>alert('x')</script> ou de <img src=x onerror=alert(1)> "
    "dans nos réunions. Les commerciaux doivent les remercier & tenir parole.\n\n"
    "Intervieweuse : Et les « pigeons » dont parlait votre prédécesseur ?\n\n"
    "Marc d'Arcy (P&DG) : Ce mot-là, chez nous, on ne l'emploie pas pour un client."
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class Tree(HTMLParser):
    """Just enough of a DOM to query the rendered report: every element with its text."""

    VOID = frozenset({"meta", "br", "img", "input", "link", "hr", "source", "circle", "rect", "line", "polygon"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if self._open:
            self._open[-1].children.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop().tag == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element.text += data

    def find(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        return [e for e in self.elements if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)]


@pytest.fixture(scope="module")
def concession(analyzer):
    """Both speakers scored (by name: the interviewer is left out by default), so that every
    turn of the transcript has sentences."""
    return analyzer.analyze_file(example_path("entretien_concession.txt"), speaker=["Intervieweuse", "Bruno Caradec"])


@pytest.fixture(scope="module")
def mutuelle(analyzer):
    return analyzer.analyze_file(example_path("reunion_mutuelle.txt"), speaker="Claire Vasseur")


def _lone_hits(report) -> list[Evidence]:
    """Lexicon hits that overlap no other hit: each must be exactly one mark."""
    hits = [e for e in report.evidence if e.source == "lexicon"]
    return [h for h in hits if not any(o is not h and o.start < h.end and h.start < o.end for o in hits)]


# ---------------------------------------------------------------- the HTML itself


def test_repr_html_shows_index_verdict_components_and_speakers(concession):
    tree = Tree(concession._repr_html_())
    root = tree.find("div", "clientlens")
    assert len(root) == 1
    assert tree.find(cls="cl-number")[0].text == report_index(concession)
    assert tree.find(cls="cl-badge")[0].text == report_strings()["verdict"][concession.verdict]
    assert tree.find("svg", "cl-gauge"), "no gauge"
    names = [e.text for e in tree.find(cls="cl-cname")]
    assert names == [report_strings()["names"][c] for c in concession.components]  # in the report language
    points = [e.text for e in tree.find(cls="cl-points")]
    assert len(points) == len(concession.components)
    assert {e.text for e in tree.find(cls="cl-name")} == {"Intervieweuse", "Bruno Caradec"}
    assert "<script" not in concession._repr_html_()


def test_consecutive_sentences_of_a_speaker_form_one_turn(concession):
    tree = Tree(concession._repr_html_())
    turns = tree.find("div", "cl-turn")
    speakers = [t.attrs["data-speaker"] for t in turns]
    assert all(a != b for a, b in pairwise(speakers)), "two turns in a row by one speaker"
    expected = [s.speaker for i, s in enumerate(concession.sentences)
                if i == 0 or s.speaker != concession.sentences[i - 1].speaker]
    assert speakers == expected


@pytest.mark.parametrize("mode", ["classifier", "lexicon-only"])
def test_every_lexicon_hit_is_highlighted_counted_read_or_cancelled(mode, concession):
    """With the classifier, the bundled lexicon's hits are read by it (cl-read; their sentence's
    label counts) or cancelled by a rule; lexicon-only, they count (cl-counted) or not."""
    report = concession if mode == "classifier" else clientlens.Analyzer(use_classifier=False).analyze_file(
        example_path("entretien_concession.txt"), speaker="Bruno Caradec")
    marks = Tree(report._repr_html_()).find("mark", "cl-hit")
    lone = _lone_hits(report)
    expected = {"classifier": {"cl-read", "cl-uncounted"}, "lexicon-only": {"cl-counted", "cl-uncounted"}}[mode]
    kinds = {_kind(h) for h in lone}
    assert kinds == expected
    for hit in lone:
        kind = _kind(hit)
        found = [m for m in marks if m.text == hit.text and kind in m.classes and m.attrs["data-family"] == hit.family]
        assert found, f"{hit.text!r} ({hit.family}, {kind}) is not highlighted"
        if not hit.counted:
            reason = reason_text(hit.reason)  # in the report language (French by default)
            assert any(reason in m.attrs["title"] for m in found), "the reason is not on hover"


def _kind(hit) -> str:
    if hit.counted:
        return "cl-counted"
    return "cl-read" if hit.reason.startswith("feature:") else "cl-uncounted"


def test_classifier_labels_become_chips_with_their_impact(concession):
    chips = [c for c in Tree(concession._repr_html_()).find("span", "cl-chip") if "data-label" in c.attrs]
    labelled = [e for e in concession.evidence if e.source == "classifier"]
    assert len(chips) == len(labelled)
    assert {c.attrs["data-label"] for c in chips} == {e.family for e in labelled}


def test_unscored_speakers_stay_readable_but_greyed(mutuelle):
    tree = Tree(mutuelle._repr_html_())
    unscored = tree.find("div", "cl-unscored")
    assert {t.attrs["data-speaker"].split(" (")[0] for t in unscored} == {"Julien Morel", "Sarah Lemaire"}
    assert any("dossier incomplet" in t.text for t in unscored)
    scored = [t for t in tree.find("div", "cl-turn") if "cl-unscored" not in t.classes]
    assert {t.attrs["data-speaker"] for t in scored} == {"Claire Vasseur (directrice générale)"}
    # labels such as "Claire Vasseur (directrice générale) :" are in the margin, not the text
    assert not any("Claire Vasseur" in t.text.split("\n", 1)[-1] for t in tree.find("div", "cl-text"))


def test_user_text_is_escaped(analyzer):
    report = analyzer.analyze(HOSTILE)
    for html in (report._repr_html_(), report.to_html()):
        assert "<script>" not in html and "<img" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
        assert 'data-speaker="Marc d&#x27;Arcy (P&amp;DG)"' in html


def test_templates_escape_as_html_escape_does(analyzer):
    """Quotes come out as html.escape(quote=True) writes them (&#x27; &quot;), not as Jinja2's &#39; &#34;."""
    report = replace(analyzer.analyze(HOSTILE), source='dossier/"mot" d\'ordre <b>.txt',
                     warnings=('dit "non" & <sort>',))
    for html in (report._repr_html_(), report.to_html()):
        assert escape(report.source) in html and escape(report.warnings[0]) in html
        assert "&#39;" not in html and "&#34;" not in html
    assert "<title>clientlens – &quot;mot&quot; d&#x27;ordre &lt;b&gt;.txt</title>" in report.to_html()


def test_plain_text_without_speakers_renders(analyzer):
    report = analyzer.analyze("Nos clients ne sont pas des cibles. Je les appelle pour comprendre leurs besoins.")
    tree = Tree(report._repr_html_())
    assert len(tree.find("div", "cl-turn")) == 1
    assert not tree.find(cls="cl-name")
    assert "comprendre leurs besoins" in tree.find("div", "cl-text")[0].text


def test_lexicon_only_report_renders_without_chips(rules_analyzer):
    report = rules_analyzer.analyze("DG : Il faut attaquer les clients et cibler les retraités, sans les brusquer.")
    tree = Tree(report._repr_html_())
    assert not [c for c in tree.find("span", "cl-chip") if "data-label" in c.attrs]
    assert [m for m in tree.find("mark", "cl-hit") if "data-family" in m.attrs]


def test_to_html_writes_a_standalone_page(concession, tmp_path):
    path = tmp_path / "report.html"
    page = concession.to_html(path)
    assert path.read_text("utf-8") == page == concession.to_html()
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert concession._repr_html_() in page
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_cli_prints_the_html_page(concession, capsys):
    assert main(["analyze", concession.source, "--format", "html",
                 "--speaker", "Intervieweuse", "--speaker", "Bruno Caradec"]) == 0
    assert capsys.readouterr().out == concession.to_html()


# ---------------------------------------------------------------- in a real browser


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if found:
            return found
    return None


def _chromium(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    browser = _browser()
    if browser is None:
        message = "no headless browser: install Debian's chromium (apt-get install chromium) to check the HTML"
        if os.environ.get("CI"):
            pytest.fail(message + " (.ci/run installs it; in CI a missing browser is a failure, not a skip)")
        pytest.skip(message)
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
               f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1100,1600", *extra, page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def console_messages(page: Path, tmp_path: Path) -> tuple[list[str], str]:
    """(the messages the page wrote to the browser's console, its DOM): Chromium logs them on
    stderr as `...:CONSOLE:<line>] "message", source: ...` with --enable-logging=stderr."""
    done = _chromium(page, tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom")
    return [line for line in done.stderr.splitlines() if ":CONSOLE" in line], done.stdout


def test_console_check_sees_a_pages_errors(tmp_path):
    """The console check used on the pages below can fail."""
    page = tmp_path / "noisy.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>console.error('cl-noisy'); missingFunction();</script>", "utf-8")
    messages, _ = console_messages(page, tmp_path)
    assert any("cl-noisy" in m for m in messages) and any("missingFunction" in m for m in messages)


def test_browser_renders_verdict_evidence_and_speakers(concession, tmp_path):
    page = tmp_path / "report.html"
    concession.to_html(page)
    dom = Tree(_chromium(page, tmp_path, "--dump-dom").stdout)
    assert dom.find(cls="cl-badge")[0].text == report_strings()["verdict"][concession.verdict]
    marked = {m.text for m in dom.find("mark", "cl-hit")}
    assert {h.text for h in _lone_hits(concession)} <= marked
    assert {"Intervieweuse", "Bruno Caradec"} <= {e.text for e in dom.find(cls="cl-name")}
    assert dom.find("svg", "cl-gauge")


def test_browser_treats_hostile_transcript_as_text(analyzer, tmp_path):
    page = tmp_path / "hostile.html"
    analyzer.analyze(HOSTILE).to_html(page)
    dom = Tree(_chromium(page, tmp_path, "--dump-dom").stdout)
    assert not dom.find("script") and not dom.find("img")
    text = "".join(e.text for e in dom.find("div", "cl-text"))
    assert "<script>alert('x')</script>" in text and "<img src=x onerror=alert(1)>" in text
    assert {"Marc d'Arcy", "Intervieweuse"} == {e.text for e in dom.find(cls="cl-name")}
    assert "P&DG" in {e.text for e in dom.find(cls="cl-role")}


def test_browser_screenshot(concession, tmp_path):
    page = tmp_path / "report.html"
    concession.to_html(page)
    shot = tmp_path / "report.png"
    _chromium(page, tmp_path, f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000


# ---------------------------------------------------------------- pandas


def test_evidence_frame_has_one_row_per_evidence(concession):
    frame = concession.evidence_frame()
    assert list(frame.columns) == [f.name for f in fields(Evidence)]
    assert len(frame) == len(concession.evidence)
    assert frame["impact"].tolist() == [e.impact for e in concession.evidence]
    assert frame["counted"].sum() == sum(e.counted for e in concession.evidence)


def test_sentences_frame_has_one_column_per_label(concession):
    frame = concession.sentences_frame()
    assert len(frame) == len(concession.sentences) and frame.index.name == "sentence"
    assert set(LABELS) <= set(frame.columns)
    for i, s in enumerate(concession.sentences):
        assert frame.loc[i, "text"] == s.text and frame.loc[i, "speaker"] == s.speaker
        assert [frame.loc[i, label] for label in LABELS] == [s.scores[label] for label in LABELS]
    joined = concession.evidence_frame().join(frame[list(LABELS)], on="sentence")
    assert len(joined) == len(concession.evidence)


def test_lexicon_only_sentences_frame_has_empty_scores(rules_analyzer):
    frame = rules_analyzer.analyze("DG : Il faut attaquer les clients.").sentences_frame()
    assert frame[list(LABELS)].isna().all().all()


def test_reports_frame_compares_transcripts(concession, mutuelle):
    frame = clientlens.reports_frame([concession, mutuelle])
    assert list(frame.columns[:6]) == ["source", "index", "interval_low", "interval_high", "verdict", "words"]
    assert list(frame.columns[6:]) == [*COMPONENT_NAMES, "error"]
    assert frame["source"].tolist() == [concession.source, mutuelle.source]
    assert frame["error"].isna().all()
    assert frame["verdict"].tolist() == [concession.verdict, mutuelle.verdict]
    assert frame["interval_low"].tolist() == [concession.interval[0], mutuelle.interval[0]]
    for name in COMPONENT_NAMES:
        assert frame[name].tolist() == [concession.components[name].points, mutuelle.components[name].points]


def test_frames_without_pandas_say_how_to_install_it(concession, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # what `import pandas` sees when it is not installed
    for make in (concession.evidence_frame, concession.sentences_frame, lambda: clientlens.reports_frame([])):
        with pytest.raises(ImportError, match=r"pip install clientlens\[pandas\]"):
            make()
