"""Each context rule, with cases where it must fire and cases where it must not."""

from __future__ import annotations

import pytest


def hits(analyzer, text):
    report = analyzer.analyze(text)
    return {(e.lemma, e.counted, e.reason.split(":")[0] if e.reason else None) for e in report.evidence
            if e.source == "lexicon"}


def only_hit(analyzer, text, term):
    found = [e for e in analyzer.analyze(text).evidence if e.lemma == term]
    assert len(found) == 1, f"expected one hit of {term!r} in {text!r}, got {found}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "term", "reason"),
    [
        ("Nos clients ne sont pas des cibles.", "cible", "negated"),
        ("On ne parle jamais de conquête ici.", "conquête", "negated"),
        ("Je ne pense pas qu'il faille attaquer les clients.", "attaquer", "negated"),
        ("On peut vendre sans verrouiller le client.", "verrouiller", "negated"),
        ("C'est pas des proies, c'est des gens.", "proie", "negated"),
        ("Chez nous il n'y a aucune cible, il y a des personnes.", "cible", "negated"),
    ],
)
def test_negation_cancels_the_hit(rules_analyzer, text, term, reason):
    """A negated adversarial word is shown but does not count."""
    hit = only_hit(rules_analyzer, text, term)
    assert not hit.counted
    assert hit.reason.startswith(reason)


@pytest.mark.parametrize(
    "text,term",
    [
        ("N'hésitez pas à relancer les clients tous les jours.", "relancer"),
        ("On ne fait que chasser les clients, toute la journée.", "chasser"),
        ("Nos clients sont des proies faciles.", "proie"),
    ],
)
def test_negation_does_not_fire_on_affirmations(rules_analyzer, text, term):
    """« ne … que » and « n'hésitez pas à » affirm the act: the hit counts."""
    hit = only_hit(rules_analyzer, text, term)
    assert hit.counted, hit.reason


@pytest.mark.parametrize(
    "text,term",
    [
        ("Si on les regardait comme des proies, ce serait fini.", "proie"),
        ("Imaginons qu'on veuille attaquer les clients, ce serait absurde.", "attaquer"),
        ("Au cas où quelqu'un parlerait de cible, reprenez-le.", "cible"),
    ],
)
def test_hypothesis_cancels_the_hit(rules_analyzer, text, term):
    hit = only_hit(rules_analyzer, text, term)
    assert not hit.counted
    assert hit.reason.startswith("hypothesis")


def test_hypothesis_does_not_fire_on_concession_or_degree(rules_analyzer):
    """« même si » concedes a fact; « si » before an adjective is a degree."""
    hit = only_hit(rules_analyzer, "Même si ça choque, nos clients sont des proies.", "proie")
    assert hit.counted


@pytest.mark.parametrize(
    "text,term,reason",
    [
        ("On a banni le mot « cible ».", "cible", "mention"),
        ("Je déteste quand on dit conquête.", "conquête", "mention"),
        ("Le terme de conquête me hérisse.", "conquête", "mention"),
        ('Le mot "proie" est interdit ici.', "proie", "mention"),
        ("Mon ancien patron répétait : « les clients sont des pigeons à plumer ».", "pigeon", "quotation"),
    ],
)
def test_mention_and_quotation_cancel_the_hit(rules_analyzer, text, term, reason):
    hit = only_hit(rules_analyzer, text, term)
    assert not hit.counted
    assert hit.reason.startswith(reason)


def test_own_quoted_words_still_count(rules_analyzer):
    """A leader quoting himself (« je leur dis : … ») owns the words."""
    hit = only_hit(rules_analyzer, "Je leur dis toujours : « les clients sont des proies, allez-y ».", "proie")
    assert hit.counted


def test_reported_speech_is_down_weighted(rules_analyzer):
    hit = only_hit(rules_analyzer, "Mon prédécesseur disait qu'il fallait attaquer les clients.", "attaquer")
    assert hit.counted and 0 < hit.weight < 1.0
    assert "reported speech" in hit.reason


def test_own_statement_is_not_reported_speech(rules_analyzer):
    hit = only_hit(rules_analyzer, "Je dis qu'il faut attaquer les clients.", "attaquer")
    assert hit.counted and hit.weight == 1.0


