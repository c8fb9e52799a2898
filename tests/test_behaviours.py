"""The four behaviours of customer orientation: signs from kept lexicon hits and cues, the guards
(adversarial side, negation, irony, hypothesis, wishes, other parties, quotation), absence, per
speaker, and the data files."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from clientlens.assemble import FEATURE_ONLY
from clientlens.behaviours import (
    Profile,
    adversarial_sentences,
    fold,
    load_rules,
    profile,
    profiles,
    read_cues,
)
from clientlens.errors import LexiconError
from clientlens.lexicon.entries import default_lexicon_files, load_families, read_entries
from clientlens.records import Evidence, Sentence
from clientlens.report import Report
from clientlens.taxonomy import BEHAVIOURS, FAMILIES

# ---------------------------------------------------------------------------- reports built by hand


def _report(lines: list[tuple[str | None, str]], evidence: list[Evidence] = ()) -> Report:
    """A Report of some sentences (speaker, text), one per line, and the given evidence."""
    text, sentences = "", []
    for speaker, said in lines:
        start = len(text)
        text += said + "\n"
        sentences.append(Sentence(said, start, start + len(said), speaker))
    return Report(index=50.0, interval=(30.0, 70.0), verdict="probe", components={}, evidence=tuple(evidence),
                  sentences=tuple(sentences), speakers=(), warnings=(), provenance={},
                  words=sum(len(s.text.split()) for s in sentences), text=text)


def _hit(report: Report, n: int, words: str, family: str, *, weight: float = 1.0, counted: bool = False,
         reason: str | None = FEATURE_ONLY, polarity: str = "respectful") -> Evidence:
    """A lexicon hit on `words` of sentence `n` (by default: kept by the rules, read by the classifier)."""
    s = report.sentences[n]
    start = s.start + s.text.index(words)
    component = FAMILIES[family].component
    return Evidence(words, start, start + len(words), family, polarity, component, words, weight, counted, reason,
                    n, s.speaker)


def _found(report: Report) -> set[str]:
    return {b for b in BEHAVIOURS if profile(report).present(b)}


def test_fold_keeps_offsets():
    """Folding removes case and accents and keeps every offset."""
    text = "Écoutez l’Usager, ÇA compte."
    assert fold(text) == "ecoutez l'usager, ca compte." and len(fold(text)) == len(text)


# ---------------------------------------------------------------------------- cues, one table per behaviour

POSITIVE = [
    ("understanding_needs", "Avant de lui vendre quoi que ce soit, on est allés voir comment elle utilisait son four."),
    ("understanding_needs", "Je lui demande à quoi va servir la tondeuse, et combien de mètres carrés il a."),
    ("realistic_commitment", "On a arrêté de promettre la livraison en 48 heures, on ne savait pas la garantir."),
    ("realistic_commitment", "Je donne une fourchette de trois à cinq semaines, et je l'explique au client."),
    ("delivering_promises", "La cuisine de M. Roux a été posée le jour prévu, comme promis."),
    ("delivering_promises", "Quand on s'est trompé de carrelage, on l'a remplacé le lendemain gratuitement."),
    ("seeking_feedback", "Chaque semaine, je lis tous les avis des clients et je réponds aux mauvais."),
    ("seeking_feedback", "On appelle chaque client après l'installation pour savoir si tout fonctionne."),
]


@pytest.mark.parametrize(("behaviour", "text"), POSITIVE)
def test_a_cue_shows_its_behaviour(behaviour, text):
    """Each behaviour is found from what is said, without any index evidence."""
    assert behaviour in _found(_report([(None, text)]))


NEGATIVE = [
    ("understanding_needs", "Le besoin en fonds de roulement a baissé de deux millions."),
    ("understanding_needs", "La direction financière a besoin des prévisions avant le 10."),
    ("realistic_commitment", "Nous nous sommes engagés devant nos actionnaires à dégager 12 % de marge."),
    ("realistic_commitment", "On promet tout et on verra bien."),
    ("delivering_promises", "Le fournisseur nous a livré les palettes avec un jour d'avance."),
    ("delivering_promises", "Il a fallu réparer la toiture de l'entrepôt."),
    ("seeking_feedback", "Nos salariés ont répondu à l'enquête interne sur le télétravail."),
    ("seeking_feedback", "Je vous rappelle que les congés sont à poser avant vendredi."),
]


@pytest.mark.parametrize(("behaviour", "text"), NEGATIVE)
def test_near_misses_show_nothing(behaviour, text):
    """Needs of the company, promises to shareholders, goods with no customer, staff surveys."""
    assert _found(_report([(None, text)])) == set()


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("On n'a jamais tenu un délai de livraison, comme promis ou pas.", "negated"),
        ("Nos délais ne sont pas tenus depuis deux ans.", "negated"),
        ("On tient nos délais, à trois mois près.", "irony"),
        ("Le conseiller vous rappellera avant midi, c'est-à-dire jamais.", "irony"),
        ("S'il fallait écouter ce que les gens demandent, on ne ferait plus rien.", "hypothesis"),
        ("Il faudrait qu'on lise les avis des clients.", "wish"),
        ("On pourrait lire tous les avis des clients.", "conditional"),
        ("Ici on ne dit pas « on rappelle avant midi », on le fait.", "quoted"),
    ],
)
def test_negated_ironic_and_hypothetical_uses_do_not_count(text, why):
    """A behaviour denied, mocked, imagined or only wished for is not shown."""
    assert _found(_report([(None, text)])) == set(), why


def test_restraint_is_negation_by_nature():
    """« ne promettre jamais ce qu'on ne peut pas tenir » shows a realistic commitment."""
    found = _found(_report([(None, "Je ne promets jamais une date que je ne peux pas tenir.")]))
    assert found == {"realistic_commitment"}


