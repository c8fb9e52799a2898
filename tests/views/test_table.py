"""The summary table of a batch: one row per transcript (failures included), as text, CSV and HTML."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from test_html import Tree, _chromium

from clientlens.batch import BatchError
from clientlens.lang import REPORT_LANGUAGES, report_strings
from clientlens.views.table import COLUMNS, summary_rows, table_csv, table_html, table_text

HOSTILE_NAME = "<script>alert(1)</script>.txt"


@pytest.fixture(scope="module")
def results(analyzer):
    from clientlens.resources import example_path

    report = analyzer.analyze_file(example_path("entretien_concession.txt"), speaker=["Bruno Caradec"])
    failed = BatchError(Path(HOSTILE_NAME), "NotFrenchError", "the text does not look like French", "not_french",
                        speaker=("A", "B"))
    text_item = BatchError("DG : un texte", "InputError", "the input is empty", "input_error")
    return [report, failed, text_item]


def test_rows_carry_reports_and_failures(results):
    report = results[0]
    rows = summary_rows(results)
    assert [r.file for r in rows] == [report.source, HOSTILE_NAME, "(text item: 13 characters)"]
    assert (rows[0].speaker, rows[0].verdict, rows[0].words, rows[0].error) == (
        "Bruno Caradec", report.verdict, str(report.words), "")
    assert rows[0].index == f"{report.index:.1f}"
    assert (rows[1].speaker, rows[1].index) == ("A; B", "")
    assert rows[1].error == "not_french: the text does not look like French"


def headers(language: str) -> list[str]:
    return [report_strings(language)["batch"][c] for c in COLUMNS]


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_text_table_is_aligned_with_a_header_in_the_report_language(results, language):
    lines = table_text(summary_rows(results), language).splitlines()
    assert lines[0].split() == headers(language) and len(lines) == 4
    starts = [lines[0].index(c) for c in headers(language)]
    assert all(line[starts[2] - 2 : starts[2]] == "  " for line in lines)  # columns line up
    assert report_strings(language)["verdict"][results[0].verdict] in lines[1]


def test_text_table_is_french_by_default(results):
    assert table_text(summary_rows(results)) == table_text(summary_rows(results), "fr")
    headers_of = {language: table_text(summary_rows(results), language).splitlines()[0] for language in ("fr", "en")}
    assert headers_of["fr"] != headers_of["en"]


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_csv_round_trips_and_is_the_same_in_every_language(results, language):
    rows = summary_rows(results)
    parsed = list(csv.DictReader(io.StringIO(table_csv(rows, language))))
    assert [tuple(p.values()) for p in parsed] == [tuple(vars(r).values()) for r in rows]
    assert table_csv(rows, language) == table_csv(rows)


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_html_escapes_every_cell_and_speaks_the_report_language(results, tmp_path, language):
    page = tmp_path / "batch.html"
    page.write_text(table_html(summary_rows(results), language), "utf-8")
    assert "<script>alert" not in page.read_text("utf-8")
    dom = Tree(_chromium(page, tmp_path, "--dump-dom").stdout)
    assert not dom.find("script")
    assert [th.text for th in dom.find("th")] == headers(language)
    cells = [td.text for td in dom.find("td")]
    assert cells[len(COLUMNS)] == HOSTILE_NAME  # first cell of the second row
    assert cells[COLUMNS.index("verdict")] == report_strings(language)["verdict"][results[0].verdict]
    assert [td.text for td in dom.find("td", "error")] == [r.error for r in summary_rows(results)[1:]]
    assert f'lang="{language}"' in page.read_text("utf-8")


def test_cli_batch_html_is_one_page_with_the_table(tmp_path, example):
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_bytes(example("reunion_mutuelle.txt").read_bytes())
    english = "We listen to our customers and we always call them back the same day when they have a problem."
    (folder / "c.txt").write_text(english, "utf-8")
    page = tmp_path / "batch.html"
    out = subprocess.run([sys.executable, "-m", "clientlens", "analyze", str(folder), "--format", "html",
                          "--output", str(page), "--quiet"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 1 and out.stdout == "" and out.stderr == ""
    dom = Tree(_chromium(page, tmp_path, "--dump-dom").stdout)
    assert [th.text for th in dom.find("th")] == headers("fr")
    assert len(dom.find("tr")) == 4  # the header and one row per file
    assert dom.find("td", "error")[0].text.startswith("not_french:")
