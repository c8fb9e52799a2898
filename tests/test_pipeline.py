"""End-to-end analysis on the real French pipeline: speakers, offsets, errors, determinism."""

from __future__ import annotations

import json
import socket

import pytest

import clientlens
from clientlens.classifier.features import CONTEXT_SENTENCES
from clientlens.errors import InputError, NotFrenchError, SpeakerNotFoundError
from clientlens.pipeline import Analyzer
from clientlens.taxonomy import LABELS

INTERVIEW = (
    "Intervieweuse : Comment parlez-vous de vos cibles et de la conquête de nouveaux comptes ?\n\n"
    "Sophie Martin (PDG) : Je préfère parler de personnes. Chaque semaine j'appelle trois clients "
    "pour leur demander ce qui ne va pas, et on leur répond sous quarante-huit heures. "
    "Mme Durand nous a expliqué que nos factures étaient illisibles, on les a refaites avec elle.\n"
)


def test_offsets_point_into_the_decoded_input(analyzer, example):
    report = analyzer.analyze_file(example("entretien_concession.txt"))
    assert report.evidence and report.sentences
    for item in [*report.evidence, *report.sentences]:
        assert report.text[item.start : item.end] == item.text


def test_interviewer_words_never_count_against_the_leader(analyzer):
    report = analyzer.analyze(INTERVIEW, speaker="sophie martin")
    assert {e.speaker for e in report.evidence} <= {"Sophie Martin (PDG)"}
    assert all(e.family not in {"hunting", "conquest", "objectification"} for e in report.evidence)
    interviewer = next(s for s in report.speakers if s.name == "Intervieweuse")
    assert not interviewer.scored


def test_speaker_matching_ignores_case_accents_and_role(analyzer):
    a = analyzer.analyze(INTERVIEW, speaker="SOPHIE MARTIN")
    b = analyzer.analyze(INTERVIEW, speaker="Sophie Martin (PDG)")
    assert a.index == b.index and a.words == b.words


def test_unknown_speaker_lists_the_speakers(analyzer):
    with pytest.raises(SpeakerNotFoundError, match="Sophie Martin"):
        analyzer.analyze(INTERVIEW, speaker="Jean Dupont")


MEETING = (
    "Sophie Martin (PDG) : Je préfère parler de personnes. Chaque semaine j'appelle trois clients "
    "pour leur demander ce qui ne va pas.\n\n"
    "Paul Girard : Moi je regarde surtout le chiffre d'affaires du trimestre et le taux de marge.\n"
)


def test_all_speech_is_scored_without_speaker_when_nobody_interviews(analyzer):
    report = analyzer.analyze(MEETING)
    assert len(report.speakers) == 2 and all(s.scored for s in report.speakers)
    assert report.words == sum(s.words for s in report.speakers)
    assert any("all speakers" in w for w in report.warnings)


def test_the_interviewer_is_not_scored_without_speaker(analyzer):
    """Without speaker=, an interview scores the interviewee only, the same as naming them."""
    report = analyzer.analyze(INTERVIEW)
    named = analyzer.analyze(INTERVIEW, speaker="Sophie Martin")
    assert (report.index, report.verdict, report.words) == (named.index, named.verdict, named.words)
    interviewer = next(s for s in report.speakers if s.name == "Intervieweuse")
    assert (interviewer.scored, interviewer.role, interviewer.verdict, interviewer.index) == (
        False, "interviewer", None, None)
    assert any("not scored: Intervieweuse (interviewer)" in w for w in report.warnings)
    assert not any("all speakers" in w for w in report.warnings)
    text = report.summary(language="en")
    assert text.index(report.verdict.upper().replace("_", " ")) < text.index("Intervieweuse")
    assert "not scored (interviewer)" in text and "non noté (intervieweur)" in report.summary()


def test_a_named_interviewer_is_scored(analyzer):
    report = analyzer.analyze(INTERVIEW, speaker="Intervieweuse")
    interviewer = next(s for s in report.speakers if s.name == "Intervieweuse")
    assert interviewer.scored and interviewer.verdict is not None


def test_short_speech_warns_and_widens_the_interval(analyzer):
    short = analyzer.analyze("Nos clients sont des partenaires, on les écoute.")
    long = analyzer.analyze(" ".join([INTERVIEW.split(" : ", 2)[2]] * 8))
    assert any("too short" in w for w in short.warnings)
    assert (short.interval[1] - short.interval[0]) > (long.interval[1] - long.interval[0])


NEUTRAL = " ".join(["Nous avons ouvert un nouvel atelier à Lyon en mars, avec douze personnes.",
                    "Le bâtiment date des années soixante et il a fallu refaire la toiture.",
                    "Mon associé gère la comptabilité et moi la production."] * 8)


