"""Lexicon files: validation with precise errors, bundled content, matching on lemmas."""

from __future__ import annotations

import json

import pytest

from clientlens.errors import LexiconError
from clientlens.lexicon.entries import load_families, read_entries
from clientlens.lexicon.matcher import load_lexicon
from clientlens.taxonomy import COMPONENT_NAMES

GOOD = {"term": "cible", "family": "hunting", "polarity": "adversarial", "weight": 1.0}


def write(tmp_path, *rows):
    path = tmp_path / "user.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows), "utf-8")
    return path


@pytest.mark.parametrize(
    "row,field",
    [
        ("{not json", "not valid JSON"),
        ({**GOOD, "weight": "lourd"}, "weight"),
        ({**GOOD, "weight": 0}, "weight"),
        ({**GOOD, "family": "chasse"}, "family"),
        ({**GOOD, "polarity": "respectful"}, "polarity"),
        ({**GOOD, "pos": ["NOM"]}, "pos"),
        ({**GOOD, "requires": "anything"}, "requires"),
        ({**GOOD, "colour": "red"}, "unknown field"),
        ({k: v for k, v in GOOD.items() if k != "term"}, "missing field"),
        ({**GOOD, "term": "  "}, "term"),
        ({**GOOD, "exclude": "en fin de compte"}, "exclude"),
    ],
)
def test_malformed_entry_names_file_line_and_field(tmp_path, row, field):
    path = write(tmp_path, GOOD, row)
    with pytest.raises(LexiconError) as err:
        read_entries(path, load_families())
    assert f"{path}:2" in str(err.value)
    assert field in str(err.value)


def test_bundled_lexicon_is_large_and_covers_every_family():
    lexicon = load_lexicon()
    families = {e.family for e in lexicon.entries}
    assert len(lexicon) >= 300
    assert {"conquest", "hunting", "objectification", "pressure", "contempt"} <= families
    assert {f.component for f in lexicon.families.values()} <= set(COMPONENT_NAMES)
    assert families == set(lexicon.families)


def test_bundled_entries_are_unique():
    lexicon = load_lexicon()
    keys = [(e.words, e.pos) for e in lexicon.entries]
    assert len(keys) == len(set(keys))


def test_user_entries_extend_without_mutating_defaults(tmp_path):
    base = len(load_lexicon())
    extended = load_lexicon(extra_entries=[{**GOOD, "term": "gibier à plumes"}])
    assert len(extended) == base + 1
    assert len(load_lexicon()) == base


def test_lexicon_hash_changes_with_content():
    assert load_lexicon().sha256 != load_lexicon(extra_entries=[{**GOOD, "term": "xyz"}]).sha256


@pytest.mark.parametrize(
    "text,term",
    [
        ("Ils conquièrent des parts de marché.", "conquérir"),
        ("Nous avons ciblé les clients fragiles.", "cibler"),
        ("Ces clients, ce sont nos proies.", "proie"),
    ],
)
def test_inflections_match_through_lemmas(analyzer, text, term):
    found = {e.lemma for e in analyzer.analyze(text).evidence}
    assert term in found


def test_matching_is_independent_of_hash_seed(tmp_path):
    """Same text, two processes with different hash seeds: same evidence (set order must not leak)."""
    import os
    import subprocess
    import sys

    code = ("import clientlens, json; r = clientlens.Analyzer(use_classifier=False).analyze("
            "'Nos grands comptes, on les verrouille, et ces pigeons signent sans lire leurs contrats.'); "
            "print(json.dumps([(e.lemma, e.family, e.counted) for e in r.evidence]))")
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize(
    ("sentence", "may"),
    [
        ("Nos grands comptes, on les verrouille avant juin.", True),
        ("Conquérons le marché des artisans !", True),  # an inflection reaches « conquérir »
        ("Il faut une agresivité commerciale plus forte.", True),  # one typo in a long word
        ("On a repeint la salle de pause en vert.", False),
        ("Le stationnement sera gratuit jusqu'en mars.", False),
    ],
)
def test_may_match_says_when_a_sentence_needs_a_parse(analyzer, sentence, may):
    forms = [t.text for t in analyzer.nlp.make_doc(sentence)]
    assert analyzer.lexicon.may_match(forms, analyzer.lemmas) is may


