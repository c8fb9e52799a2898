"""Assemble: one side per sentence, classifier evidence, and the one index space of the report."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clientlens.assemble import assemble, classifier_evidence
from clientlens.records import Evidence, Sentence


def _evidence(sentence, component, weight, polarity):
    return Evidence(text="x", start=sentence, end=sentence + 1, family=component, polarity=polarity,
                    component=component, lemma=None, weight=weight, counted=True, reason=None,
                    sentence=sentence, speaker=None, source="classifier")


def test_a_sentence_counts_for_one_side_only():
    """The weaker side of a sentence is kept as evidence but no longer counted; ties go adversarial."""
    from clientlens.assemble import OUTWEIGHED, one_side

    evidence = [
        _evidence(0, "respectful_signals", 0.9, "respectful"),   # sentence 0: respect wins
        _evidence(0, "numbers_only", 0.2, "adversarial"),
        _evidence(1, "respectful_signals", 0.5, "respectful"),   # sentence 1: contempt wins
        _evidence(1, "adversarial_vocabulary", 1.5, "adversarial"),
        _evidence(2, "respectful_signals", 0.7, "respectful"),   # sentence 2: one side only
    ]
    out = one_side(evidence)
    assert [e.counted for e in out] == [True, False, False, True, True]
    assert out[1].reason == out[2].reason == OUTWEIGHED
    tie = [_evidence(0, "respectful_signals", 0.8, "respectful"),
           _evidence(0, "negative_anecdotes", 0.8, "adversarial")]
    assert [e.counted for e in one_side(tie)] == [False, True]



SENTENCES = [
    Sentence("Nos clients sont des cibles.", 0, 28, "DG", ("adversarial_framing",), {"adversarial_framing": 0.8}),
    Sentence("Et vous, les clients ?", 29, 51, "Journaliste", (), {}),
    Sentence("On les écoute.", 52, 66, "DG", ("client_respect",), {"client_respect": 0.5}),
]


def test_classifier_evidence_weighs_each_label_by_its_probability():
    out = classifier_evidence(SENTENCES, {"adversarial_framing": 2.0})
    assert [(e.family, e.sentence, e.weight, e.source) for e in out] == [
        ("adversarial_framing", 0, 1.6, "classifier"), ("client_respect", 2, 0.5, "classifier")]


@pytest.mark.parametrize(("scored", "numbers"), [({"DG"}, [0, 1]), ({"DG", "Journaliste"}, [0, 2]), (set(), [])])
def test_evidence_is_numbered_in_the_scored_sentences(scored, numbers):
    """Report.evidence[i].sentence indexes Report.sentences, whoever else spoke in between."""
    out = assemble(SENTENCES, [], scored, {})
    assert [e.sentence for e in out.evidence] == numbers
    assert [s.speaker for s in out.sentences] == [s.speaker for s in SENTENCES if s.speaker in scored]
    for e in out.evidence:
        assert out.sentences[e.sentence].start == e.start


def test_every_speaker_keeps_their_evidence_for_the_summaries():
    out = assemble(SENTENCES, [], {"Journaliste"}, {})
    assert out.evidence == []
    assert sorted(out.by_speaker) == ["DG"] and len(out.by_speaker["DG"]) == 2


def _lexicon(sentence, weight, counted=True, reason=None):
    return Evidence(text="cible", start=sentence, end=sentence + 1, family="hunting", polarity="adversarial",
                    component="adversarial_vocabulary", lemma="cible", weight=weight, counted=counted,
                    reason=reason, sentence=sentence, speaker="DG", source="lexicon")


@pytest.mark.parametrize(("factor", "counted", "weight", "reason"), [
    (1.0, True, 1.2, None),            # lexicon-only analysis, or an index that counts the lexicon
    (0.5, True, 0.6, None),            # scaled
    (0.0, False, 1.2, "feature"),      # read by the classifier only
])
def test_lexicon_evidence_is_weighed_by_the_index_lexicon_weight(factor, counted, weight, reason):
    from clientlens.assemble import weigh_lexicon

    hit, cancelled, sentence = (_lexicon(0, 1.2), _lexicon(1, 1.0, False, "negated: « pas »"),
                                _evidence(0, "adversarial_vocabulary", 0.7, "adversarial"))
    out = weigh_lexicon([hit, cancelled, sentence], factor)
    assert (out[0].counted, out[0].weight, (out[0].reason or "").split(":")[0] or None) == (counted, weight, reason)
    assert out[1] == cancelled, "a hit the context rules cancelled keeps its own reason"
    assert out[2] == sentence, "classifier evidence is never rescaled"


def test_with_lexicon_weight_zero_only_the_classifier_counts_in_assemble():
    out = assemble(SENTENCES, [_lexicon(0, 1.2)], {"DG"}, {}, lexicon_weight=0.0)
    counted = [(e.source, e.family) for e in out.evidence if e.counted]
    assert counted == [("classifier", "adversarial_framing"), ("classifier", "client_respect")]
    assert [e.reason.split(":")[0] for e in out.evidence if e.source == "lexicon"] == ["feature"]


def test_the_callers_own_lexicon_entries_count_in_full():
    from clientlens.assemble import weigh_lexicon

    hit = _lexicon(0, 1.2)
    assert weigh_lexicon([hit], 0.0, frozenset({("cible", "hunting")})) == [hit]
    assert not weigh_lexicon([hit], 0.0, frozenset({("cible", "contempt")}))[0].counted


def _word(sentence, counted, reason):
    return Evidence(text="cible", start=0, end=5, family="hunting", polarity="adversarial",
                    component="adversarial_vocabulary", lemma="cible", weight=1.0 if counted else 0.0,
                    counted=counted, reason=reason, sentence=sentence, speaker=None)


def _label(sentence, family="adversarial_framing"):
    return replace(_evidence(sentence, "adversarial_vocabulary", 0.7, "adversarial"), family=family)


@pytest.mark.parametrize(
    ("words", "vetoed"),
    [
        ([_word(0, False, "negated: « pas »")], True),
        ([_word(0, False, "rejected: « fini le temps »"),
          _word(0, False, "mention: the word is quoted, not used")], True),
        ([_word(0, False, "attributed: « concurrent », a competitor")], True),
        ([_word(0, False, "negated: « pas »"), _word(0, True, None)], False),   # one word kept
        ([_word(0, False, "other sense: idiom « rendre compte »")], False),      # sense, not stance
        ([_word(1, False, "negated: « pas »")], False),                          # another sentence
        ([], False),                                                             # no adversarial word
    ],
)
def test_stance_veto_sets_aside_a_label_whose_words_the_rules_set_aside(words, vetoed):
    from clientlens.assemble import STANCE_VETO, stance_veto

    out = stance_veto([_label(0), _label(0, "negative_anecdote")], words, {"adversarial_framing"})
    assert out[0].counted is not vetoed and (out[0].reason == STANCE_VETO) is vetoed
    assert out[1].counted  # a label not named in the veto counts


def test_no_veto_without_labels():
    from clientlens.assemble import stance_veto

    assert stance_veto([_label(0)], [_word(0, False, "negated: « pas »")], ())[0].counted