@pytest.mark.parametrize(
    "text,term",
    [
        ("Je me suis rendu compte que c'était faux.", "compte"),
        ("En fin de compte, on verra bien.", "compte"),
        ("Il faut tenir compte de leur avis.", "compte"),
        ("Le compte rendu de la réunion est en ligne.", "compte"),
        ("Je compte sur vous pour lundi.", "compte"),
        ("La conquête spatiale me passionne.", "conquête"),
        ("La cible de température est de vingt degrés.", "cible"),
    ],
)
def test_other_senses_and_idioms_do_not_count(rules_analyzer, text, term):
    hit = only_hit(rules_analyzer, text, term)
    assert not hit.counted
    assert hit.reason.startswith("other sense")


@pytest.mark.parametrize(
    "text,term",
    [
        ("On doit gérer chaque compte comme un stock à écouler.", "compte"),
        ("La cible, ce sont les retraités aisés.", "cible"),
        ("La conquête de nouveaux clients passe avant tout.", "conquête"),
    ],
)
def test_adversarial_senses_count(rules_analyzer, text, term):
    assert only_hit(rules_analyzer, text, term).counted


@pytest.mark.parametrize(
    "text,counted",
    [
        ("Il faut attaquer les clients dès lundi.", True),
        ("On va verrouiller ces comptes avant l'été.", True),
        ("On chasse les clients dès qu'ils entrent.", True),
        ("Il faut attaquer le dossier dès lundi.", False),
        ("On a verrouillé la porte du local.", False),
        ("Il faut chasser l'air des canalisations.", False),
    ],
)
def test_customer_object_constraint(rules_analyzer, text, counted):
    """Verbs such as « attaquer » count only when aimed at customers or accounts."""
    hit = next(e for e in rules_analyzer.analyze(text).evidence if e.source == "lexicon")
    assert hit.counted is counted, hit.reason


def test_multiword_expressions_match_on_lemmas(rules_analyzer):
    """« faisait signer » is « faire signer »; « agressivité commerciale » is one hit."""
    report = rules_analyzer.analyze("On les faisait signer vite, c'était de l'agressivité commerciale.")
    terms = {e.lemma for e in report.evidence if e.counted}
    assert {"faire signer", "agressivité commerciale"} <= terms


def test_echo_of_the_interviewer_weighs_less(rules_analyzer):
    text = ("Intervieweuse : Quelles sont vos cibles ?\n"
            "Marc Lefèvre (DG) : Nos cibles, ce sont les PME.\n"
            "Intervieweuse : Et ensuite ?\n"
            "Marc Lefèvre (DG) : Ensuite on regarde la cible des artisans.")
    report = rules_analyzer.analyze(text, speaker="Marc Lefèvre")
    weights = [e.weight for e in report.evidence if e.lemma == "cible"]
    assert weights[0] < 1.0  # echoes the question
    assert "echoes" in report.evidence[0].reason


def test_word_brought_by_the_leader_is_not_an_echo(rules_analyzer):
    text = ("Intervieweuse : Parlez-nous de vos clients.\n"
            "Marc Lefèvre (DG) : Nos cibles, ce sont les PME.")
    report = rules_analyzer.analyze(text, speaker="Marc Lefèvre")
    assert [e.weight for e in report.evidence if e.lemma == "cible"] == [1.0]


def test_negation_inside_the_term_is_not_a_negation(tmp_path):
    """« jamais content » is a villain cue; its own « jamais » does not cancel it."""
    import json

    from clientlens.lexicon.matcher import load_lexicon
    from clientlens.pipeline import Analyzer

    path = tmp_path / "lex.jsonl"
    path.write_text(json.dumps({"term": "jamais content", "family": "villainy",
                                "polarity": "adversarial", "weight": 1.0}) + "\n", "utf-8")
    analyzer = Analyzer(lexicon=load_lexicon(extra_files=[path], include_defaults=False),
                        use_classifier=False)
    hit = only_hit(analyzer, "Ce client est jamais content, quoi qu'on fasse.", "jamais content")
    assert hit.counted, hit.reason


