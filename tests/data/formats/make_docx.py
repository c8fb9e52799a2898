"""Write the .docx fixtures of tests/test_formats.py (run it again after changing them).

    python tests/data/formats/make_docx.py

The generated files are committed, so the tests do not depend on this script's output
changing with python-docx versions.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document

HERE = Path(__file__).parent

TEAMS = [
    ("Sophie Martin", "0:03", ["Bonjour Marc, merci de prendre ce temps avec nous."]),
    ("Marc Lefèvre", "0:07", [
        "Avec plaisir. Nos clients sont au cœur de ce que nous faisons,",
        "et ce n'est pas un slogan : chaque semaine, je lis moi-même les réclamations.",
    ]),
    ("Marc Lefèvre", "0:21", ["Quand un client a été mal traité, je l'appelle."]),
    ("Sophie Martin", "0:30", ["Et vos équipes suivent ?"]),
    ("Marc Lefèvre", "0:34", ["Elles suivent, parce qu'elles voient que ça marche."]),
]

TEAMS_TIME_FIRST = [
    ("00:00:03.120", "Claire Vasseur", "Nous avons revu tout le parcours client cette année."),
    ("00:00:09.480", "Paul Henry", "Qu'est-ce qui vous a décidée ?"),
    ("00:00:12.900", "Claire Vasseur", "Les clients nous quittaient sans rien dire. C'était le pire signal."),
]

WORD = [
    "Entretien avec la directrice commerciale",
    "Date : 12 février 2024",
    "Intervieweur : Comment parlez-vous de vos clients en comité de direction ?",
    "Élise Fournier : Comme de partenaires. Nous leur devons la vérité sur les délais,",
    "même quand elle n'est pas agréable à entendre.",
    "Intervieweur : Et quand un commercial promet trop ?",
]
WORD_TABLE = [("Élise Fournier", "Je le reprends, calmement mais fermement.")]


def teams() -> Document:
    """A Teams export: title, date, then « Name   m:ss » lines followed by the speech."""
    doc = Document()
    doc.add_paragraph("Réunion de direction – transcription")
    doc.add_paragraph("14 mars 2024, 10:02")
    doc.add_paragraph("Sophie Martin a démarré la transcription")
    for name, time, paragraphs in TEAMS:
        doc.add_paragraph(f"{name}   {time}")
        for text in paragraphs:
            doc.add_paragraph(text)
    doc.add_paragraph("Sophie Martin a arrêté la transcription")
    return doc


def teams_time_first() -> Document:
    """The other Teams layout: « 00:00:03.120 Name », a line break, then the speech, in one paragraph."""
    doc = Document()
    for time, name, text in TEAMS_TIME_FIRST:
        paragraph = doc.add_paragraph(f"{time} {name}")
        paragraph.add_run().add_break()
        paragraph.add_run(text)
    return doc


def word() -> Document:
    """An ordinary Word document with « Name : text » paragraphs and a two-column table."""
    doc = Document()
    for text in WORD:
        doc.add_paragraph(text)
    table = doc.add_table(rows=0, cols=2)
    for name, text in WORD_TABLE:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = name, text
    return doc


def main() -> None:
    for name, build in (("teams", teams), ("teams_time_first", teams_time_first), ("word", word)):
        build().save(HERE / f"{name}.docx")


if __name__ == "__main__":
    main()
