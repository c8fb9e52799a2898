"""The French HTML views have no English text: every word a person reads or hears (text, `title`
tooltips, `aria-label`s, the page title) comes from lang/fr/report.json, or from the transcript.

Text marked `lang="en"` is exempt: it is data written in English on purpose (the message of a
failed entry's error object, as the JSON contract has it)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from clientlens.batch import BatchError
from clientlens.comparison import compare
from clientlens.lang import report_strings
from clientlens.resources import example_path
from clientlens.taxonomy import BEHAVIOURS, COMPONENT_NAMES, FAMILIES, LABELS, VERDICTS
from clientlens.team import analyze_team
from clientlens.views.table import summary_rows, table_html

#: Words of the English views that French never uses (checked as whole words, any case); a
#: French transcript does not contain them either. Options (`speaker=`, `--speaker`) are code, not words.
ENGLISH_WORDS = (
    "the", "which", "whose", "sentence", "counts", "counted", "speaker", "speakers", "evidence",
    "weight", "signals", "words", "transcript", "interval", "hover", "lexicon", "classifier",
    "scored", "family", "only", "not", "with", "from", "reads", "index", "label", "outweighed",
    "negated", "down-weighted", "customers", "respectful", "adversarial", "framing", "report",
    "none", "components", "feature", "leader", "member", "failed", "entries", "too", "short",
    "such", "probe",
)
#: Taxonomy keys a French view must show by their French name (client_respect, needs, walk_away, …).
RAW_KEYS = tuple(key for key in (*COMPONENT_NAMES, *LABELS, *FAMILIES, *BEHAVIOURS, *VERDICTS)
                 if "_" in key or report_strings("fr")["names"].get(key, key) != key)
_ENGLISH = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ENGLISH_WORDS + RAW_KEYS)) + r")(?![\w=-])",
                      re.IGNORECASE)
#: Attributes read to people: tooltips and what a screen reader says.
READ_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")


class ReadText(HTMLParser):
    """What a person reads or hears of a page: text outside `<style>`/`<script>` and the read
    attributes, except inside elements marked `lang="en"` (below the root)."""

    VOID = frozenset({"meta", "br", "img", "input", "link", "hr", "source", "circle", "rect", "line", "polygon"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, hidden: style, script or lang="en")
        self.feed(html)

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self._open)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        hidden = tag in ("style", "script") or (tag != "html" and values.get("lang") == "en")
        if not hidden and not self._hidden():
            self.pieces += [v for k, v in attrs if k in READ_ATTRIBUTES and v]
        if tag not in self.VOID:
            self._open.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        if not self._hidden():
            self.pieces += [v for k, v in attrs if k in READ_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and not self._hidden():
            self.pieces.append(data.strip())


def english_in(html: str) -> list[str]:
    """The pieces of read text of `html` that contain an English word, with the word found."""
    return [f"{m[0]!r} in {piece[:160]!r}" for piece in ReadText(html).pieces for m in [_ENGLISH.search(piece)] if m]


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<p>the sentence</p>", True),
        ('<span title="counted, weight 1">x</span>', True),
        ('<svg role="img" aria-label="index 40"><title>t</title></svg>', True),
        ("<p>Nos clients sont des partenaires.</p>", False),
        ("<style>.the{color:red}</style><p>rien</p>", False),
        ('<p>erreur : <span lang="en">no such file: /tmp/x.txt</span></p>', False),
        ('<p lang="en">the words</p><p>the</p>', True),  # only the element marked is exempt
        ("<p>non-compté</p>", False),
        ("<p>rapport (report)</p>", True),
        ("<li>passer speaker= (--speaker) pour les noter</li>", False),  # an option is code
        ('<rect><title>« Merci » — 8:36 (+5.5, client_respect)</title></rect>', True),  # a raw key
        ('<rect><title>« Merci » — 8:36 (+5.5, respect du client)</title></rect>', False),
        ('<span data-family="needs">besoin</span>', False),  # data attributes are not read
    ],
)
def test_the_checker_finds_english_in_text_and_read_attributes(html, found):
    """The check sees text, tooltips and aria labels, and nothing in styles or English-marked data."""
    assert bool(english_in(html)) is found


# ---------------------------------------------------------------- the pages


@pytest.fixture(scope="module")
def pages(analyzer, rules_analyzer, tmp_path_factory):
    """Every HTML view of the bundled examples, by name: a function of the report language."""
    reports = {
        "report concession": analyzer.analyze_file(example_path("entretien_concession.txt")),
        "report mutuelle": analyzer.analyze_file(example_path("reunion_mutuelle.txt")),
        "report codir": analyzer.analyze_file(example_path("codir_rivaud.vtt")),
        "report lexicon-only": rules_analyzer.analyze_file(example_path("entretien_concession.txt")),
        "report too short": analyzer.analyze("Nos clients sont des partenaires, nous les écoutons."),
    }
    team = analyze_team(example_path("codir_rivaud.vtt"), analyzer=analyzer)
    missing = tmp_path_factory.mktemp("pages") / "absent.txt"
    shortlist = compare([example_path("entretien_concession.txt"), example_path("reunion_mutuelle.txt"),
                         example_path("codir_rivaud.vtt"), missing], analyzer=analyzer)
    views = {name: (lambda language, r=r: r.to_html(language=language)) for name, r in reports.items()}
    views["team"] = lambda language: team.to_html(language=language)
    views["comparison"] = lambda language: shortlist.to_html(language=language)
    views["report fragment"] = lambda language: _fragment(reports["report concession"], language)
    failed = BatchError(missing, "InputError", f"no such file: {missing}", "input_error")
    rows = summary_rows([reports["report concession"], reports["report mutuelle"], failed])
    views["batch"] = lambda language: table_html(rows, language)
    return views


def _fragment(report, language):
    from clientlens.views.html import report_fragment

    return report_fragment(report, language)


VIEWS = ("report concession", "report mutuelle", "report codir", "report lexicon-only", "report too short",
         "report fragment", "team", "comparison", "batch")


@pytest.mark.parametrize("view", VIEWS)
def test_french_views_have_no_english_text(pages, view):
    """Text, tooltips (the timeline's marks, the hits, the labels, the legend) and aria labels
    of the French views are French."""
    assert english_in(pages[view]("fr")) == []


@pytest.mark.parametrize("view", VIEWS)
def test_english_views_are_english(pages, view):
    """The same views in English do use these words: the check is not blind."""
    assert english_in(pages[view]("en"))