@pytest.mark.parametrize(
    "text,term",
    [
        ("Il faut plus d'agressivité\u00a0commerciale.", "agressivité commerciale"),
        ("Nos ci\u200bbles, ce sont les retraités aisés.", "cible"),
        ("La con\u00adquête de nouveaux clients passe avant tout.", "conquête"),
        ("LA CONQUETE DE NOUVEAUX CLIENTS PASSE AVANT TOUT.", "conquête"),
        ("Il faut plus d'agressivite commerciale.", "agressivité commerciale"),
    ],
    ids=["nbsp", "zero-width", "soft-hyphen", "upper-no-accent", "no-accent"],
)
def test_invisible_characters_and_missing_accents_do_not_hide_terms(rules_analyzer, text, term):
    report = rules_analyzer.analyze(text)
    hit = next(e for e in report.evidence if e.lemma == term)
    assert hit.counted
    assert report.text[hit.start : hit.end] == hit.text


@pytest.mark.parametrize("text", ["Il a une cible\u00a0de température à tenir.", "Le com\u00adpte rendu est prêt."])
def test_invisible_characters_do_not_create_false_hits(rules_analyzer, text):
    assert not any(e.counted for e in rules_analyzer.analyze(text).evidence)


@pytest.mark.parametrize(
    "text,term",
    [
        ("Il faut plus d'agresivité commerciale.", "agressivité commerciale"),
        ("Il faut plus d'agressivitée commerciale.", "agressivité commerciale"),
    ],
)
def test_one_typo_in_a_long_word_is_caught(rules_analyzer, text, term):
    assert any(e.lemma == term and e.counted for e in rules_analyzer.analyze(text).evidence)


@pytest.mark.parametrize(
    "text",
    ["Il faut adresser le courrier au ministre.", "La couverture du gentiment humide chauffeur.",
     "On commence par la détention des pièces."],
)
def test_real_words_are_never_taken_for_typos(analyzer, text):
    """« adresser » is one edit from « agresser », « ministre » from « sinistre »: known lemmas stay."""
    lexicon_hits = [e for e in analyzer.analyze(text).evidence if e.source == "lexicon"]
    assert all(e.text.casefold().startswith(e.lemma.split()[0][:4].casefold()) for e in lexicon_hits), lexicon_hits
    assert not {e.lemma for e in lexicon_hits} & {"agresser", "sinistre", "commerce", "rétention"}


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("La vente forcée, c'est terminé chez nous.", "vente forcer"),
        ("Fini le temps où l'on voulait conquérir le client à tout prix.", "conquérir"),
        ("J'ai horreur de cette logique de chasse aux clients.", "chasse"),
        ("Arrêtons de parler de conquête quand on parle de nos clients.", "conquête"),
        ("Le matraquage des prospects, ça appartient au passé.", "matraquage"),
    ],
)
def test_rejection_cancels_the_hit(rules_analyzer, text, term):
    """A practice the speaker rejects, with no plain « ne … pas », does not count."""
    hit = only_hit(rules_analyzer, text, term)
    assert not hit.counted and hit.reason.startswith("rejected"), hit.reason


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("On va conquérir tous les clients du secteur cette année.", "conquérir"),
        ("La chasse aux prospects, c'est ce que je préfère dans le métier.", "chasse"),
        ("Je déteste ces clients qui mentent sur leurs sinistres.", "mentir"),
    ],
)
def test_rejection_does_not_fire_on_endorsement_or_on_customers_described(rules_analyzer, text, term):
    """An endorsed practice counts; an aversion to customers themselves is no rejection of a practice."""
    hit = only_hit(rules_analyzer, text, term)
    assert hit.counted, hit.reason


@pytest.mark.parametrize(
    ("text", "term", "counted"),
    [
        ("Quand un patron parle de ses clients comme de cibles, fuyez.", "cible", False),
        ("Certains vendeurs plument les clients sans scrupule, hélas.", "plumer", False),
        ("Méfiez-vous des managers qui traquent les prospects au téléphone.", "traquer", False),
        ("Certains dirigeants considèrent leurs clients comme des cibles.", "cible", False),
        ("Notre concurrent traquait les prospects avec des offres opaques.", "traquer", False),
        ("Mon ancien associé traquait les prospects au téléphone.", "traquer", False),
    ],
)
def test_attribution_to_others(rules_analyzer, text, term, counted):
    """Other people's practice (generic, third-party, a competitor, a former partner) is not the
    speaker's stance: cancelled (`attribution.factor` is 0)."""
    hit = only_hit(rules_analyzer, text, term)
    assert hit.counted is counted and hit.reason.startswith(("attributed", "down-weighted: attributed")), hit.reason
    assert hit.weight < hit_weight_in_full(rules_analyzer, term)