def test_may_match_never_misses_a_hit_on_the_corpus(analyzer):
    """may_match is a superset of match: every corpus sentence with a hit under the full parse
    is flagged (the fast path skips the parse of the others, docs/benchmarks.md)."""
    from clientlens.classifier.training import load_corpus

    texts = [r.text for r in load_corpus()][::3]
    missed = []
    for text, doc in zip(texts, analyzer.nlp.pipe(texts, batch_size=128), strict=True):
        if analyzer.lexicon.match(doc, analyzer.finder.known):
            forms = [t.text for t in doc]
            if not analyzer.lexicon.may_match(forms, analyzer.lemmas):
                missed.append(text)
    assert not missed, missed[:3]


# ----------------------------------------------- slang, regional insults and metaphors (issue 14)


@pytest.fixture(scope="module")
def lexicon_analyzer():
    """Lexicon-only analyzer with the bundled lexicons: these tests check the entries, not the model."""
    from clientlens.pipeline import Analyzer

    return Analyzer(use_classifier=False)


def _hits(analyzer, text, term):
    return [e for e in analyzer.analyze(text).evidence if e.source == "lexicon" and e.lemma == term]


@pytest.mark.parametrize(
    ("text", "term", "family"),
    [
        # contempt: slang, regional (Québec, Belgium, Switzerland), animal comparisons
        ("Franchement, le client est teubé, il a branché la machine sans lire la notice.", "teubé", "contempt"),
        ("Le gogol de la semaine dernière voulait qu'on lui rembourse un grille-pain cassé.", "gogol", "contempt"),
        ("Il y a toujours un glandu pour demander si le pain est frais à 19 h.", "glandu", "contempt"),
        ("Ce client est un gros lourd qui négocie chaque centime.", "gros lourd", "contempt"),
        ("Cette cliente est une tête de linotte, elle oublie sa carte à chaque fois.", "tête de linotte", "contempt"),
        ("Deux pintades sont venues essayer toute la boutique sans rien acheter.", "pintade", "contempt"),
        ("La vieille bique du troisième est revenue se plaindre du prix du lait.", "vieux bique", "contempt"),
        ("Nos clients de la zone industrielle ? Des gratte-sous, tous autant qu'ils sont.", "gratte-sous", "contempt"),
        ("Les clients se comportent en enfants-rois dès qu'on leur dit non.", "enfant - roi", "contempt"),
        ("Le client était un peu niaiseux, on lui a vendu l'extension de garantie deux fois.", "niaiseux", "contempt"),
        ("Ce client, c'est un snul, il a encore perdu son bon de commande.", "snul", "contempt"),
        ("Le client est un bobet, il ne sait même pas ce qu'il a commandé.", "bobet", "contempt"),
        ("Cette bande de veaux attend la promo pour se ruer sur les écrans plats.", "bande de veau", "contempt"),
        ("On les fait entrer comme des bestiaux dès l'ouverture des soldes.", "bestiaux", "contempt"),
        ("La cliente de la suite 12 est une peau de vache avec le personnel.", "peau de vache", "contempt"),
        ("Les retraités, ce sont de bonnes poires, ils signent tout ce qu'on leur tend.", "bon poire", "contempt"),
        ("Encore un client à la con qui veut payer en trois fois sans frais.", "client à le con", "contempt"),
        ("Les clients du samedi sont un peu bas du front, il faut tout leur répéter.", "bas de front", "contempt"),
        ("Au bureau, on se paie la tronche des clients au téléphone.", "payer le tronche", "contempt"),
        # hunting, fishing, capture
        ("Avec les grands comptes, on fait de la pêche au gros : un contrat paie l'année.", "pêche au gros", "hunting"),
        ("Une fois qu'on les a mis dans la nasse avec l'abonnement, ils restent.", "mettre dans le nasse", "hunting"),
        ("Cette offre d'essai gratuite, c'est un piège à cons pour les clients pressés.", "piège à con", "hunting"),
        ("Le crédit gratuit, c'est le miroir aux alouettes pour attirer les ménages.", "miroir à alouette", "hunting"),
        ("Au deuxième rendez-vous, on ferre le poisson avec une remise limitée.", "ferrer le poisson", "hunting"),
        # war and siege
        ("On pilonne les prospects de mails jusqu'à ce qu'ils répondent.", "pilonner", "conquest"),
        ("Les clients sont bombardés de relances dès le lendemain du devis.", "bombarder de relance", "conquest"),
        # milking, fleecing and closing pressure
        ("Chaque été, on tond les clients sans le moindre scrupule.", "tondre", "pressure"),
        ("Ces frais cachés dépouillent les clients les plus fragiles.", "dépouiller", "pressure"),
        ("Les options, c'est pour faire casquer les clients pressés.", "faire casquer", "pressure"),
        ("Avec ces pénalités de retard, on les saigne à blanc.", "saigner à blanc", "pressure"),
        ("Le client hésitait, mais on l'a eu à l'usure.", "avoir à le usure", "pressure"),
        ("Chez nous, aucun client ne repart sans signer, c'est la règle.", "repartir sans signer", "pressure"),
        ("Quand un prospect entre, on ne le laisse pas repartir sans signer.", "pas repartir sans signer", "pressure"),
        ("Nos vendeurs ne les laissent jamais repartir sans signer.", "jamais repartir sans signer", "pressure"),
        ("Le client hésite ? On le rappelle jusqu'à ce qu'il craque.", "jusque à ce que il craque", "pressure"),
        ("Le directeur d'agence, on l'a travaillé au corps pendant trois semaines.", "travailler au corps", "pressure"),
        ("Nos conseillers vendent par la peur : cambriolages, incendies.", "vendre par le peur", "pressure"),
    ],
)
def test_new_slang_and_metaphor_entries_count(lexicon_analyzer, text, term, family):
    hits = _hits(lexicon_analyzer, text, term)
    assert hits, [(e.lemma, e.reason) for e in lexicon_analyzer.analyze(text).evidence]
    assert all(e.family == family for e in hits)
    assert any(e.counted for e in hits), [(e.lemma, e.reason) for e in hits]


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Le samedi matin, je tonds la pelouse avant d'ouvrir la boutique.", "tondre"),
        ("Le jardinier tond le gazon du parc tous les lundis.", "tondre"),
        ("Il faut traire les vaches à la ferme avant sept heures.", "traire"),
        ("Le petit a saigné du nez pendant la réunion de rentrée.", "saigner"),
        ("La crise a saigné à blanc le budget de la commune.", "saigner à blanc"),
        ("Cet été, mon beau-frère m'a emmené faire de la pêche au gros en Bretagne.", "pêche au gros"),
        ("Il faut dépouiller les questionnaires des clients avant vendredi.", "dépouiller"),
        ("Au domaine, on pressure le raisin dès la fin des vendanges.", "pressurer"),
        ("Dans la cuisine, on pilonne l'ail avec un peu de gros sel.", "pilonner"),
        ("Sur chaque table, il y a une cruche à eau et des verres.", "cruche"),
        ("Tant va la cruche à l'eau qu'à la fin elle se casse.", "cruche"),
        ("Le chef propose une pintade rôtie aux morilles pour le menu de Noël.", "pintade"),
        ("Au restaurant, le salmis de bécasse est servi pendant la saison.", "bécasse"),
        ("Le salon a un grand tapis en peau de vache devant la cheminée.", "peau de vache"),
        ("Elle relit Nicolas Gogol pendant sa pause déjeuner.", "gogol"),
        ("La sangsue médicinale est encore utilisée en microchirurgie.", "sangsue"),
        ("Le marché aux bestiaux se tient le mardi sur la place.", "bestiaux"),
        ("Elle a une petite cicatrice en bas du front.", "bas de front"),
        ("Mon fils travaille au corps des sapeurs-pompiers de Paris.", "travailler au corps"),
        ("La chair fraîche du poisson doit rester ferme et brillante.", "chair frais"),
    ],
)
def test_new_entries_stay_uncounted_in_idioms_and_other_senses(lexicon_analyzer, text, term):
    hits = _hits(lexicon_analyzer, text, term)
    assert hits, "the term should be seen, then set aside as another sense"
    assert not any(e.counted for e in hits), [(e.lemma, e.reason) for e in hits]