@pytest.mark.parametrize(("text", "warned"), [
    (NEUTRAL, True),  # 280 words about a workshop: nothing about customers
    (NEUTRAL + " Quand une cliente appelle, on prend le temps de comprendre ce dont elle a besoin.", False),
])
def test_speech_with_no_signal_says_so(analyzer, text, warned):
    report = analyzer.analyze(text)
    assert report.words >= 150
    assert any(w.startswith("no signal about customers") for w in report.warnings) is warned
    assert warned is not any(e.counted for e in report.evidence)


def test_short_speech_is_not_also_warned_as_signal_free(analyzer):
    report = analyzer.analyze("Le bâtiment date des années soixante et il a fallu refaire la toiture.")
    assert not any(e.counted for e in report.evidence)
    assert [w for w in report.warnings if "no signal" in w or "too short" in w] == [
        w for w in report.warnings if "too short" in w]


def test_english_text_is_refused(analyzer):
    with pytest.raises(NotFrenchError):
        analyzer.analyze("We always put our customers first and we listen to what they tell us every day.")


def test_non_string_input_is_refused(analyzer):
    with pytest.raises(InputError):
        analyzer.analyze(b"bytes")  # type: ignore[arg-type]


def test_same_input_same_report(analyzer, example):
    path = example("reunion_mutuelle.txt")
    assert analyzer.analyze_file(path).to_json() == analyzer.analyze_file(path).to_json()


def test_impact_is_index_with_minus_without(analyzer, example):
    report = analyzer.analyze_file(example("entretien_concession.txt"), speaker="Bruno Caradec")
    counted = [e for e in report.evidence if e.counted]
    assert counted
    adversarial = [e for e in counted if e.polarity == "adversarial"]
    respectful = [e for e in counted if e.polarity == "respectful"]
    assert all(e.impact <= 0 for e in adversarial)
    assert all(e.impact >= 0 for e in respectful)
    assert all(e.impact == 0 for e in report.evidence if not e.counted)


def test_json_contract_has_the_documented_keys(analyzer, example):
    data = json.loads(analyzer.analyze_file(example("entretien_concession.txt")).to_json())
    assert {"schema_version", "index", "interval", "verdict", "components", "warnings", "speakers",
            "evidence", "provenance", "sentences"} <= data.keys()
    assert set(data["evidence"][0]) >= {"text", "start", "end", "family", "polarity", "lemma", "counted",
                                        "reason", "impact", "sentence", "speaker"}
    assert set(data["sentences"][0]) >= {"text", "start", "end", "speaker", "labels", "scores"}
    assert set(data["speakers"][0]) >= {"name", "words", "index", "verdict"}
    for component in data["components"].values():
        assert set(component) >= {"score", "weight", "count"}
    assert data["provenance"]["lexicon_sha256"]


@pytest.mark.parametrize(
    "name,speaker,verdict",
    [
        ("entretien_concession.txt", "Bruno Caradec", "walk_away"),
        ("reunion_mutuelle.txt", "Claire Vasseur", "go"),
    ],
)
def test_bundled_examples_golden_verdicts(analyzer, example, name, speaker, verdict):
    report = analyzer.analyze_file(example(name), speaker=speaker)
    assert report.verdict == verdict, report.summary()


def test_analysis_works_with_sockets_disabled(monkeypatch, analyzer, example):
    def refuse(*args, **kwargs):
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    report = clientlens.analyze_file(example("reunion_mutuelle.txt"))
    assert 0 <= report.index <= 100


def test_custom_lexicon_entries_count(tmp_path):
    lexicon = tmp_path / "sector.jsonl"
    lexicon.write_text(json.dumps({"term": "dossier chaud", "family": "objectification",
                                   "polarity": "adversarial", "weight": 1.0}) + "\n", "utf-8")
    custom = clientlens.Analyzer(lexicon_files=[lexicon])
    report = custom.analyze("Chaque client est un dossier chaud qu'il faut boucler vite.")
    assert any(e.lemma == "dossier chaud" and e.counted for e in report.evidence)


def test_sentences_and_evidence_carry_cue_times(analyzer):
    """A sentence split across two cues is one sentence, timed from its first cue to its last."""
    from pathlib import Path

    path = Path(__file__).parent / "data" / "formats" / "teams.vtt"
    report = analyzer.analyze_file(path, speaker="Marc Lefèvre")
    merged = next(s for s in report.sentences if s.text.startswith("Chez nous"))
    assert merged.text.endswith("un souci.")
    assert (merged.t_start, merged.t_end) == (5.1, 13.02)
    assert all(s.t_start is not None and s.t_start <= s.t_end for s in report.sentences)
    for e in report.evidence:
        sentence = report.sentences[e.sentence]
        assert sentence.t_start <= e.t_start <= e.t_end <= sentence.t_end
        assert report.text[e.start : e.end] == e.text


def test_timestamped_text_turns_give_times(analyzer):
    report = analyzer.analyze("[00:01:02] DG : Nos clients sont des partenaires et on les écoute vraiment.\n"
                              "[00:02:00] Q : Merci.", speaker="DG")
    assert report.sentences[0].t_start == 62.0


