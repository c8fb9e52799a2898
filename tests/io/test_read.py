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


# The record of a parliamentary hearing: « Civility [le/la title] Name[, function][ (group)]. [–] speech ».
HEARING = (
    "Mme la présidente Claire Dumas. Nous recevons M. Paul Girard. Vous avez la parole.\n\n"
    "M. Paul Girard, président-directeur général du groupe Vellane. – Merci, madame la présidente.\n\n"
    "Mme la présidente. Combien de réclamations l'an dernier ?\n\n"
    "M. Paul Girard. Un peu plus de deux mille.\n\n"
    "M. Hugo Lemaire (LFI). Vos clients se plaignent de vos démarcheurs.\n\n"
    "M. Paul Girard. Nous avons arrêté le démarchage il y a deux ans.\n"
)


def test_hearing_record_turns_labels_and_questioners():
    transcript = parse_text(HEARING)
    girard = "Paul Girard (président-directeur général du groupe Vellane)"
    chair = "Claire Dumas (présidente de séance)"
    assert [t.speaker for t in transcript.turns] == [chair, girard, chair, girard, "Hugo Lemaire (LFI)", girard]
    first = transcript.turns[1]
    assert transcript.text[first.start : first.end] == "Merci, madame la présidente."
    assert transcript.questioners == {chair, "Hugo Lemaire (LFI)"}


@pytest.mark.parametrize(
    ("first", "second", "speaker", "speech"),
    [
        ("M. Jean de La Tour, directeur général de Vellane. Bonjour.", "M. Jean de La Tour. Oui.",
         "Jean de La Tour (directeur général de Vellane)", "Bonjour."),
        ("Mme Anne d’Aubigné, directrice. — Bonjour.", "Mme Anne d’Aubigné. – Oui.",
         "Anne d’Aubigné (directrice)", "Bonjour."),
        ("M. le président. Bonjour.", "M. le président. Oui.", "Président de séance", "Bonjour."),
        ("Mme la Rapporteure Léa Morin. Bonjour.", "Mme Léa Morin. Oui.", "Léa Morin (rapporteure)", "Bonjour."),
        ("M. Hugo Lemaire (Dem). Bonjour.", "M. Hugo Lemaire. Oui.", "Hugo Lemaire (Dem)", "Bonjour."),
    ],
)
def test_hearing_labels_are_recognised(first, second, speaker, speech):
    transcript = parse_text(f"{first}\n\n{second}\n")
    turn = transcript.turns[0]
    assert (turn.speaker, transcript.text[turn.start : turn.end]) == (speaker, speech)
    assert transcript.turns[1].speaker == speaker


@pytest.mark.parametrize(
    "text",
    [
        # one label only, nobody speaks twice
        "M. Paul Girard, président. Merci.\n\nMme Claire Dumas. Bonjour.",
        # prose about people, not a record: no full stop right after the name or its function
        "M. Dupont a rappelé les clients.\n\nM. Dupont est parti.\n\nMme Martin le confirme.",
        # a sentence where a function would be
        "M. Dupont, qui dirige depuis vingt ans la société que son père avait fondée dans un petit "
        "atelier de la banlieue de Lyon avec trois ouvriers seulement, a vendu. Fin.\n\n"
        "M. Dupont, qui dirige depuis vingt ans la société que son père avait fondée dans un petit "
        "atelier de la banlieue de Lyon avec trois ouvriers seulement, a vendu. Fin.",
        # no civility
        "Paul Girard. Bonjour.\n\nPaul Girard. Oui.",
        # not at the start of a line
        "Il a salué M. Paul Girard. Puis M. Paul Girard. Enfin.",
    ],
)
def test_texts_that_are_not_hearing_records(text):
    transcript = parse_text(text)
    assert transcript.speakers == [] and transcript.questioners == frozenset()


def test_colon_labels_take_precedence_over_hearing_labels():
    text = "Journaliste : Bonjour.\nM. Paul Girard. Bonjour.\nM. Paul Girard. Oui.\nJournaliste : Merci."
    assert parse_text(text).speakers == ["Journaliste"]


def test_minutes_in_hearing_style_without_a_chair_name_no_questioner():
    text = ("M. Paul Girard, directeur général. – Les résultats du trimestre.\n\n"
            "Mme Claire Dumas. – Les réclamations baissent.\n\nM. Paul Girard. – Merci.\n")
    transcript = parse_text(text)
    assert transcript.speakers == ["Paul Girard (directeur général)", "Claire Dumas"]
    assert transcript.questioners == frozenset()


def test_hearing_without_an_introduced_witness_names_no_questioner():
    transcript = parse_text("M. Paul Girard. Bonjour.\n\nMme Claire Dumas. Oui ?\n\nM. Paul Girard. Merci.")
    assert transcript.speakers == ["Paul Girard", "Claire Dumas"]
    assert transcript.questioners == frozenset()


