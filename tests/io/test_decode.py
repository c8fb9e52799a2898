"""Decoding without loss: a few bad bytes never re-decode a UTF-8 file; the encoding is detected,
forced or refused, and what was done is in the report (issue 16)."""

from __future__ import annotations

import json

import pytest

from clientlens.errors import InputError
from clientlens.io.cues import speaker_stats
from clientlens.io.decode import MAX_REPORTED_LINES, decode_bytes, max_input_bytes
from clientlens.io.read import read_bytes, read_file
from clientlens.resources import example_path

LEADER = "Bruno Caradec (directeur de la concession)"
CLEAN = example_path("entretien_concession.txt").read_bytes()


def stray(data: bytes = CLEAN) -> bytes:
    """The example with its first « … » typed as a lone Windows-1252 byte (0x85) in the leader's turn."""
    assert "…".encode() in data
    return data.replace("…".encode(), b"\x85", 1)


def line_of(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


FRENCH = "Intervieweuse : Déjà vu ?\nMarc Lefèvre (DG) : Très bien, à côté, où êtes-vous ? Ça va… « œuvre » 10 €.\n"


def test_stray_byte_keeps_utf8_and_says_where():
    """One invalid byte: the file stays UTF-8, the byte becomes U+FFFD, its line is reported."""
    text, decoding = decode_bytes(stray())
    assert text == CLEAN.decode("utf-8").replace("…", "\ufffd", 1)
    assert (decoding.encoding, decoding.replaced_bytes, decoding.detected) == ("utf-8", 1, False)
    assert decoding.lines == (line_of(CLEAN, "…".encode()),)


def test_stray_byte_file_keeps_the_leaders_turns(tmp_path):
    """Speakers, turns and word counts are those of the clean file; the warning names the line."""
    (tmp_path / "clean.txt").write_bytes(CLEAN)
    (tmp_path / "stray.txt").write_bytes(stray())
    clean, broken = read_file(tmp_path / "clean.txt"), read_file(tmp_path / "stray.txt")
    assert LEADER in broken.speakers
    assert broken.speakers == clean.speakers
    assert [(s.name, s.turns, s.words) for s in _stats(broken)] == [(s.name, s.turns, s.words) for s in _stats(clean)]
    assert [t.speaker for t in broken.turns] == [t.speaker for t in clean.turns]
    line = line_of(CLEAN, "…".encode())
    assert any("U+FFFD" in n and f"line(s) {line}" in n for n in broken.notes)
    assert not any("U+FFFD" in n for n in clean.notes)


def _stats(transcript):
    from clientlens.text.nlp import load_nlp
    from clientlens.text.units import word_counts

    return speaker_stats(transcript, word_counts(load_nlp(), transcript))


def test_stray_byte_report_scores_the_leader_as_the_clean_file(analyzer, tmp_path):
    """Through the whole analysis: same speaker word counts; encoding and replacements in provenance."""
    (tmp_path / "clean.txt").write_bytes(CLEAN)
    (tmp_path / "stray.txt").write_bytes(stray())
    clean = analyzer.analyze_file(tmp_path / "clean.txt", speaker="Bruno Caradec")
    broken = analyzer.analyze_file(tmp_path / "stray.txt", speaker="Bruno Caradec")
    assert [(s.name, s.words) for s in broken.speakers] == [(s.name, s.words) for s in clean.speakers]
    assert broken.words == clean.words
    assert broken.provenance["input"] == {"encoding": "utf-8", "replaced_bytes": 1,
                                          "lines": [line_of(CLEAN, "…".encode())], "detected": False}
    assert clean.provenance["input"]["replaced_bytes"] == 0
    assert any("U+FFFD" in w for w in broken.warnings)


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_legacy_encodings_are_detected(codec):
    """A French 8-bit file decodes to its exact text, and provenance says it was detected."""
    text = FRENCH.replace("…", "...")
    if codec == "latin-1":
        text = text.replace("œ", "oe").replace("€", "EUR")
    decoded, decoding = decode_bytes(text.encode(codec))
    assert decoded == text
    assert decoding.detected and decoding.replaced_bytes == 0
    assert decoding.encoding in {"cp1252", "iso8859-15"}


def test_detected_file_keeps_its_speakers(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(FRENCH.encode("cp1252"))
    assert read_file(path).speakers == ["Intervieweuse", "Marc Lefèvre (DG)"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "utf-32"])
def test_unicode_encodings(codec):
    decoded, decoding = decode_bytes(FRENCH.encode(codec))
    assert decoded == FRENCH
    assert not decoding.detected and decoding.replaced_bytes == 0


def test_utf16_with_bad_code_unit_reports_its_line():
    data = "\ufeffQ : un\nR : deux\n".encode("utf-16-le")
    broken = data.replace("deux".encode("utf-16-le"), b"\x00\xd8" + "eux".encode("utf-16-le"))  # lone surrogate
    text, decoding = decode_bytes(broken)
    assert text == "Q : un\nR : \ufffdeux\n"
    assert decoding.lines == (2,)


def test_strict_refuses_and_names_the_line():
    line = line_of(CLEAN, "…".encode())
    with pytest.raises(InputError, match=rf"line {line}\b.*strict"):
        decode_bytes(stray(), decode_errors="strict")


@pytest.mark.parametrize("data", [CLEAN, FRENCH.encode("cp1252"), FRENCH.encode("utf-16")])
def test_strict_accepts_clean_files(data):
    assert decode_bytes(data, decode_errors="strict")[1].replaced_bytes == 0


def test_strict_through_read_file(tmp_path):
    path = tmp_path / "stray.txt"
    path.write_bytes(stray())
    with pytest.raises(InputError, match=r"stray\.txt: invalid utf-8 byte\(s\) on line"):
        read_file(path, decode_errors="strict")


@pytest.mark.parametrize(
    "text,codec,forced,expected",
    [
        ("Marc : le jour même", "cp1252", "cp1252", "Marc : le jour même"),
        # detection reads these bytes as Windows-1252; forcing Mac Roman is obeyed
        ("Marc : le jour même", "mac_roman", "mac_roman", "Marc : le jour même"),
        # forcing the wrong encoding is obeyed too: UTF-8 read as Windows-1252
        ("Marc : été", "utf-8", "cp1252", "Marc : Ã©tÃ©"),
    ],
)
def test_forced_encoding_is_honoured(text, codec, forced, expected):
    decoded, decoding = decode_bytes(text.encode(codec), encoding=forced)
    assert decoded == expected
    assert not decoding.detected


def test_forced_encoding_replaces_and_reports():
    decoded, decoding = decode_bytes(b"Q : ok\nR : caf\xe9\n", encoding="utf-8")
    assert decoded == "Q : ok\nR : caf\ufffd\n" and decoding.lines == (2,)
    with pytest.raises(InputError, match="line 2"):
        decode_bytes(b"Q : ok\nR : caf\xe9\n", encoding="utf-8", decode_errors="strict")


def test_forced_utf8_drops_the_bom():
    assert decode_bytes(b"\xef\xbb\xbfQ : oui", encoding="utf-8")[0] == "Q : oui"


@pytest.mark.parametrize(
    "kwargs,message",
    [({"encoding": "klingon-8"}, "unknown encoding"), ({"decode_errors": "ignore"}, "decode_errors")],
)
def test_bad_options_are_refused(kwargs, message):
    with pytest.raises(InputError, match=message):
        decode_bytes(CLEAN, **kwargs)


@pytest.mark.parametrize(
    "data", [b"\x00\x01\x02\x03binary\x00\xff", bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n\x00\x00"]
)
def test_binary_is_still_refused(data):
    with pytest.raises(InputError, match="binary"):
        decode_bytes(data)


def test_many_bad_lines_are_capped_but_counted():
    lines = [f"R : ligne {i} très bien, été déjà là".encode() for i in range(60)]
    data = b"\n".join(line + (b" \x85" if i % 2 else b"") for i, line in enumerate(lines))
    decoded, decoding = decode_bytes(data)
    assert decoding.encoding == "utf-8" and decoding.replaced_bytes == 30
    assert decoding.lines == tuple(range(2, 2 * MAX_REPORTED_LINES + 1, 2))
    assert decoded.count("\ufffd") == 30


def test_read_bytes_records_the_decoding_and_docx_does_not():
    from conftest import docx_bytes

    assert read_bytes(FRENCH.encode("cp1252")).decoding.encoding == "cp1252"
    assert read_bytes(docx_bytes(["Q : Bonjour.", "R : Merci."]), "docx").decoding is None


# ---------------------------------------------------------------------- the size limit


def test_size_limit_can_be_raised(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_bytes(b"Q : " + b"mot " * 400)
    with pytest.raises(InputError, match=r"1,604 bytes; the limit is 1,000 \(raise it"):
        read_file(path, max_bytes=1000)
    assert read_file(path, max_bytes=2000).turns
    monkeypatch.setenv("CLIENTLENS_MAX_BYTES", "1000")
    with pytest.raises(InputError, match="the limit is 1,000"):
        read_file(path)
    assert read_file(path, max_bytes=5000).turns  # the argument wins over the environment


@pytest.mark.parametrize("value", [0, -5, "lots", 1.5])
def test_bad_size_limits_are_refused(value):
    with pytest.raises(InputError, match="positive number of bytes"):
        max_input_bytes(value)


def test_default_limit(monkeypatch):
    monkeypatch.delenv("CLIENTLENS_MAX_BYTES", raising=False)
    assert max_input_bytes() == 20_000_000


# ---------------------------------------------------------------------- the command line


def test_cli_strict_decoding_and_forced_encoding(tmp_path, capsys):
    from clientlens import cli

    stray_path = tmp_path / "stray.txt"
    stray_path.write_bytes(stray())
    assert cli.main(["analyze", str(stray_path), "--strict-decoding", "--format", "json"]) == 2
    assert f"line {line_of(CLEAN, '…'.encode())}" in capsys.readouterr().err
    mac = tmp_path / "mac.txt"
    mac.write_bytes(CLEAN.decode("utf-8").encode("mac_roman", errors="replace"))
    assert cli.main(["analyze", str(mac), "--encoding", "mac_roman", "--format", "json", "--lexicon-only"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["provenance"]["input"] == {"encoding": "mac-roman", "replaced_bytes": 0, "lines": [],
                                          "detected": False}
    assert LEADER in [s["name"] for s in out["speakers"]]


@pytest.mark.parametrize("data", [b"\x00\x01binary\x00", b"\x00\x01\x02ab\x00cd\x00"])
def test_a_few_nul_bytes_are_binary_not_utf16(data):
    with pytest.raises(InputError, match="binary"):
        read_bytes(data, "txt", "t.txt")
