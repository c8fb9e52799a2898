"""PDF reader: the text layer, its running header and footer dropped, wrapped lines joined."""

from __future__ import annotations

import pytest

from clientlens.cli import main
from clientlens.errors import InputError
from clientlens.io.pdf import pdf_text, repaired_text
from clientlens.io.read import read_bytes, read_file
from tests.conftest import pdf_bytes

HEADER, FOOTER = "Commission des affaires économiques – Compte rendu n° 12", "Page {n} sur 3"
PAGES = [
    ["Mme la présidente Claire Dumas. Nous recevons M. Paul Girard. Vous avez", "la parole."],
    ["M. Paul Girard, président-directeur général du groupe", "Vellane. – Merci. Nos clients sont des personnes, et",
     "nous les rappelons dans la journée. (Sourires.)", "Mme la présidente. Combien de réclamations ?"],
    ["M. Paul Girard. Deux mille. Chacune a été traitée, c’est notre fierté."],
]


def hearing_pdf() -> bytes:
    return pdf_bytes([[HEADER, *lines, FOOTER.format(n=n)] for n, lines in enumerate(PAGES, 1)])


def test_hearing_record_in_pdf():
    transcript = read_bytes(hearing_pdf(), "pdf")
    girard = "Paul Girard (président-directeur général du groupe Vellane)"
    assert transcript.format == "pdf"
    assert [t.speaker for t in transcript.turns] == [
        "Claire Dumas (présidente de séance)", girard, "Claire Dumas (présidente de séance)", girard]
    said = [transcript.text[t.start : t.end] for t in transcript.turns]
    assert said[0] == "Nous recevons M. Paul Girard. Vous avez la parole."  # the wrapped line joined
    assert said[1] == "Merci. Nos clients sont des personnes, et nous les rappelons dans la journée. (Sourires.)"
    assert said[3] == "Deux mille. Chacune a été traitée, c’est notre fierté."
    assert "Compte rendu" not in transcript.text and "Page" not in transcript.text  # running lines dropped


def test_ligatures_are_spelt_out_and_sentences_kept_apart():
    pages = ["Notre ﬁerté : des clients\nﬁdèles.", "Ils reviennent.\nToujours."]
    assert repaired_text(pages) == "Notre fierté : des clients fidèles.\nIls reviennent.\nToujours."


def test_running_lines_are_kept_in_a_short_document():
    # under three pages, a recurring first line may be speech: nothing is dropped
    text = pdf_text(pdf_bytes([["Bonjour à tous.", "Nos clients d’abord."], ["Bonjour à tous.", "Merci."]]))
    assert text.splitlines() == ["Bonjour à tous.", "Nos clients d’abord.", "Bonjour à tous.", "Merci."]


def test_read_file_by_extension_and_cli(tmp_path, capsys):
    path = tmp_path / "audition.pdf"
    path.write_bytes(hearing_pdf())
    assert read_file(path).speakers[0] == "Claire Dumas (présidente de séance)"
    assert main(["speakers", str(path)]) == 0
    assert "Paul Girard (président-directeur général du groupe Vellane)\t2 turns" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (pdf_bytes([["Nos clients d’abord."]], password="secret"), "encrypted"),
        (pdf_bytes([[]]), "no text layer"),
        (pdf_bytes([["Nos clients d’abord."]])[:120], "cannot be read"),
        (b"%PDF-1.4\n" + bytes(range(256)) * 4, "cannot be read"),
        (b"Nos clients d'abord.", "expected a PDF document"),
    ],
    ids=["encrypted", "scan", "truncated", "garbage", "not-a-pdf"],
)
def test_bad_pdfs_are_input_errors(data, message):
    with pytest.raises(InputError, match=message):
        read_bytes(data, "pdf")


def test_a_pdf_read_as_text_names_what_it_is(tmp_path):
    path = tmp_path / "audition.txt"
    path.write_bytes(hearing_pdf())
    with pytest.raises(InputError, match=r"expected plain text, found a PDF document \(read it as \.pdf\)"):
        read_file(path)