def test_si_with_the_present_states_a_habit():
    """« si je me suis trompé, je reviens » is a practice, « si on avait… » a hypothesis."""
    habit = "Si je me suis trompé de pièce, je reviens le lendemain sans frais."
    assert "delivering_promises" in _found(_report([(None, habit)]))
    assert _found(_report([(None, "Si on avait rappelé le client dans l'heure, il serait resté.")])) == set()


# ---------------------------------------------------------------------------- lexicon hits and the sides


def test_a_kept_lexicon_hit_shows_its_behaviour():
    """A hit kept by the context rules (counted, or read by the classifier) is a sign; its offsets
    and evidence id are kept."""
    r = _report([(None, "Nous tenons nos engagements.")])
    r = replace(r, evidence=(_hit(r, 0, "tenons nos engagements", "commitment"),))
    r = replace(r, evidence=(replace(r.evidence[0], lemma="tenir notre engagement"),))
    sign = profile(r).signs["delivering_promises"][0]
    assert (sign.source, sign.evidence, r.text[sign.start:sign.end]) == ("lexicon", 0, "tenons nos engagements")


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        ({}, True),
        ({"counted": True, "reason": None}, True),  # lexicon-only mode
        ({"reason": "negated: « ne … pas » before the term"}, False),
        ({"reason": "hypothesis: « si » before the term"}, False),
        ({"reason": "mention: the word is quoted, not used"}, False),
        ({"weight": 0.3}, False),  # a weak cue of the lexicon shows nothing alone
    ],
)
def test_only_kept_lexicon_hits_count(change, shown):
    r = _report([(None, "Nos équipes ont l'écoute client.")])
    hit = replace(_hit(r, 0, "écoute client", "needs"), lemma="écoute client", **change)
    assert profile(replace(r, evidence=(hit,))).present("understanding_needs") is shown


def test_a_family_term_may_be_excepted():
    """« les avis en ligne » is word of mouth as often as feedback sought: no sign alone."""
    r = _report([(None, "Un client mécontent le dit sur les avis en ligne.")])
    hit = replace(_hit(r, 0, "avis en ligne", "feedback", weight=0.5), lemma="avis en ligne")
    assert not profile(replace(r, evidence=(hit,))).present("seeking_feedback")


def test_sentences_on_the_adversarial_side_show_nothing():
    """A sentence that reads as adversarial (counted adversarial evidence) gives no sign."""
    r = _report([(None, "On rappelle chaque client dans l'heure, comme promis, pour lui vendre l'option.")])
    assert profile(r).present("delivering_promises")
    s = r.sentences[0]
    label = Evidence(s.text, s.start, s.end, "adversarial_framing", "adversarial", "adversarial_vocabulary", None,
                     0.8, True, None, 0, None, source="classifier")
    assert adversarial_sentences([label]) == {0}
    assert profile(replace(r, evidence=(label,))).absent == BEHAVIOURS
    assert profile(replace(r, evidence=(replace(label, counted=False),))).present("delivering_promises")


# ---------------------------------------------------------------------------- absence and speakers


def test_absence_is_reported_for_every_behaviour():
    """Nothing found: the four behaviours are absent, and the JSON says so for each."""
    r = _report([("Anne", "Le chiffre d'affaires progresse de 3 %.")])
    (p,) = profiles(r)
    assert p.absent == BEHAVIOURS and not any(p.present(b) for b in BEHAVIOURS)
    data = r.to_dict()["behaviours"]
    assert data == [{"speaker": "Anne", "words": r.words,
                     "profile": {b: {"present": False, "evidence": []} for b in BEHAVIOURS}}]


