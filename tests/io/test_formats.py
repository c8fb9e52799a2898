"""Transcript formats: WebVTT (Teams, Zoom), SubRip, Word (Teams export, ordinary) and JSON segments."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import docx_bytes

from clientlens.errors import InputError
from clientlens.io import docx as docx_format
from clientlens.io import vtt
from clientlens.io.cues import Cue, build_transcript, is_noise, label_cues, speaker_stats
from clientlens.io.plain import parse_text
from clientlens.io.read import read_bytes, read_file
from clientlens.io.transcript import Transcript

FORMATS = Path(__file__).parents[1] / "data" / "formats"

LONG_CUE = (
    "Je vais être franc avec vous : pendant des années, nous avons traité nos clients comme des "
    "lignes dans un tableau de bord, et nous en avons payé le prix. Les réclamations s'accumulaient, "
    "les conseillers se sentaient seuls face aux gens en colère, et personne dans l'encadrement ne "
    "prenait le temps d'écouter un appel du début à la fin. Depuis deux ans, chaque membre du comité "
    "de direction passe une demi-journée par mois au service client, casque sur les oreilles. "
    "Ce que nous y entendons change nos décisions : nous avons simplifié les contrats, supprimé "
    "les frais de résiliation cachés & rappelé personnellement les clients qui étaient partis "
    "fâchés. Certains sont revenus, et ils nous ont dit pourquoi."
)

# file -> (format, [(speaker, speech, t_start, t_end) per turn])
GOLDEN = {
    "teams.vtt": ("vtt", [
        ("Sophie Martin", "Bonjour Marc, merci de nous recevoir.", 1.25, 4.8),
        ("Marc Lefèvre", "Avec plaisir. Chez nous, le client n'est pas un numéro de dossier, "
         "c'est quelqu'un qu'on rappelle le jour même quand il a un souci.", 5.1, 13.02),
        ("Sophie Martin", "Et quand un conseiller fait attendre un client ?", 13.5, 16.9),
        ("Marc Lefèvre", "On en parle le lendemain. Ce n'est pas acceptable, et l'équipe le sait.", 17.2, 22.48),
    ]),
    # BOM, CRLF, NOTE, [Musique], empty cue, (inaudible), overlap, renamed speaker, long cue, &amp;
    "teams_awkward.vtt": ("vtt", [
        ("Marc", "Bon, on commence.", 3.0, 6.5),
        ("Marc Lefèvre", "Nos clients nous font confiance depuis vingt ans. " + LONG_CUE, 6.0, 58.0),
        ("Claire Dubois", "Merci Marc.", 58.5, 61.25),
    ]),
    "zoom.vtt": ("vtt", [
        ("Julie Moreau", "Bonjour à tous, on enregistre pour le compte rendu.", 0.62, 4.18),
        ("Thomas Girard", "Très bien. Alors, nos clients, on les écoute vraiment, "
         "pas seulement quand ils menacent de partir.", 4.9, 12.75),
        ("Julie Moreau", "Par exemple ?", 13.1, 15.4),
        ("Thomas Girard", "Chaque réclamation reçoit une réponse sous quarante-huit heures : "
         "c'est un engagement.", 15.8, 21.05),
    ]),
    "named.srt": ("srt", [
        ("Consultante", "Comment décririez-vous vos clients ?", 1.0, 4.5),
        ("Nadia Benali (DG)", "Exigeants, et c'est tant mieux. Ils nous obligent à nous améliorer "
         "chaque semaine.", 5.0, 11.9),
        ("Consultante", "Et les clients difficiles ?", 12.4, 14.0),
        ("Nadia Benali (DG)", "On les écoute jusqu'au bout, même quand ils ont tort.", 14.5, 19.3),
    ]),
    "plain.srt": ("srt", [
        (None, "Nous avons perdu des clients l'an dernier. Nous ne les avons pas assez écoutés, "
         "et nous avons changé notre façon de faire.", 0.5, 10.4),
    ]),
    "whisper.json": ("json", [
        (None, "Bonjour, je dirige le service client depuis 2019. Notre priorité, c'est que chaque client "
         "reparte avec une solution, même quand sa demande sort du cadre. Nous mesurons la satisfaction, "
         "mais nous lisons aussi chaque commentaire.", 0.0, 17.38),
    ]),
    "diarised.json": ("json", [
        ("SPEAKER_00", "Qu'est-ce qui a changé dans votre relation avec les clients ?", 0.48, 3.9),
        ("SPEAKER_01", "Honnêtement, on les voyait comme des contrats à renouveler, et aujourd'hui on les "
         "appelle avant qu'ils ne se plaignent. Les équipes ont mis du temps à suivre, mais elles y croient.",
         4.3, 16.2),
        ("SPEAKER_00", "Et les clients, ils le sentent ?", 16.5, 18.9),
    ]),
    "teams.docx": ("docx", [
        ("Sophie Martin", "Bonjour Marc, merci de prendre ce temps avec nous.", 3.0, 7.0),
        ("Marc Lefèvre", "Avec plaisir. Nos clients sont au cœur de ce que nous faisons, et ce n'est pas un "
         "slogan : chaque semaine, je lis moi-même les réclamations. Quand un client a été mal traité, "
         "je l'appelle.", 7.0, 30.0),
        ("Sophie Martin", "Et vos équipes suivent ?", 30.0, 34.0),
        ("Marc Lefèvre", "Elles suivent, parce qu'elles voient que ça marche.", 34.0, None),
    ]),
    "teams_time_first.docx": ("docx", [
        ("Claire Vasseur", "Nous avons revu tout le parcours client cette année.", 3.12, 9.48),
        ("Paul Henry", "Qu'est-ce qui vous a décidée ?", 9.48, 12.9),
        ("Claire Vasseur", "Les clients nous quittaient sans rien dire. C'était le pire signal.", 12.9, None),
    ]),
    "word.docx": ("docx", [
        (None, "Entretien avec la directrice commerciale\nDate : 12 février 2024", None, None),
        ("Intervieweur", "Comment parlez-vous de vos clients en comité de direction ?", None, None),
        ("Élise Fournier", "Comme de partenaires. Nous leur devons la vérité sur les délais,\n"
         "même quand elle n'est pas agréable à entendre.", None, None),
        ("Intervieweur", "Et quand un commercial promet trop ?", None, None),
        ("Élise Fournier", "Je le reprends, calmement mais fermement.", None, None),
    ]),
}
TIMED = sorted(name for name in GOLDEN if name != "word.docx")


def turns_of(transcript: Transcript) -> list[tuple]:
    return [(t.speaker, transcript.text[t.start : t.end], t.t_start, t.t_end) for t in transcript.turns]


# ---------------------------------------------------------------------- golden turns


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_turns(name):
    fmt, expected = GOLDEN[name]
    transcript = read_file(FORMATS / name)
    assert transcript.format == fmt
    assert transcript.source == str(FORMATS / name)
    assert turns_of(transcript) == expected


def test_built_text_layout():
    transcript = read_file(FORMATS / "teams.vtt")
    assert transcript.text.split("\n\n")[:2] == [
        "Sophie Martin : Bonjour Marc, merci de nous recevoir.",
        "Marc Lefèvre : Avec plaisir. Chez nous, le client n'est pas un numéro de dossier, "
        "c'est quelqu'un qu'on rappelle le jour même quand il a un souci.",
    ]
    assert not read_file(FORMATS / "plain.srt").text.startswith("None")


def test_word_docx_offsets_index_extracted_text():
    transcript = read_file(FORMATS / "word.docx")
    lines = transcript.text.split("\n")
    assert lines[2] == "Intervieweur : Comment parlez-vous de vos clients en comité de direction ?"
    assert lines[-1] == "Élise Fournier : Je le reprends, calmement mais fermement."  # a table row
    assert transcript.cues == ()


def test_txt_and_md_read_as_before(tmp_path):
    text = "Intervieweuse : Bonjour.\nMarc Lefèvre (DG) : Nos clients sont exigeants.\n"
    for ext in (".txt", ".md"):
        path = tmp_path / f"entretien{ext}"
        path.write_text(text, "utf-8")
        transcript = read_file(path)
        assert transcript.format == "txt" and transcript.text == text
        assert turns_of(transcript) == turns_of(parse_text(text))


# ---------------------------------------------------------------------- offsets and times


@pytest.mark.parametrize("name", TIMED)
def test_cue_spans_lie_inside_turns_in_order(name):
    transcript = read_file(FORMATS / name)
    assert transcript.cues
    previous_end = -1
    for start, end, t_start, _ in transcript.cues:
        piece = transcript.text[start:end]
        assert piece and piece == piece.strip() and start > previous_end
        assert any(t.start <= start and end <= t.end for t in transcript.turns)
        assert transcript.time_span(start, end)[0] == t_start
        previous_end = end
    for turn in transcript.turns:
        inside = [c for c in transcript.cues if turn.start <= c[0] < turn.end]
        assert " ".join(transcript.text[s:e] for s, e, _, _ in inside) == transcript.text[turn.start : turn.end]


@pytest.mark.parametrize(
    "quote,times",
    [
        ("Avec plaisir.", (5.1, 9.64)),  # inside the first cue of a merged turn
        ("c'est quelqu'un qu'on rappelle", (9.64, 13.02)),  # inside the second cue
        ("Chez nous, le client n'est pas un numéro de dossier, c'est quelqu'un qu'on rappelle le jour même "
         "quand il a un souci.", (5.1, 13.02)),  # a sentence across the cue boundary
        ("Ce n'est pas acceptable, et l'équipe le sait.", (17.2, 22.48)),  # a cue with two lines
    ],
)
def test_time_span_of_quotes(quote, times):
    transcript = read_file(FORMATS / "teams.vtt")
    start = transcript.text.index(quote)
    assert transcript.time_span(start, start + len(quote)) == times


def test_time_span_between_cues_and_degenerate_spans():
    transcript = read_file(FORMATS / "teams.vtt")
    label = transcript.text.index("Marc Lefèvre : ")
    assert transcript.time_span(label, label + len("Marc Lefèvre : ")) == (None, None)  # only a label
    assert transcript.time_span(label, label + len("Marc Lefèvre : Avec")) == (5.1, 9.64)
    join = transcript.text.index(", c'est quelqu'un") + 1  # the space joining two cues
    assert transcript.time_span(join, join + 6) == (9.64, 13.02)
    assert transcript.time_span(10, 10) == (None, None)
    assert transcript.time_span(0, len(transcript.text)) == (1.25, 22.48)
    assert parse_text("DG : Bonjour.").time_span(0, 5) == (None, None)


def _brute_time_span(transcript: Transcript, start: int, end: int) -> tuple:
    """Linear reference for time_span."""
    after = [c for c in transcript.cues if c[1] > start]
    before = [c for c in transcript.cues if c[0] <= end - 1]
    if end <= start or not after or not before or transcript.cues.index(after[0]) > transcript.cues.index(before[-1]):
        return None, None
    return after[0][2], before[-1][3]


@pytest.mark.parametrize("name", ["teams.vtt", "named.srt", "diarised.json"])
def test_time_span_matches_linear_reference_everywhere(name):
    transcript = read_file(FORMATS / name)
    size = len(transcript.text)
    for start in range(0, size, 3):
        for end in range(start, size + 1, 5):
            assert transcript.time_span(start, end) == _brute_time_span(transcript, start, end), (start, end)


def test_time_span_scales_to_many_cues():
    cues = [Cue("A" if i % 7 else "B", f"phrase numéro {i}.", float(i), i + 0.9) for i in range(50_000)]
    transcript = build_transcript(cues, None, "json")
    start = transcript.text.index("phrase numéro 43210.")
    assert transcript.time_span(start, start + 5) == (43210.0, 43210.9)


# ---------------------------------------------------------------------- cue details


@pytest.mark.parametrize(
    "text,noise",
    [("[Musique]", True), ("(inaudible)", True), ("[Rires] [Applaudissements]", True), ("♪ ♪", True),
     ("...", True), ("", True), ("Bonjour [rires] à tous.", False), ("(rires) Oui.", False)],
)
def test_noise_cues(text, noise):
    assert is_noise(text) is noise


def test_several_voices_tags_and_entities_in_one_cue():
    transcript = vtt.parse(
        "WEBVTT\n\n00:01.000 --> 00:04.000\n<v.loud Anne Roy><i>Vous</i> &amp; vos clients ?</v>\n"
        "<v Bruno Petit>Nous <c.yellow>les</c> écoutons.</v>\n"
    )
    assert turns_of(transcript) == [
        ("Anne Roy", "Vous & vos clients ?", 1.0, 4.0),
        ("Bruno Petit", "Nous les écoutons.", 1.0, 4.0),
    ]


def test_cue_prefix_is_a_speaker_only_when_it_looks_like_one():
    transcript = vtt.parse(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nTrois choses: d'abord, écouter le client.\n\n"
        "00:00:03.000 --> 00:00:05.000\nEnsuite, le rappeler.\n"
    )
    assert transcript.speakers == []
    assert transcript.text == "Trois choses: d'abord, écouter le client. Ensuite, le rappeler."


def test_unlabelled_cue_continues_previous_speaker():
    cues = label_cues([Cue(None, "Marc Lefèvre: Bonjour."), Cue(None, "Vous allez bien ?"), Cue("Anne", "Oui.")])
    assert [(c.speaker, c.text) for c in cues] == [
        ("Marc Lefèvre", "Bonjour."), ("Marc Lefèvre", "Vous allez bien ?"), ("Anne", "Oui.")]


def test_renamed_speaker_keeps_both_labels():
    assert read_file(FORMATS / "teams_awkward.vtt").speakers == ["Marc", "Marc Lefèvre", "Claire Dubois"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_text_formats_use_read_decode(tmp_path, encoding):
    for name in ("teams.vtt", "named.srt", "diarised.json"):
        text = (FORMATS / name).read_text("utf-8")
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        assert turns_of(read_file(path)) == GOLDEN[name][1]


@pytest.mark.parametrize(
    "line,header",
    [
        ("Marc Lefèvre   0:03", ("Marc Lefèvre", 3.0)),
        ("Marc Lefèvre\t1:02:05", ("Marc Lefèvre", 3725.0)),
        ("00:00:03.120 Marc Lefèvre", ("Marc Lefèvre", 3.12)),
        ("Lefèvre, Marc   12:40", ("Lefèvre, Marc", 760.0)),
        ("Rendez-vous demain à 10:30", None),
        ("Marc Lefèvre : on se voit à 10:30", None),
    ],
)
def test_teams_header_lines(line, header):
    found = docx_format.teams_headers([line, "Nous écoutons nos clients."])
    assert [(name, t) for _, name, t in found] == ([header] if header else [])


# ---------------------------------------------------------------------- format choice and errors


def test_input_format_overrides_extension(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes((FORMATS / "zoom.vtt").read_bytes())
    assert read_file(path).format == "txt"
    assert turns_of(read_file(path, input_format="vtt")) == GOLDEN["zoom.vtt"][1]
    assert read_file(FORMATS / "teams.vtt", input_format="md").format == "txt"
    with pytest.raises(InputError, match="unknown input format 'xml'"):
        read_file(path, input_format="xml")


def test_read_bytes_dispatches():
    data = (FORMATS / "diarised.json").read_bytes()
    assert turns_of(read_bytes(data, "json")) == GOLDEN["diarised.json"][1]


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "pas un document Word")
    return buffer.getvalue()


PLAIN = "Marc Lefèvre : nos clients sont notre raison d'être.\n".encode()
MISMATCHES = [
    ("x.vtt", PLAIN, r"x\.vtt: expected WebVTT \(a 'WEBVTT' header\), found plain text"),
    ("x.vtt", (FORMATS / "named.srt").read_bytes(), "expected WebVTT .*found SubRip"),
    ("x.vtt", (FORMATS / "whisper.json").read_bytes(), "expected WebVTT .*found JSON"),
    ("x.vtt", (FORMATS / "teams.docx").read_bytes(), "expected WebVTT .*found a ZIP archive"),
    ("x.vtt", b"[" * 100_000, "expected WebVTT .*found plain text"),
    ("x.srt", PLAIN, "expected SubRip .*found plain text"),
    ("x.srt", (FORMATS / "teams.vtt").read_bytes(), "expected SubRip .*found WebVTT"),
    ("x.json", PLAIN, "expected JSON segments .*found plain text"),
    ("x.json", (FORMATS / "zoom.vtt").read_bytes(), "expected JSON segments .*found WebVTT"),
    ("x.json", b'[{"start": 0, "end": 1, "text": "Bonjour"', "found invalid JSON .*line 1"),
    ("x.docx", PLAIN, r"expected a Word document \(\.docx\), found plain text"),
    ("x.docx", (FORMATS / "teams.vtt").read_bytes(), "expected a Word document .*found WebVTT"),
    ("x.docx", _zip_bytes(), "found a ZIP archive that is not a readable Word document"),
    ("x.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), r"old binary Word/Office file \(\.doc\)"),
    ("x.txt", (FORMATS / "teams.docx").read_bytes(), "expected plain text, found a ZIP archive"),
]


@pytest.mark.parametrize("name,data,message", MISMATCHES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(MISMATCHES)])
def test_content_not_matching_extension(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_file(path)


GARBAGE = {
    "empty": (b"", "empty"),
    "blank": (b" \r\n\r\n ", "empty"),
    "binary": (bytes(range(256)) * 8, "binary"),
}
BAD_FILES = [
    ("vtt", b"WEBVTT\n\nNOTE rien d'autre\n", "no cue"),
    ("vtt", b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n[Musique]\n\n2\n00:00:02.000 --> 00:00:03.000\n\n",
     "no speech"),
    ("srt", b"1\n00:00:01,000 --> 00:00:02,000\n(inaudible)\n", "no speech"),
    ("json", b"[]", "no segment"),
    ("json", b'{"text": "Bonjour"}', "found an object with keys 'text'"),
    ("json", b"42", "found a JSON int"),
    ("json", b'[{"start": 0, "end": 1}]', "segment 0 has no 'text' string"),
    ("json", b'{"segments": [{"start": "0:01", "end": 2, "text": "Oui"}]}', "segment 0: 'start' must be a number"),
    ("json", b'[{"start": 0, "end": 1, "text": "Oui", "speaker": ["A"]}]', "'speaker' must be a string"),
    ("json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("docx", docx_bytes([]), "no text"),
    ("docx", docx_bytes(["", "   "]), "no text"),
]


@pytest.mark.parametrize("ext", ["vtt", "srt", "json", "docx", "txt"])
@pytest.mark.parametrize("kind", sorted(GARBAGE))
def test_empty_and_garbage_files(tmp_path, ext, kind):
    data, message = GARBAGE[kind]
    path = tmp_path / f"x.{ext}"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as info:
        read_file(path)
    assert str(info.value).startswith(str(path))


@pytest.mark.parametrize("ext,data,message", BAD_FILES, ids=[f"{e}-{i}" for i, (e, _, _) in enumerate(BAD_FILES)])
def test_malformed_files(tmp_path, ext, data, message):
    path = tmp_path / f"x.{ext}"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_file(path)


# ---------------------------------------------------------------------- speakers


def test_speaker_stats_turns_time_and_the_given_words():
    """Words come from the caller (the analysis' count, clientlens.text.units.word_counts)."""
    stats = speaker_stats(read_file(FORMATS / "teams.vtt"), {"Sophie Martin": 14, "Marc Lefèvre": 36})
    assert [(s.name, s.turns, s.words) for s in stats] == [("Sophie Martin", 2, 14), ("Marc Lefèvre", 2, 36)]
    assert [s.seconds for s in stats] == [pytest.approx(3.55 + 3.4), pytest.approx(4.54 + 3.38 + 5.28)]


def test_speaker_stats_counts_overlapping_cues_once():
    cues = [Cue("A", "Un.", 0.0, 4.0), Cue("A", "Deux.", 3.0, 6.0), Cue("B", "Trois.", 5.0, 7.0)]
    transcript = build_transcript(cues, None, "vtt")
    assert [(s.name, s.seconds, s.words) for s in speaker_stats(transcript, {"A": 2})] == [
        ("A", 6.0, 2), ("B", 2.0, 0)]


def test_speaker_stats_without_time():
    stats = speaker_stats(read_file(FORMATS / "word.docx"), {"Intervieweur": 1, "Élise Fournier": 2})
    assert [(s.name, s.turns, s.words, s.seconds) for s in stats] == [
        ("Intervieweur", 2, 1, None), ("Élise Fournier", 2, 2, None)]


# ---------------------------------------------------------------------- command line


def run(*args):
    return subprocess.run([sys.executable, "-m", "clientlens", *args], capture_output=True, text=True, timeout=300)


def test_speakers_command_on_vtt():
    """Words are the analysis' words: the lone « ? » of Sophie Martin's question is not one."""
    out = run("speakers", str(FORMATS / "teams.vtt"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "Sophie Martin\t2 turns\t14 words\t0:07 speaking",
        "Marc Lefèvre\t2 turns\t37 words\t0:13 speaking",
    ]


def test_speakers_command_input_format(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes((FORMATS / "named.srt").read_bytes())
    out = run("speakers", str(path), "--input-format", "srt")
    assert out.returncode == 0, out.stderr
    assert "Nadia Benali (DG)\t2 turns\t23 words\t0:12 speaking" in out.stdout


@pytest.mark.parametrize("command", ["speakers", "analyze"])
def test_mismatch_is_one_line_error(tmp_path, command):
    path = tmp_path / "entretien.vtt"
    path.write_bytes(PLAIN)
    out = run(command, str(path))
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "expected WebVTT" in out.stderr and "found plain text" in out.stderr


def test_analyze_vtt_offsets_point_into_built_text():
    out = run("analyze", str(FORMATS / "teams_awkward.vtt"), "--input-format", "vtt", "--speaker", "Marc Lefèvre",
              "--format", "json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    text = read_file(FORMATS / "teams_awkward.vtt").text
    assert report["sentences"]
    for item in report["sentences"] + report["evidence"]:
        assert text[item["start"] : item["end"]] == item["text"]