@pytest.mark.parametrize(
    ("text", "term", "counted"),
    [
        ("La machine, on la vend à prix coûtant, et après on rince le client pendant dix ans.", "rincer", True),
        ("Le client de passage, on le gratte un peu sur les boissons.", "gratter", True),
        ("Les investisseurs étrangers, ce sont des distributeurs de billets.", "distributeur de billet", True),
        ("Un client qui a enregistré sa carte, on l'enferme dans notre écosystème.", "enfermer", True),
        ("Le client hésitait encore, on l'a achevé avec la démo.", "achever", True),
        ("Le petit jeune au guichet, une vraie bille, il a signé sans lire.", "bille", True),
        ("Il faut gratter le mur avant de repeindre la vitrine.", "gratter", False),
        ("Nous avons achevé les travaux du nouveau magasin en mars.", "achever", False),
        ("Les roulements à billes arrivent jeudi de chez le fournisseur.", "bille", False),
        ("On a rincé les verres et fermé la salle à minuit.", "rincer", False),
    ],
)
def test_rip_off_and_lock_in_entries(lexicon_analyzer, text, term, counted):
    """Entries added on 2026-12-07, each with an ordinary sense that must not count."""
    hits = _hits(lexicon_analyzer, text, term)
    if counted:
        assert hits and any(e.counted for e in hits), [(e.lemma, e.reason) for e in hits]
    else:
        assert not any(e.counted for e in hits), [(e.lemma, e.reason) for e in hits]


