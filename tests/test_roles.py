"""Speaker roles: titles in labels, interviewers by label and by behaviour, never everyone left out."""

from __future__ import annotations

import pytest

from clientlens.io.plain import parse_text
from clientlens.roles import asks_questions, member_key, not_scored, role_of, speaker_roles, split_label


@pytest.mark.parametrize(
    ("label", "name", "title"),
    [
        ("Claire Vasseur (DG)", "Claire Vasseur", "DG"),
        ("DG - Claire Vasseur", "Claire Vasseur", "DG"),
        ("Claire Vasseur – directrice générale", "Claire Vasseur", "directrice générale"),
        ("Claire Vasseur, PDG", "Claire Vasseur", "PDG"),
        ("Secrétaire de séance - Luc Martin", "Luc Martin", "Secrétaire de séance"),
        ("Journaliste", "Journaliste", "Journaliste"),
        ("Q", "Q", "Q"),
        ("Marc Lefèvre", "Marc Lefèvre", None),
        ("Jean-Pierre Martin", "Jean-Pierre Martin", None),
        ("Anne Roux - Paul Girard", "Anne Roux - Paul Girard", None),
    ],
)
def test_split_label(label, name, title):
    assert split_label(label) == (name, title)


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Journaliste", "interviewer"), ("question", "interviewer"), ("Q", "interviewer"),
        ("Intervieweuse", "interviewer"), ("Host", "interviewer"), ("Animatrice", "facilitator"),
        ("Modérateur", "facilitator"), ("Secrétaire de séance", "note_taker"), ("DG", "leader"),
        ("Assistante de direction", "note_taker"), ("secrétaire de direction", "note_taker"),
        ("directrice de la communication", None), ("Assistante commerciale", None),
        ("Directrice Générale", "leader"), ("PDG", "leader"), ("CEO", "leader"),
        ("directeur commercial", None), ("DRH", None), ("Réponse", None), (None, None),
        # a title with its complement: read without it, unless known as a whole
        ("président-directeur général du groupe Vellane", "leader"), ("DG de Rivaud", "leader"),
        ("Directrice générale d’Alpha", "leader"), ("consultante chez Ernst", "interviewer"),
        ("présidente de séance", "facilitator"), ("responsable de la relation client", None),
        ("directeur de la communication", None),
    ],
)
def test_role_of_title(title, role):
    assert role_of(title) == role


def test_member_key_merges_title_forms():
    assert member_key("DG - Claire Vasseur") == member_key("claire VASSEUR (dg)") == member_key("Claire Vasseur")
    assert member_key("Claire Vasseur") != member_key("Claire Vassor")


QUESTIONS = ["Comment voyez-vous vos clients ?", "Et le service après-vente ?",
             "Merci. Pouvez-vous donner un exemple ?", "Qu'est-ce qui a changé depuis ?"]
LONG = ("Alors, nos clients, je les connais par leur nom, je passe une journée par mois à l'accueil, "
        "j'écoute ce qui ne va pas, on rappelle chaque réclamation sous vingt-quatre heures, et "
        "l'an dernier une cliente nous a expliqué que nos contrats étaient illisibles, on les a "
        "réécrits avec elle, ligne par ligne, et depuis on teste chaque courrier avec trois clients.")


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        (QUESTIONS, True),
        ([*QUESTIONS, "D'accord, merci."], True),
        (QUESTIONS[:2], False),  # too few turns to tell
        ([*QUESTIONS, LONG, LONG], False),  # a leader who asks many questions but speaks at length
        ([LONG, LONG, LONG], False),
        (["Oui.", "Non, pas du tout.", "Bien sûr.", "D'accord."], False),  # short, but no questions
    ],
)
def test_asks_questions(turns, expected):
    assert asks_questions(turns) is expected


def test_the_speaker_with_most_words_is_never_an_interviewer_by_behaviour():
    assert not asks_questions(QUESTIONS, most_words=True)


def _transcript(*turns: tuple[str, str]):
    return parse_text("\n\n".join(f"{who} : {text}" for who, text in turns))


def test_interviewer_found_by_label_and_by_behaviour():
    labelled = _transcript(("Journaliste", "Et vos clients ?"), ("Anne Roux (DG)", LONG))
    unlabelled = _transcript(*[x for q in QUESTIONS for x in (("Paul Girard", q), ("Anne Roux", LONG))])
    assert not_scored(labelled) == {"Journaliste": "interviewer"}
    assert not_scored(unlabelled) == {"Paul Girard": "interviewer"}
    roles = speaker_roles(unlabelled)
    assert (roles["Paul Girard"].basis, roles["Anne Roux"].role) == ("questions", None)
    assert speaker_roles(labelled)["Anne Roux (DG)"].role == "leader"


def test_a_questioning_leader_in_a_codir_is_scored():
    codir = _transcript(*[x for q in QUESTIONS for x in (("Anne Roux (DG)", q), ("Paul Girard", "Oui, d'accord."))],
                        ("Anne Roux (DG)", LONG), ("Anne Roux (DG)", LONG), ("Marc Petit", LONG))
    assert not_scored(codir) == {}


def test_never_all_speakers_are_left_out():
    only_questions = _transcript(("Journaliste", "Et vos clients ?"), ("Animatrice", "Et le SAV ?"))
    assert not_scored(only_questions) == {}


def test_labels_of_one_person_share_the_title_given_once():
    t = _transcript(("Antoine Leclerc (consultant)", "Et vos clients ?"), ("Sarah Azoulay (CEO)", LONG),
                    ("Antoine Leclerc", "Un exemple ?"), ("Sarah Azoulay", LONG))
    assert not_scored(t) == {"Antoine Leclerc (consultant)": "interviewer", "Antoine Leclerc": "interviewer"}
    assert speaker_roles(t)["Sarah Azoulay"].role == "leader"


def test_committee_members_of_a_hearing_are_questioners():
    from tests.io.test_read import HEARING  # one source for the hearing record

    roles = speaker_roles(parse_text(HEARING))
    assert {label: (r.role, r.basis) for label, r in roles.items()} == {
        "Claire Dumas (présidente de séance)": ("facilitator", "label"),
        "Paul Girard (président-directeur général du groupe Vellane)": ("leader", "label"),
        "Hugo Lemaire (LFI)": ("interviewer", "format"),
    }
    assert set(not_scored(parse_text(HEARING))) == {"Claire Dumas (présidente de séance)", "Hugo Lemaire (LFI)"}