def test_one_profile_per_speaker_in_order_of_speech():
    r = _report([("Paul", "La marge recule d'un point."), ("Anne", "Je lis tous les avis des clients."),
                 ("Paul", "On a tenu les délais annoncés aux clients.")])
    paul, anne = profiles(r)
    assert (paul.speaker, anne.speaker) == ("Paul", "Anne")
    assert paul.present("delivering_promises") and not paul.present("seeking_feedback")
    assert anne.present("seeking_feedback") and anne.signs["seeking_feedback"][0].speaker == "Anne"
    assert set(profile(r).signs) == set(BEHAVIOURS)  # all the speech as one person (a team member)
    assert profile(r).present("seeking_feedback") and profile(r).present("delivering_promises")
    assert profiles(_report([])) == (Profile(None, 0, {b: () for b in BEHAVIOURS}),)


def test_real_analyses_quote_their_own_text(analyzer):
    """On a real meeting every sign's offsets index the report's text, and its sentence holds it."""
    report = analyzer.analyze_file("examples/codir_rivaud.txt")
    signs = [s for p in report.behaviours() for b in BEHAVIOURS for s in p.signs[b]]
    assert signs
    for s in signs:
        assert report.text[s.start:s.end] == s.term and s.term in s.text
        assert report.sentences[s.sentence].text == s.text
        if s.evidence is not None:
            assert report.evidence[s.evidence].text == s.term


@pytest.mark.parametrize(
    ("text", "behaviour"),
    [
        ("Avant de proposer quoi que ce soit, nous allons voir comment nos clients utilisent leurs machines.",
         "understanding_needs"),
        ("Je préfère annoncer trois semaines au client et les tenir plutôt que de lui promettre dix jours.",
         "realistic_commitment"),
        ("La commande de l'école a été livrée la veille de la rentrée, comme promis.", "delivering_promises"),
        ("Nous mesurons la satisfaction après chaque intervention et nous lisons tous les commentaires.",
         "seeking_feedback"),
    ],
)
def test_each_behaviour_through_the_whole_analysis(analyzer, text, behaviour):
    """The same signs survive the real pipeline (classifier, context rules, one side)."""
    (p,) = analyzer.analyze(text).behaviours()
    assert p.present(behaviour)


def test_ironic_and_negated_uses_through_the_whole_analysis(analyzer):
    for text in ("Ah oui, l'écoute client, c'est notre priorité absolue, à six mois près.",
                 "On ne rappelle jamais les clients qui laissent un message après 17 heures.",
                 "Les enquêtes de satisfaction, on les envoie, mais personne ne les lit."):
        (p,) = analyzer.analyze(text).behaviours()
        assert p.absent == BEHAVIOURS, text


# ---------------------------------------------------------------------------- the data files


def test_every_mapped_term_and_family_exists_in_the_bundled_lexicons():
    rules = load_rules()
    families = load_families()
    entries = {e.term for path in default_lexicon_files() for e in read_entries(path, families)}
    for b in BEHAVIOURS:
        assert rules.families[b] <= set(FAMILIES), b
        assert rules.terms[b] <= entries, sorted(rules.terms[b] - entries)
        assert rules.excepted[b] <= entries, sorted(rules.excepted[b] - entries)


def test_every_behaviour_has_cues_and_every_cue_matches_its_example():
    rules = load_rules()  # read_cues refuses a cue that misses its own example
    assert {c.behaviour for c in rules.cues} == set(BEHAVIOURS)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"behaviour": "kindness", "pattern": "x", "example": "x"}, "unknown behaviour"),
        ({"behaviour": "seeking_feedback", "pattern": "(", "example": "x"}, "bad pattern"),
        ({"behaviour": "seeking_feedback", "pattern": "avis", "example": "x"}, "does not match its own example"),
        ({"behaviour": "seeking_feedback", "pattern": "avis", "example": "avis", "colour": "red"}, "unknown keys"),
        ({"behaviour": "seeking_feedback", "pattern": "avis", "example": "avis", "allow": ["irony"]}, "allowances"),
    ],
)
def test_a_malformed_cue_is_refused_with_its_line(tmp_path, row, message):
    path = tmp_path / "cues.jsonl"
    path.write_text(json.dumps({"behaviour": "seeking_feedback", "pattern": "avis", "example": "les avis"}) + "\n"
                    + json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=message) as caught:
        read_cues(path)
    assert f"{path}:2" in str(caught.value)
