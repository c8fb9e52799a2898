"""Views of a comparison: text table, CSV, pandas frame and HTML, in French and English, in a real browser."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest
from test_html import Tree, console_messages

from clientlens.comparison import compare
from clientlens.lang import report_strings
from clientlens.resources import example_path
from clientlens.views.comparison import COLUMNS, QUOTE_WIDTH, row_index
from clientlens.views.text import shown_index, thresholds

HOSTILE_LABEL = "<script>alert('x')</script> & Cie"


@pytest.fixture(scope="module")
def shortlist(analyzer, tmp_path_factory):
    """Three leaders and a missing file; the concession's row is labelled with markup."""
    missing = tmp_path_factory.mktemp("views") / "absent.vtt"
    return compare([example_path("entretien_concession.txt"), example_path("reunion_mutuelle.txt"),
                    example_path("codir_rivaud.vtt"), missing],
                   labels=[HOSTILE_LABEL, None, None, None], analyzer=analyzer)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_text_table_in_both_languages(shortlist, language):
    strings = report_strings(language)
    s, verdicts = strings["compare"], strings["verdict"]
    lines = shortlist.summary(language).splitlines()
    assert lines[0] == f"{s['title']} ({s['order']}):"
    header = lines[2].split()
    assert header[:3] == ["#", s["name"], s["speaker"]] and header[-1] == s["words"]
    for rank, row in enumerate(shortlist.rows, 1):
        line = next(x for x in lines if x.startswith(f"  {rank:>2}  "))
        if row.failed:
            assert s["failed"] in line
            assert lines[lines.index(line) + 1].strip() == f"{row.error.code}: {row.error.message}"
        else:
            assert verdicts[row.verdict] in line and f" {row.words}" in line
            assert f" {row_index(row)} " in line
    assert s["failures"].format(n=1, total=4) == lines[-1]


def test_quotes_are_cut_at_a_word_with_an_ellipsis(shortlist):
    long = next(r for r in shortlist.rows if r.quote is not None and len(r.quote.text) > QUOTE_WIDTH)
    line = next(x for x in shortlist.summary("en").splitlines() if x.strip().startswith("« " + long.quote.text[:30]))
    shown = line.strip()[2 : line.strip().index(" » ")]
    assert shown.endswith("…") and len(shown) <= QUOTE_WIDTH
    assert long.quote.text.startswith(shown[:-1]) and long.quote.text[len(shown) - 1] in " ,;:.-–"


def test_the_printed_index_never_crosses_a_threshold(shortlist):
    for row in shortlist.rows:
        if not row.failed:
            assert row_index(row) == shown_index(row.index, row.verdict, *thresholds(row.report))
    assert row_index(next(r for r in shortlist.rows if r.failed)) == ""


def test_frame_has_one_row_per_entry_in_rank_order(shortlist):
    frame = shortlist.to_frame()
    assert list(frame.columns) == list(COLUMNS[1:]) and frame.index.name == "rank"
    assert list(frame.index) == [1, 2, 3, 4]
    assert frame["name"].tolist() == [r.name for r in shortlist.rows]
    assert str(frame["words"].dtype) == "Int64"  # whole numbers, even beside a failed row
    assert frame["error"].notna().tolist() == [False, False, False, True]
    assert frame["index"].iloc[0] == round(shortlist.rows[0].index, 2)
    assert frame["verdict"].tolist()[:3] == [r.verdict for r in shortlist.rows[:3]]


def test_frame_without_pandas_says_how_to_install_it(shortlist, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install clientlens\[pandas\]"):
        shortlist.to_frame()


def test_csv_round_trips(shortlist):
    rows = list(csv.reader(io.StringIO(shortlist.to_csv())))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 5
    by_column = [dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]]
    assert by_column[0]["index"] == str(round(shortlist.rows[0].index, 2))
    assert by_column[-1]["index"] == "" and by_column[-1]["error"].startswith("input_error: no such file")
    assert [r["name"] for r in by_column] == [r.name for r in shortlist.rows]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_html_table_in_both_languages(shortlist, language, tmp_path):
    s = report_strings(language)["compare"]
    page = shortlist.to_html(tmp_path / "page.html", language=language)
    assert page.startswith("<!DOCTYPE html>") and f'<html lang="{language}">' in page
    dom = Tree(page)
    assert [th.text for th in dom.find("th")] == [s[k] for k in
                                                  ("rank", "name", "speaker", "index", "interval", "verdict",
                                                   "words", "quote")]
    rows = [tr for tr in dom.find("tr") if "data-verdict" in tr.attrs]
    assert [r.attrs["data-verdict"] for r in rows] == [r.verdict or "error" for r in shortlist.rows]
    assert len(dom.find("svg", "cl-compare-gauge")) == 3
    assert dom.find(cls="cl-error")[0].text.startswith("input_error: no such file")
    assert not dom.find("script") and HOSTILE_LABEL in {e.text for e in dom.find(cls="cl-entry")}


def test_repr_html_is_a_fragment_in_the_comparisons_language(shortlist):
    fragment = shortlist._repr_html_()
    assert fragment.startswith("<style>") and "<html" not in fragment
    assert report_strings(shortlist.language)["compare"]["title"] in fragment


@pytest.mark.parametrize("language", ["fr", "en"])
def test_comparison_page_in_a_browser_without_console_errors(shortlist, tmp_path, language):
    page = tmp_path / f"comparison_{language}.html"
    shortlist.to_html(page, language=language)
    messages, dom_text = console_messages(page, tmp_path)
    assert messages == []
    dom = Tree(dom_text)
    assert len([tr for tr in dom.find("tr") if "data-verdict" in tr.attrs]) == len(shortlist.rows)
    assert dom.find(cls="cl-pill")[0].text == report_strings(language)["verdict"][shortlist.rows[0].verdict]


def test_json_keys_stay_english_whatever_the_language(shortlist):
    fr, en = shortlist.to_dict(), json.loads(shortlist.to_json())
    assert fr["rows"] == en["rows"] and fr["kind"] == "comparison"
    assert fr["rows"][0]["verdict"] in ("go", "probe", "walk_away", "insufficient_speech")
