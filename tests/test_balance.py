"""Talk balance and humanisation: what words are spent on, and customers as people or in the abstract."""

from __future__ import annotations

import pytest

from clientlens.balance import Balance, Humanisation, humanisation, report_humanisation, talk_balance


@pytest.mark.parametrize(
    ("text", "individual", "abstract"),
    [
        ("Mme Perrin avait demandé un devis pour sa mère.", 1, 0),
        ("Une dame nous a écrit pour nous remercier.", 1, 0),
        ("J'ai rappelé moi-même un monsieur, M. Girard, à Saumur.", 2, 0),
        ("Un client qui attend sept semaines, c'est trop.", 1, 0),
        ("Le client doit signer le jour même.", 0, 1),
        ("La clientèle des seniors est rentable, nos clients paient.", 0, 2),
        ("On fixe les cibles du trimestre.", 0, 1),
        ("Le chiffre d'affaires progresse de 3 %.", 0, 0),
        ("madame la directrice a parlé.", 0, 0),  # no name after the title: not a customer
    ],
)
def test_humanisation_counts_individuals_and_abstractions(text, individual, abstract):
    assert humanisation([text]) == Humanisation(individual, abstract)


def test_balance_arithmetic():
    b = Balance(customers=30, figures=50, other=20) + Balance(other=100)
    assert b.words == 200 and b.share("other") == 0.6 and Balance().share("figures") == 0.0
    assert b.to_dict() == {"customers": 0.15, "figures": 0.25, "other": 0.6, "words": 200}
    assert Humanisation(1, 3).individual_share == 0.25 and Humanisation().individual_share is None


FIGURES = ("Speaker : Le chiffre d'affaires du trimestre est à 14 millions, la marge brute recule d'un point "
           "et le taux de transformation baisse.")
PEOPLE = ("Speaker : Mme Perrin hésitait parce qu'elle ne savait pas si le lit passerait dans l'escalier, "
          "alors la vendeuse a pris le temps de l'écouter et lui a proposé qu'un livreur passe mesurer.")
OTHER = "Speaker : Le bail est signé, les travaux se terminent fin juillet et les entretiens commencent lundi."


@pytest.mark.parametrize(("text", "part"), [(FIGURES, "figures"), (PEOPLE, "customers"), (OTHER, "other")])
def test_each_sentence_goes_to_one_share(analyzer, text, part):
    report = analyzer.analyze(text.replace("Speaker", "Anne Roux"))
    balance = talk_balance(report)
    assert balance.share(part) == 1.0, balance


def test_a_meeting_balance_adds_its_sentences(analyzer):
    report = analyzer.analyze("\n\n".join(t.replace("Speaker", "Anne Roux") for t in (FIGURES, PEOPLE, OTHER)))
    balance = talk_balance(report)
    assert balance.words == sum(len(s.text.split()) for s in report.sentences)
    assert balance.customers and balance.figures and balance.other
    assert report_humanisation(report).individual >= 1


def test_strip_places_signals_in_their_cell():
    from clientlens.balance import Moment, strip

    moments = [Moment(0.0, 1.0, 0), Moment(0.55, -2.0, 1), Moment(0.56, 0.5, 2), Moment(1.0, -1.0, 3)]
    assert strip(moments, 1.0, cells=4) == "+·−−"
    assert strip([], 1.0, cells=3) == "···"


def test_timeline_by_time_for_timed_transcripts_and_by_position_for_plain_text(analyzer):
    from clientlens.balance import timeline

    timed = analyzer.analyze(f"[00:01:00] {PEOPLE.replace('Speaker', 'Anne Roux')}")
    plain = analyzer.analyze(PEOPLE.replace("Speaker", "Anne Roux"))
    basis, moments = timeline(timed)
    assert basis == "time" and moments and all(m.at == 60.0 for m in moments)
    basis, moments = timeline(plain)
    assert basis == "position" and moments and all(0 <= m.at < 1 for m in moments)
    assert all(plain.evidence[m.id].counted for m in moments)