@pytest.mark.parametrize(
    "text",
    ["Nos vendeurs chassent les prospects tous les jours.", "Nos commerciaux chassent les prospects au téléphone."],
)
def test_own_side_is_not_attributed(rules_analyzer, text):
    """The speaker's own staff: their practice is the company's."""
    hit = only_hit(rules_analyzer, text, "chasser")
    assert hit.counted, hit.reason


def hit_weight_in_full(analyzer, term):
    return max(e.weight for e in analyzer.lexicon.entries if e.term == term)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Nous chassons les clients tous les jours et on adore ça.", "chasser"),
        ("Nos commerciaux plument les clients pressés, c'est le jeu.", "plumer"),
        ("Ils mentent tout le temps sur les dégâts.", "mentir"),
    ],
)
def test_own_voice_and_customer_villains_are_not_attributed(rules_analyzer, text, term):
    hit = only_hit(rules_analyzer, text, term)
    assert hit.counted and not (hit.reason or "").startswith(("attributed", "down-weighted: attributed")), hit.reason


@pytest.mark.parametrize(
    "text",
    [
        "Nous sommes une entreprise qui chasse les prospects, et on l'assume.",
        "Mon métier ressemble à celui d'un soldat qui veut conquérir chaque client.",
    ],
)
def test_a_predicate_or_a_comparison_is_not_attributed_to_others(rules_analyzer, text):
    """The speaker describing his own company or job is his own voice."""
    hits = [e for e in rules_analyzer.analyze(text).evidence if e.source == "lexicon"]
    assert hits and all(not (e.reason or "").startswith(("attributed", "down-weighted: attributed")) for e in hits)


@pytest.mark.parametrize(
    ("text", "term", "counted"),
    [
        ("La bataille contre les coûts continue.", "bataille", False),
        ("Nous avons mis la pression sur nos fournisseurs de cloud.", "mettre le pression", False),
        ("On a lancé une offensive sur les prospects du sud.", "offensive", True),
        ("On a lancé une offensive sur les clients des concurrents.", "offensive", True),
    ],
)
def test_other_objects(rules_analyzer, text, term, counted):
    """War and pressure words aimed at costs or suppliers are not about customers; a customer
    among the word's arguments keeps the hit."""
    hit = only_hit(rules_analyzer, text, term)
    assert hit.counted is counted, hit.reason


@pytest.mark.parametrize(
    ("text", "term", "counted"),
    [
        ("Chez nous, aucun vendeur n'est payé pour fourguer des options.", "fourguer", False),
        ("Aucun client n'est un boulet pour moi.", "boulet", False),
        ("On n'est pas là pour fourguer des options.", "fourguer", False),
        ("Il n'y a pas de petits clients chez nous.", "petit client", False),
        ("On ne lâche jamais un gros compte.", "gros compte", True),
        ("Chez nous, aucun client ne repart sans signer, c'est la règle.", "repartir sans signer", True),
    ],
)
def test_negation_reaches_quantifiers_and_infinitives_not_names(rules_analyzer, text, term, counted):
    """« aucun … ne » and a negated verb over an infinitive cancel; a negated verb over a noun
    that names customers (« un gros compte ») does not cancel the naming."""
    hit = only_hit(rules_analyzer, text, term)
    assert hit.counted is counted, hit.reason


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("Je préfère perdre une vente que de forcer la main à un client.", False),
        ("Je préfère forcer la main aux clients, sinon ils hésitent.", True),
    ],
)
def test_preference_rejects_what_follows_que(rules_analyzer, text, counted):
    hit = only_hit(rules_analyzer, text, "forcer le main")
    assert hit.counted is counted, hit.reason


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("Nos « pigeons », comme on les appelle, reviennent chaque mardi.", True),
        ("Le mot « pigeon » est insultant.", False),
        ("Dans notre métier, on appelle « pigeon » un client naïf.", False),
    ],
)
def test_a_quoted_word_the_speaker_names_customers_with_counts(rules_analyzer, text, counted):
    hit = only_hit(rules_analyzer, text, "pigeon")
    assert hit.counted is counted, hit.reason


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("Il faut verrouiller Transalp avant la fin du contrat.", True),   # a firm may be a customer: halved
        ("Il faut verrouiller le dossier avant la fin du mois.", False),  # a thing: another sense
    ],
)
def test_a_proper_noun_object_is_down_weighted_not_dropped(rules_analyzer, text, counted):
    hit = only_hit(rules_analyzer, text, "verrouiller")
    assert hit.counted is counted, hit.reason
    if counted:
        assert 0 < hit.weight < 1.0 and hit.reason.startswith("down-weighted: aimed at")


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("Quand un patient me dit merci, c'est moi qui ai envie de le remercier.", True),  # pronoun object
        ("Il faut remercier le fournisseur pour sa rapidité.", False),
    ],
)
def test_a_respectful_verb_counts_when_aimed_at_customers(rules_analyzer, text, counted):
    """`customer_object` applies to respectful entries too: thanking a supplier is not customer care."""
    hit = only_hit(rules_analyzer, text, "remercier")
    assert hit.counted is counted, hit.reason