@pytest.mark.parametrize(
    ("function", "chair"),
    [("président", True), ("présidente de la commission des finances", True), ("rapporteur pour avis", True),
     ("vice-présidente de la mission d'information", True), ("président-directeur général", False),
     ("président du groupe Vellane", False), ("directrice générale", False)],
)
def test_a_function_that_names_the_chair(function, chair):
    text = (f"M. Jean Roux, {function}. - Bienvenue.\n\nM. Paul Girard, directeur de Vellane. - Merci.\n\n"
            "M. Jean Roux. - Une question ?\n")
    transcript = parse_text(text)
    speaker = transcript.turns[0].speaker
    assert (speaker in transcript.questioners) is chair
    assert (speaker != f"Jean Roux ({function})") is chair  # the chair's title shown instead


def test_a_chair_named_by_function_is_the_chair():
    text = ("M. Jean Roux, président de la commission des affaires économiques. – Bienvenue.\n\n"
            "M. Paul Girard, directeur général de Vellane. – Merci.\n\nM. Jean Roux. – Une question ?\n")
    transcript = parse_text(text)
    assert transcript.speakers == ["Jean Roux (président de séance)", "Paul Girard (directeur général de Vellane)"]
    assert transcript.questioners == {"Jean Roux (président de séance)"}


# A printed interview without labels: the questions are paragraphs of their own.
PRINTED_INTERVIEW = (
    "Rencontre avec Paul Girard, qui dirige Vellane.\n\n"
    "Comment décririez-vous vos clients ?\nDes gens qui nous confient leur budget.\n\n"
    "Vos concurrents parlent de « cibles ». Et vous ?\nJe déteste ce mot. On parle de personnes.\n\n"
    "Et quand un client conteste une facture ?\nOn l'écoute d'abord, et souvent on le rembourse.\n"
)


@pytest.mark.parametrize(
    "text",
    [PRINTED_INTERVIEW, PRINTED_INTERVIEW.replace("\n\n", "\n"),
     PRINTED_INTERVIEW.replace("Comment décririez-vous vos clients ?", "**Comment décririez-vous vos clients ?**")],
    ids=["paragraphs", "lines", "markdown"],
)
def test_printed_interview_questions_are_the_interviewers(text):
    transcript = parse_text(text)
    said = [(t.speaker, transcript.text[t.start : t.end]) for t in transcript.turns]
    assert [s for s, _ in said] == [None, "Question", None, "Question", None, "Question", None]
    assert said[3][1] == "Vos concurrents parlent de « cibles ». Et vous ?"
    assert said[-1][1] == "On l'écoute d'abord, et souvent on le rembourse."
    assert transcript.questioners == {"Question"}


@pytest.mark.parametrize(
    "text",
    [
        # two questions answered: fewer than min_pairs
        "Comment les servir ?\nEn les écoutant.\n\nEt ensuite ?\nEn tenant parole.\n\nVoilà ma méthode.",
        # a run of questions, answered once
        "Qui sont nos clients ?\nQue veulent-ils ?\nQue craignent-ils ?\nJe vais y répondre ici.",
        # questions inside paragraphs, not paragraphs of their own
        "Pourquoi ? Parce que. Et alors ? Rien.\n\nComment ? Ainsi. Et puis ? Voilà.\n\nQui ? Eux. Quand ? Demain.",
        # a long paragraph that ends as a question is speech, not an interviewer's question
        "\n\n".join(["Nous avons " + "beaucoup " * 60 + "travaillé, non ?\nOui." ] * 3),
    ],
)
def test_texts_that_are_not_printed_interviews(text):
    transcript = parse_text(text)
    assert transcript.speakers == [] and transcript.questioners == frozenset()


def test_labelled_speakers_take_precedence_over_the_layout():
    text = "Journaliste : Vos clients ?\nDG : Nos partenaires.\n" + PRINTED_INTERVIEW
    assert parse_text(text).speakers == ["Journaliste", "DG"]


# Exports of transcription services: the time beside the name, the speech on its own lines.
@pytest.mark.parametrize(
    "layout",
    [
        "{name}  {clock}\n{said}\n\n",  # Otter
        "{name} [{clock}]\n{said}\n",
        "{clock} {name}\n{said}\n",
        "[{clock}] {name}\n{said}\n",
        "{name} ({clock}):\n{said}\n\n",  # Rev
        "{name} ({clock}): {said}\n",
    ],
)
def test_transcription_service_labels(layout):
    turns = [("Claire Vasseur", "0:03", "Bonjour à tous."), ("Paul Girard", "0:07", "Nos clients d’abord."),
             ("Claire Vasseur", "1:15", "Et ensuite ?")]
    transcript = parse_text("".join(layout.format(name=n, clock=c, said=s) for n, c, s in turns))
    read = [(t.speaker, t.t_start, transcript.text[t.start : t.end]) for t in transcript.turns]
    assert read == [("Claire Vasseur", 3.0, "Bonjour à tous."), ("Paul Girard", 7.0, "Nos clients d’abord."),
                    ("Claire Vasseur", 75.0, "Et ensuite ?")]


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        # a timed agenda: no name comes back
        ("10:30 Point Ventes\nLes chiffres du mois.\n11:00 Point Qualité\nLes réclamations.\n", []),
        # a clock time in the speech is not a label
        ("DG : Rendez-vous à 10:30 avec nos clients.\nQ : Merci.\n", ["DG", "Q"]),
        ("Réunion du lundi 10:30\nNos clients d’abord.\n", []),
    ],
)
def test_times_that_are_not_labels(text, speakers):
    assert parse_text(text).speakers == speakers