class _RecordingClassifier:
    """A SentenceClassifier that keeps what it was given and labels nothing."""

    sha256 = "recording"

    def __init__(self) -> None:
        self.inputs: list = []

    def predict(self, items):
        self.inputs.extend(items)
        return [([], dict.fromkeys(LABELS, 0.0)) for _ in items]


def test_the_classifier_sees_the_speakers_previous_sentences_only():
    recorder = _RecordingClassifier()
    Analyzer(classifier=recorder).analyze(
        "Directrice : Le premier rayon est prêt. Le deuxième arrive lundi. Le troisième attendra.\n\n"
        "Consultant : Et le quatrième ?\n\n"
        "Directrice : Il ouvrira en mars."
    )
    contexts = {i.text: i.context for i in recorder.inputs}
    assert contexts["Le premier rayon est prêt."] == ""
    assert contexts["Le deuxième arrive lundi."] == "Le premier rayon est prêt."
    assert contexts["Et le quatrième ?"] == ""  # another speaker's sentences are not its context
    # the last CONTEXT_SENTENCES of the same speaker, across the other speaker's turn
    assert CONTEXT_SENTENCES == 2
    assert contexts["Il ouvrira en mars."] == "Le deuxième arrive lundi. Le troisième attendra."


def test_a_few_words_get_insufficient_speech_with_an_index_and_a_wide_interval(analyzer):
    report = analyzer.analyze("Nos clients, on les traite comme des pigeons, point final.")
    assert report.verdict == "insufficient_speech"
    assert 0 <= report.interval[0] <= report.index <= report.interval[1] <= 100
    assert report.interval[1] - report.interval[0] > 20
    assert report.to_dict()["verdict"] == "insufficient_speech"
    assert "INSUFFICIENT SPEECH" in report.summary(language="en")
    assert "PAROLE INSUFFISANTE" in report.summary()


def test_top_quotes_follow_the_direction_of_the_index(analyzer):
    """A low index shows first the quotes that pulled it down; a high one those that pushed it up."""
    for report in (analyzer.analyze(LOW_TEXT), analyzer.analyze(HIGH_TEXT)):
        top = report.top_evidence(3)
        assert top, "expected counted evidence"
        sign = -1 if report.index < 50 else 1
        assert all(sign * e.impact > 0 for e in top[:1])
        impacts = [sign * e.impact for e in top]
        assert impacts == sorted(impacts, reverse=True)


LOW_TEXT = (
    "Les clients, franchement, c'est des pigeons, faut les plumer tant qu'ils sont là. "
    "On les harcèle au téléphone jusqu'à ce qu'ils signent, et s'ils râlent on raccroche. "
    "Ils mentent tous sur leurs revenus, de toute façon, et ils ne paient jamais à l'heure. "
    "Une cliente a pleuré hier à l'accueil, les gars se sont bien moqués d'elle après son départ. "
    "Heureusement qu'on a Mme Durand, qui nous envoie un petit mot à Noël, c'est gentil. "
    "Mais le reste, c'est du bétail, on fait du volume et c'est tout ce qui compte."
)
HIGH_TEXT = (
    "Quand Mme Leroy nous a appelés pour sa chaudière en panne un dimanche, je suis allé chez elle moi-même. "
    "Nous rappelons chaque client qui a eu un souci dans la semaine pour savoir si tout est réglé. "
    "J'ai appris le prénom de la plupart de nos habitués, et leurs enfants aussi, au fil des années. "
    "On ne promet un délai que si on est sûrs de le tenir, et quand on se trompe on le dit tout de suite. "
    "Un client m'a dit un jour que notre devis était trop compliqué, on l'a réécrit avec lui. "
    "Bon, il y a eu un client un peu pénible l'an dernier, mais on a fini par trouver un terrain d'entente."
)


def test_lexicon_only_mode_ignores_a_given_classifier(analyzer):
    """use_classifier=False means no classifier, even when one is passed."""
    from clientlens.pipeline import Analyzer

    lexicon_only = Analyzer(classifier=analyzer.classifier, use_classifier=False)
    assert lexicon_only.classifier is None
    report = lexicon_only.analyze("Nos clients sont des partenaires, on les écoute vraiment.")
    assert all(e.source == "lexicon" for e in report.evidence)
    assert any("lexicon-only" in w for w in report.warnings)


@pytest.mark.parametrize("record", ["hearing", "printed_interview"])
def test_questions_of_a_hearing_or_a_printed_interview_are_not_scored(analyzer, record):
    from tests.io.test_read import HEARING, PRINTED_INTERVIEW

    text = {"hearing": HEARING, "printed_interview": PRINTED_INTERVIEW}[record]
    report = analyzer.analyze(text)
    asked = [s for s in report.speakers if not s.scored]
    assert asked and all(s.role in {"interviewer", "facilitator"} for s in asked)
    scored = " ".join(s.text for s in report.sentences)
    assert "Paul Girard" in report.text and scored
    assert "cibles" not in scored and "démarcheurs" not in scored  # words of the questions only
