"""Read stage: decoding and speaker turns, with offsets into the decoded text."""

from __future__ import annotations

import pytest

from clientlens.errors import InputError
from clientlens.io.decode import decode
from clientlens.io.plain import normalize_name, parse_text
from clientlens.io.read import read_bytes, read_file

TEXT = "Intervieweuse : Bonjour.\nMarc Lefèvre (DG) : Nos clients sont exigeants, c'est très bien.\n"


@pytest.mark.parametrize(
    "encoded",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM
        TEXT.encode("utf-16-le"),  # without BOM
        TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le", "utf16be", "cp1252"],
)
def test_decode_supported_encodings(encoded):
    assert decode(encoded) == TEXT


def test_cp1252_typographic_characters():
    text = "Il a dit « merci » – c’est rare… œuvre"
    assert decode(text.encode("cp1252")) == text


@pytest.mark.parametrize(
    "data,message",
    [(b"", "empty"), (b"   \n ", "empty"), (b"\x00\x01\x02\x03binary\x00\xff", "binary")],
)
def test_decode_rejects_bad_input(data, message):
    with pytest.raises(InputError, match=message):
        decode(data)


@pytest.mark.parametrize(
    "line,speaker",
    [
        ("Intervieweuse : Bonjour à vous.", "Intervieweuse"),
        ("Marc Lefèvre (DG): Bonjour à vous.", "Marc Lefèvre (DG)"),
        ("DG : Bonjour à vous.", "DG"),
        ("[00:01:02] DG : Bonjour à vous.", "DG"),
        ("00:01:02 Sophie Martin : Bonjour à vous.", "Sophie Martin"),
        ("Sophie Martin\u00a0: Bonjour à vous.", "Sophie Martin"),
    ],
)
def test_speaker_labels_are_recognised(line, speaker):
    transcript = parse_text(line + "\nQ : Et ensuite ?\n")
    assert transcript.turns[0].speaker == speaker
    turn = transcript.turns[0]
    assert transcript.text[turn.start : turn.end] == "Bonjour à vous."


@pytest.mark.parametrize(
    "text",
    [
        "Attention : ce texte n'a pas d'orateur. Objectif : vendre mieux.",
        "Nos clients sont exigeants.\nObjectif : les écouter mieux.\nAttention : ne pas les faire attendre.",
        "Les clients : ils ont toujours raison, paraît-il.",
    ],
)
def test_headings_are_not_speakers(text):
    transcript = parse_text(text)
    assert transcript.speakers == []
    assert len(transcript.turns) == 1


def test_turn_runs_until_next_label_and_keeps_offsets():
    text = "Q : Une question ?\n\nSophie Martin (PDG) : Première ligne.\nSuite du tour.\n\nQ : Merci."
    transcript = parse_text(text)
    assert [t.speaker for t in transcript.turns] == ["Q", "Sophie Martin (PDG)", "Q"]
    middle = transcript.turns[1]
    assert text[middle.start : middle.end] == "Première ligne.\nSuite du tour."


def test_timestamps_become_seconds():
    transcript = parse_text("[00:01:02] DG : Bonjour.\n[01:00:00] Q : Merci.")
    assert [t.t_start for t in transcript.turns] == [62.0, 3600.0]


def test_text_before_the_first_label_is_kept():
    transcript = parse_text("Notes prises le 3 mars.\nDG : Bonjour.\nQ : Merci.")
    assert transcript.turns[0].speaker is None


@pytest.mark.parametrize(
    "a,b", [("Marc Lefèvre (DG)", "marc lefevre"), ("MARC  LEFÈVRE", "Marc Lefevre"), ("Élodie", "elodie")]
)
def test_speaker_names_normalise(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_read_file_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="directory"):
        read_file(tmp_path)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_file(empty)


def test_read_file_offsets_index_decoded_text(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "DG : Les clients d’abord.\r\nQ : Merci.\r\n".encode())
    transcript = read_file(path)
    turn = transcript.turns[0]
    assert transcript.text[turn.start : turn.end] == "Les clients d’abord."


@pytest.mark.parametrize(
    "broken,fixed",
    [
        ("Les clients sont trÃ¨s exigeants.", "Les clients sont très exigeants."),
        ("Ã‰coute et rÃ©activitÃ©, câ€™est tout.", "Écoute et réactivité, c’est tout."),
    ],
)
def test_mojibake_is_repaired_and_reported(broken, fixed):
    transcript = read_bytes(broken.encode("utf-8"), "txt")
    assert transcript.text == fixed
    assert any("repaired" in note for note in transcript.notes)


@pytest.mark.parametrize("clean", ["Même un élève à Noël, œuvre — “ok” à 42 €.", "Ça va, Ãtre est un nom propre."])
def test_correct_text_is_left_alone(clean):
    transcript = read_bytes(clean.encode("utf-8"), "txt")
    assert transcript.text == clean
    assert transcript.notes == ()