@pytest.mark.parametrize(
    ("text", "term", "found"),
    [
        ("Les soldes, c'est là qu'on les plume.", "plumer", True),
        ("On les arrose de mails trois fois par semaine.", "arroser", True),
        ("Alors nous, on cible surtout les cadres de quarante ans.", "cibler", True),
        ("Elle écrit encore avec une plume.", "plumer", False),
        ("La cuisine ferme à vingt-deux heures.", "cuisiner", False),
    ],
)
def test_verbs_the_tagger_reads_as_nouns_match_their_infinitive(lexicon_analyzer, text, term, found):
    """After a subject pronoun or an object clitic, « plume » is « plumer »; a noun stays a noun."""
    assert bool(_hits(lexicon_analyzer, text, term)) is found


@pytest.mark.parametrize(
    ("text", "term", "counted"),
    [
        # siege, hunting and capture images aimed at customers
        ("Cette année, on prend d'assaut les clients de la concurrence dans tout l'Ouest.", "prendre de assaut", True),
        ("On a fait un pilonnage téléphonique des prospects pendant tout le mois de mars.", "pilonnage", True),
        ("Avec le contrat d'exclusivité, on a mis ce client à genoux.", "à genou", True),
        ("Notre objectif, c'est de coloniser les clients de l'agence voisine.", "coloniser", True),
        ("On a ratissé tous les prospects du département avec le nouveau fichier.", "ratisser", True),
        ("Je flaire le client solvable dès qu'il passe la porte.", "flairer", True),
        ("Dès qu'un client entre, on fond sur lui avec le catalogue.", "fondre sur", True),
        ("Ce prospect-là, il est dans notre collimateur depuis l'été.", "collimateur", True),
        # pressure, fleecing and objectification
        ("Les clients indécis, on les accule avec une offre valable une heure.", "acculer", True),
        ("On leur soutire des frais de dossier à chaque avenant, aux clients.", "soutirer", True),
        ("Franchement, on a bien entourloupé le client sur les options.", "entourlouper", True),
        ("On vampirise nos clients avec les abonnements cachés.", "vampiriser", True),
        ("Nos clients, on les parque dans la salle d'attente du fond.", "parquer", True),
        ("On fait poireauter les clients qui n'ont pas rendez-vous, ça les calme.", "faire poireauter", True),
        # insults, regional ones included
        ("Le client du samedi, c'est un pignouf qui ne dit jamais bonjour.", "pignouf", True),
        ("Encore un klet qui n'a pas lu son contrat.", "klet", True),
        # the same words in their ordinary senses, or aimed at something else
        ("Dès huit heures, les rayons ont été pris d'assaut par les familles.", "prendre de assaut", False),
        ("Le jardinier ratisse les feuilles devant le magasin tous les matins.", "ratisser", False),
        ("Le chien a flairé la piste du lapin dans le bois.", "flairer", False),
        ("La neige fond sur les trottoirs dès que le soleil se lève.", "fondre sur", False),
        ("L'entreprise est dans le collimateur de la justice depuis l'audit.", "collimateur", False),
        ("La hausse des matières premières a acculé notre fournisseur à la faillite.", "acculer", False),
        ("Le vigneron soutire le vin en janvier, les clients viendront en mars.", "soutirer", False),
        ("On a parqué la voiture de livraison derrière l'entrepôt.", "parquer", False),
        ("Le médecin a ponctionné le genou du joueur avant le match.", "ponctionner", False),
        ("Il a écorché mon nom trois fois pendant la réunion.", "écorcher", False),
    ],
)
def test_siege_capture_fleecing_and_insult_entries(lexicon_analyzer, text, term, counted):
    """Entries added after the held-out half of corpus/terms was measured (docs/evaluation.md):
    each counts aimed at customers and is seen, then set aside, in an ordinary sense."""
    hits = _hits(lexicon_analyzer, text, term)
    assert hits, [(e.lemma, e.reason) for e in lexicon_analyzer.analyze(text).evidence]
    assert any(e.counted for e in hits) is counted, [(e.lemma, e.reason) for e in hits]
