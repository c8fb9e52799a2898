"""Assemble: the evidence of the context rules and of the classifier, each sentence counted for one
side only, then numbered in the one index space readers see.

`Evidence.sentence` is the position of the evidence's sentence in the transcript while the
pipeline collects it; `assemble` renumbers it to the position in `Report.sentences` (the scored
speakers' sentences), and nothing after it sees the first numbering."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from clientlens.records import Evidence, Sentence
from clientlens.taxonomy import (
    COMPONENT_BY_LABEL,
    COMPONENT_BY_NAME,
    Polarity,
)


def one_side(evidence: Sequence[Evidence]) -> list[Evidence]:
    """Each sentence counts for one side only: the weaker side's counted evidence is kept but
    no longer counted (a respectful word next to a stronger adversarial reading of the same
    sentence is no credit, and conversely). Ties go to the adversarial side: respectful words
    must not outweigh deflection said in the same breath.

    The sides are weighed by the evidence weights alone, not by the index's component
    weights, so that what counts does not depend on the parameters fitted from it.
    """
    sides: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for e in evidence:
        if e.counted:
            sides[e.sentence][_is_respectful(e)] += e.weight
    out = []
    for e in evidence:
        adversarial, respectful = sides.get(e.sentence, (0.0, 0.0))
        if e.counted and adversarial > 0 and respectful > 0:
            loses = respectful <= adversarial if _is_respectful(e) else adversarial < respectful
            if loses:
                e = replace(e, counted=False, reason=OUTWEIGHED)
        out.append(e)
    return out


#: Reason of evidence dropped by `one_side`.
OUTWEIGHED = "outweighed: the sentence reads more strongly the other way"

#: Reason of a lexicon hit that the context rules kept, when the index counts only the
#: classifier's sentence labels (`lexicon_weight` 0 in models/index.json).
FEATURE_ONLY = "feature: read by the sentence classifier, whose label of the sentence is what counts"


def weigh_lexicon(
    evidence: Sequence[Evidence], lexicon_weight: float, in_full: frozenset[tuple[str, str]] = frozenset(),
) -> list[Evidence]:
    """Scale the counted lexicon evidence by `lexicon_weight` (models/index.json), except the
    entries of `in_full` ((term, family) pairs: the caller's own lexicon files), which count
    in full: the classifier was trained with the bundled lexicon, and words a user adds are
    signals they asked for.

    With a sentence classifier, the lexicon hits and the context rules' outcomes are features
    of the classifier (classifier/features.py): counting them again in the index counts the
    same words twice. Measured on real-register speech, counting them made the index worse
    (docs/evaluation.md, 2026-12-06), so the bundled index gives them weight 0: they stay in
    the report as the words the classifier read, not counted, with the reason FEATURE_ONLY.
    """
    if lexicon_weight == 1.0:
        return list(evidence)
    out = []
    for e in evidence:
        if e.source == "lexicon" and e.counted and (e.lemma, e.family) not in in_full:
            e = (replace(e, counted=False, reason=FEATURE_ONLY) if lexicon_weight == 0
                 else replace(e, weight=round(e.weight * lexicon_weight, 4)))
        out.append(e)
    return out


#: How the context rules' reasons begin when they set a word aside for the speaker's stance
#: toward it (negated, rejected, quoted, attributed to others, hypothetical), not for its sense.
STANCE_REASONS = ("negated", "rejected", "mention", "quotation", "attributed", "hypothesis")

#: Reason of a classifier label set aside by `stance_veto`.
STANCE_VETO = "set aside: every adversarial word of the sentence is negated, rejected, quoted or someone else's"


def stance_veto(
    classified: Sequence[Evidence], lexicon_evidence: Sequence[Evidence], labels: Collection[str],
) -> list[Evidence]:
    """The classifier's `labels` (models/index.json `stance_veto`) no longer count in a sentence
    whose adversarial lexicon words the context rules all set aside for the speaker's stance,
    none kept: the rules read who says the word and how, the classifier mostly that it is there.

    Measured on `corpus/terms/` (dev half) and the real-register texts (docs/evaluation.md,
    2026-12-07). A sentence with no adversarial word keeps its labels.
    """
    if not labels:
        return list(classified)
    set_aside, kept = set(), set()
    for e in lexicon_evidence:
        if e.polarity == Polarity.ADVERSARIAL.value:
            if e.counted:
                kept.add(e.sentence)
            elif (e.reason or "").startswith(STANCE_REASONS):
                set_aside.add(e.sentence)
    vetoed = set_aside - kept
    return [replace(e, counted=False, reason=STANCE_VETO) if e.counted and e.family in labels and e.sentence in vetoed
            else e for e in classified]


def _is_respectful(e: Evidence) -> int:
    return int(COMPONENT_BY_NAME[e.component].polarity is Polarity.RESPECTFUL)


def classifier_evidence(sentences: Sequence[Sentence], label_weights: Mapping[str, float]) -> list[Evidence]:
    """One Evidence per classifier label of each sentence, weighted by its probability."""
    out = []
    for number, s in enumerate(sentences):
        for label in s.labels:
            spec = COMPONENT_BY_LABEL[label]
            out.append(Evidence(
                text=s.text, start=s.start, end=s.end, family=label,
                polarity=spec.polarity.value, component=spec.name, lemma=None,
                weight=round(label_weights.get(label, 1.0) * s.scores[label], 4),
                counted=True, reason=None, sentence=number, speaker=s.speaker, source="classifier",
                t_start=s.t_start, t_end=s.t_end,
            ))
    return out


@dataclass(frozen=True)
class Assembled:
    """The evidence of a transcript, ready for the index.

    Attributes:
        sentences: the scored speakers' sentences, in transcript order (Report.sentences).
        evidence: their evidence, `sentence` numbered in `sentences`.
        by_speaker: every speaker's evidence, scored or not, for the per-speaker summaries.
    """

    sentences: tuple[Sentence, ...]
    evidence: list[Evidence]
    by_speaker: dict[str | None, list[Evidence]]


def assemble(
    sentences: Sequence[Sentence], lexicon_evidence: Sequence[Evidence], scored: set[str | None],
    label_weights: Mapping[str, float], lexicon_weight: float = 1.0,
    in_full: frozenset[tuple[str, str]] = frozenset(), vetoed_labels: Collection[str] = (),
) -> Assembled:
    """Join the rules' and the classifier's evidence (the lexicon's scaled by `lexicon_weight`,
    see `weigh_lexicon`; the classifier's `vetoed_labels` set aside by `stance_veto`), weigh
    each sentence's sides, keep the scored speakers' evidence and number it in their sentences."""
    classified = stance_veto(classifier_evidence(sentences, label_weights), lexicon_evidence, vetoed_labels)
    evidence = one_side([*weigh_lexicon(lexicon_evidence, lexicon_weight, in_full), *classified])
    keep = [i for i, s in enumerate(sentences) if s.speaker in scored]
    renumber = {old: new for new, old in enumerate(keep)}
    by_speaker: dict[str | None, list[Evidence]] = defaultdict(list)
    for e in evidence:
        by_speaker[sentences[e.sentence].speaker].append(e)
    return Assembled(
        sentences=tuple(sentences[i] for i in keep),
        evidence=[replace(e, sentence=renumber[e.sentence]) for e in evidence if e.sentence in renumber],
        by_speaker=by_speaker,
    )
