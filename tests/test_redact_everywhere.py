"""Redaction that holds (issue 16): files named after people, analysed with redaction, in every
output (API JSON, summary and HTML; CLI json, text and html; batch JSON lines; error messages):
no speaker name, no person name the redaction catches, no part of the file name appears."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import docx_bytes

from clientlens import analyze_many, cli
from clientlens.batch import analyze_to_jsonl
from clientlens.redact import redacted_source

PLAIN = """Intervieweuse : Merci de nous recevoir. Comment décririez-vous vos clients aujourd'hui ?

Bruno Caradec (directeur) : Nos clients sont exigeants et c'est très bien. J'ai rappelé Mme Le Goff hier soir, \
elle attendait sa voiture depuis trois semaines, et M. Bardet aussi, il était ravi qu'on le prévienne.

Intervieweuse : Merci Bruno. Et les réclamations ?

Bruno Caradec (directeur) : On les lit toutes, on répond sous quarante-huit heures, et quand on s'est trompé \
on le dit au client et on répare. Caradec, c'est moi qui signe les réponses.
"""

VTT = """WEBVTT

00:00:01.000 --> 00:00:06.000
<v Sophie Martin>Bonjour à tous, on commence par les retours des clients de la semaine.</v>

00:00:06.500 --> 00:00:14.000
<v Marc Lefèvre>Mme Dupuis nous a écrit, elle remercie l'équipe de l'atelier pour le prêt du véhicule.</v>

00:00:14.500 --> 00:00:22.000
<v Sophie Martin>Très bien, Marc. Les clients disent ce qui ne va pas, il faut les écouter et répondre vite.</v>
"""

DOCX = [
    "Anne Roy (DG) : Nos clients nous font confiance depuis vingt ans, et nous leur devons des réponses claires.",
    "Paul Girard : Et quand un client se plaint ?",
    "Anne Roy (DG) : On l'appelle le jour même. M. Vasseur l'a fait la semaine dernière pour une facture "
    "erronée, et il a remboursé le client sans discuter.",
]

#: file name -> (bytes, names that must not appear: speakers, people, the file name's parts)
FILES = {
    "Entretien_Bruno_Caradec.txt": (PLAIN.encode("utf-8"), ["Bruno", "Caradec", "Le Goff", "Bardet"]),
    "Réunion_Sophie_Martin.vtt": (VTT.encode("utf-8"), ["Sophie", "Martin", "Lefèvre", "Dupuis"]),
    "Compte-rendu Anne Roy.docx": (docx_bytes(DOCX), ["Anne Roy", "Girard", "Vasseur", "Compte-rendu Anne"]),
}


def stems() -> list[str]:
    return [Path(name).stem for name in FILES]


def all_names() -> list[str]:
    return [n for _, names in FILES.values() for n in names] + stems() + list(FILES)


def assert_no_name(output: str, where: str) -> None:
    found = [n for n in all_names() if n in output]
    assert not found, f"{where} leaks {found}"


@pytest.fixture()
def files(tmp_path) -> dict[str, Path]:
    folder = tmp_path / "Dossier"
    folder.mkdir()
    out = {}
    for name, (data, _) in FILES.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    return out


@pytest.mark.parametrize("name", sorted(FILES))
def test_api_outputs_name_nobody(analyzer, files, name):
    report = analyzer.analyze_file(files[name], redact=True)
    assert report.source == redacted_source(files[name])
    assert report.source.startswith("document-")
    for kind, output in (("to_json", report.to_json()), ("summary", report.summary()),
                         ("to_html", report.to_html()), ("repr", repr(report))):
        assert_no_name(output, f"{name} {kind}")
    assert "<title>clientlens – document-" in report.to_html()


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_names_are_there_without_redaction(analyzer, files, name):
    """The check above can fail: without redaction, the same outputs name the people."""
    output = analyzer.analyze_file(files[name]).to_json()
    assert [n for n in FILES[name][1] if n in output]
    assert Path(name).stem in output


@pytest.mark.parametrize("fmt", ["json", "text", "html"])
@pytest.mark.parametrize("name", sorted(FILES))
def test_cli_outputs_name_nobody(files, capsys, name, fmt):
    assert cli.main(["analyze", str(files[name]), "--redact", "--format", fmt]) == 0
    captured = capsys.readouterr()
    assert "[ORATEUR_1]" in captured.out
    if fmt != "text":  # the text summary does not name its source
        assert "document-" in captured.out
    assert_no_name(captured.out + captured.err, f"{name} --format {fmt}")


def test_batch_lines_name_nobody_and_resume(files, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    folder = next(iter(files.values())).parent
    (folder / "Note_Hervé_Kerjean.srt").write_text("pas du SubRip", "utf-8")  # a failing item
    assert cli.main(["analyze", str(folder), "--redact", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    text = out.read_text("utf-8")
    assert_no_name(text + captured.err, "batch JSONL")
    assert "Hervé" not in text and "Kerjean" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 4 and sum("error" in line for line in lines) == 1
    assert {line["source"] for line in lines} == {redacted_source(p) for p in folder.iterdir()}
    summary = analyze_to_jsonl(sorted(folder.iterdir()), out, redact=True, progress=False)
    # resume recognises the redacted sources: the three reports are skipped, the failure retried
    assert (summary.skipped, summary.retried) == (3, 1)


def test_analyze_many_names_nobody(files):
    reports = analyze_many(list(files.values()), redact=True, progress=False)
    for report in reports:
        assert_no_name(report.to_json(), "analyze_many")


@pytest.mark.parametrize(
    "args,code_word",
    [
        (["--speaker", "Personne Inconnue"], "not found"),
        (["--input-format", "srt"], "expected SubRip"),
    ],
)
def test_error_messages_name_nobody(files, capsys, args, code_word):
    path = files["Entretien_Bruno_Caradec.txt"]
    assert cli.main(["analyze", str(path), "--redact", *args]) == 2
    err = capsys.readouterr().err
    assert code_word in err
    assert_no_name(err, "error message")
    assert "Inconnue" not in err


def test_error_names_the_file_without_redaction(files, capsys):
    path = files["Entretien_Bruno_Caradec.txt"]
    assert cli.main(["analyze", str(path), "--speaker", "Personne Inconnue"]) == 2
    assert "Bruno Caradec" in capsys.readouterr().err


def test_redacted_source_is_neutral_and_distinct(tmp_path):
    a, b = redacted_source(tmp_path / "Jean_Dupont.txt"), redacted_source(tmp_path / "Marie_Curie.txt")
    assert a != b and a.endswith(".txt") and "Dupont" not in a
    assert redacted_source(tmp_path / "Jean.Dupont") == redacted_source(tmp_path / "Jean.Dupont")
    assert "Dupont" not in redacted_source(tmp_path / "Jean.Dupont")
