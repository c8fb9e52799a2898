"""Assemble: the evidence of the context rules and of the classifier, each sentence counted for one
side only, then numbered in the one index space readers see.

`Evidence.sentence` is the position of the evidence's sentence in the transcript while the
pipeline collects it; `assemble` renumbers it to the position in `Report.sentences` (the scored
speakers' sentences), and nothing after it sees the first numbering."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
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
    label_weights: Mapping[str, float],
) -> Assembled:
    """Join the rules' and the classifier's evidence, weigh each sentence's sides, keep the
    scored speakers' evidence and number it in their sentences."""
    evidence = one_side([*lexicon_evidence, *classifier_evidence(sentences, label_weights)])
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