@pytest.mark.parametrize(
    ("text", "term", "counted"),
    [
        ("Mon pire ennemi, c'est la fatigue de seize heures.", "ennemi", False),
        ("La bataille des créneaux à l'aéroport est féroce.", "bataille", False),
        ("Le moteur chauffe au bout de vingt kilomètres.", "chauffer", False),
        ("Pour nous, le client, c'est l'ennemi.", "ennemi", True),
        ("Le samedi, c'est la chasse : chaque vendeuse repère qui est prête à acheter.", "chasse", True),
        ("On les chauffe au téléphone pendant une semaine.", "chauffer", True),
    ],
)
def test_words_of_other_trades_count_only_in_a_sentence_about_customers(rules_analyzer, text, term, counted):
    """`customer_in_sentence` entries, and `customer_object` verbs with no object, need a
    customer noun, a sales word or an object pronoun somewhere in the sentence."""
    hit = only_hit(rules_analyzer, text, term)
    assert hit.counted is counted, hit.reason


@pytest.mark.parametrize(
    ("text", "term", "counted"),
    [
        ("Le matraquage d'e-mails, nous y avons renoncé.", "matraquage", False),
        ("On a abandonné le mitraillage d'appels.", "mitraillage", False),
        ("J'ai fait deux ans de porte-à-porte à matraquer des retraités. J'ai arrêté, je dormais plus.",
         "matraquer", False),
        ("On matraque les retraités au téléphone et on n'a jamais abandonné.", "matraquer", True),
        ("On matraque les retraités au téléphone. Bon, on arrête là pour aujourd'hui.", "matraquer", True),
        ("Nous avons abandonné les salons pour matraquer les retraités au téléphone.", "matraquer", True),
        ("On a supprimé les remises et on matraque les prospects au téléphone.", "matraquer", True),
    ],
)
def test_a_practice_given_up_is_rejected(rules_analyzer, text, term, counted):
    """A verb of giving up with the speaker as subject, after the practice or over it, or a
    next sentence that opens by giving it up (`rejection.frames_next`); not a negated one, not
    a meeting's « on arrête là », not a practice that comes after the verb outside its object."""
    hit = only_hit(rules_analyzer, text, term)
    assert hit.counted is counted, hit.reason


@pytest.mark.parametrize(
    ("text", "term", "counted"),
    [
        ("Méfiez-vous des plombiers qui font du démarchage par téléphone.", "démarchage", False),
        ("Le couple de tout à l'heure, des vraies quiches, ils ont payé le double.", "quiche", True),
    ],
)
def test_any_generic_noun_can_be_someone_else(rules_analyzer, text, term, counted):
    """« des plombiers » needs no list to be other people; a noun next to the hit describes it."""
    hit = only_hit(rules_analyzer, text, term)
    assert hit.counted is counted, hit.reason
