"""The four behaviours of customer orientation: per speaker, the evidence found for each, or its absence.

A profile, not an index component: it reads a finished Report and moves no index point. The
four behaviours (`taxonomy.BEHAVIOURS`, docs/annotation.md) are (1) understanding the real need,
(2) committing only to what can be delivered, (3) delivering what was promised, (4) measuring
satisfaction and seeking feedback. Their evidence - *signs* - comes from two places, both data
(src/clientlens/lang/<code>/):

- **lexicon**: a respectful lexicon hit the context rules kept (counted, or kept as a feature of
  the classifier: not negated, hypothetical, quoted, rejected, attributed or another sense), of
  weight `min_weight` or more, whose family or term `behaviours.json` maps to a behaviour;
- **cues**: the patterns of `behaviour_cues.jsonl`, matched on the sentence folded to lower case
  without accents.

A sign counts only in a sentence that is not on the adversarial side (no counted adversarial
evidence: the classifier's and the lexicon's reading, after the one-side rule), that is not
ironic, hypothetical (« s'il fallait… ») or a wish (« il faudrait… »), and that does not speak
of other parties alone (shareholders, suppliers, staff, with no customer named). A cue also
fails in a clause with a conditional verb or, unless the cue allows it, a negation before it:
restraint (« on ne promet jamais une date qu'on ne peut pas tenir ») is negation by nature.
A behaviour with no sign is *absent*: the views say so, because the absence is information.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientlens.assemble import FEATURE_ONLY
from clientlens.errors import LexiconError
from clientlens.lang import language
from clientlens.lexicon.entries import jsonl_rows
from clientlens.resources import lang_file
from clientlens.taxonomy import BEHAVIOURS, Polarity

if TYPE_CHECKING:
    from clientlens.records import Evidence, Sentence
    from clientlens.report import Report

#: The keys a cue of behaviour_cues.jsonl may have (`behaviour`, `pattern` and `example` required).
CUE_KEYS = frozenset({"behaviour", "pattern", "with", "unless", "allow", "example", "note"})
#: What a cue may allow: a negation in its clause (`negation`), a negation inside the words it matched
#: (`negation_within`: « les gens veulent pas… » is what was learnt), a conditional verb in its clause.
ALLOWANCES = frozenset({"negation", "negation_within", "conditional"})


@dataclass(frozen=True)
class Sign:
    """One piece of evidence of a behaviour.

    Attributes:
        sentence: index into the report's `sentences`.
        text: that sentence, whole.
        term: the words that showed the behaviour.
        start, end: offsets of `term` in the report's text.
        source: "lexicon" (a lexicon hit; `evidence` indexes the report's evidence) or "cue".
        speaker: the sentence's speaker label.
    """

    sentence: int
    text: str
    term: str
    start: int
    end: int
    source: str
    speaker: str | None = None
    evidence: int | None = None
    t_start: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The sign's JSON object (docs/schema.md, « behaviours »)."""
        return {"sentence": self.sentence, "text": self.text, "term": self.term, "start": self.start,
                "end": self.end, "source": self.source, "evidence_id": self.evidence, "t_start": self.t_start}


@dataclass(frozen=True)
class Profile:
    """The four behaviours of one speaker (or of a team member's merged labels).

    Attributes:
        speaker: the speaker label, None for unlabelled text or a member's whole report.
        words: the words the profile read.
        signs: behaviour -> its signs, one per sentence, in text order (empty: absent).
    """

    speaker: str | None
    words: int
    signs: dict[str, tuple[Sign, ...]] = field(default_factory=dict)

    def present(self, behaviour: str) -> bool:
        """Whether at least one sign of `behaviour` was found."""
        return bool(self.signs.get(behaviour))

    @property
    def absent(self) -> tuple[str, ...]:
        """The behaviours with no sign, in taxonomy order."""
        return tuple(b for b in BEHAVIOURS if not self.present(b))

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """{behaviour: {present, evidence: [sign, ...]}} for the four behaviours, in taxonomy order."""
        return {b: {"present": self.present(b), "evidence": [s.to_dict() for s in self.signs.get(b, ())]}
                for b in BEHAVIOURS}


# ---------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class Cue:
    """One pattern of behaviour_cues.jsonl, compiled on folded text."""

    behaviour: str
    pattern: re.Pattern[str]
    with_: tuple[re.Pattern[str], ...] = ()
    unless: tuple[re.Pattern[str], ...] = ()
    allow: frozenset[str] = frozenset()
    example: str = ""


@dataclass(frozen=True)
class Rules:
    """What the profile reads from behaviours.json, behaviour_cues.jsonl and the context words."""

    min_weight: float
    families: dict[str, frozenset[str]]  # behaviour -> lexicon families
    terms: dict[str, frozenset[str]]  # behaviour -> lexicon terms
    excepted: dict[str, frozenset[str]]  # behaviour -> terms of its families that do not show it
    cues: tuple[Cue, ...]
    any_cue: re.Pattern[str]  # every cue's pattern in one: most sentences match none (one search, not 67)
    customers: re.Pattern[str]
    others: re.Pattern[str]
    negation: frozenset[str]
    needs_ne: frozenset[str]
    ne: frozenset[str]
    conditional_endings: tuple[str, ...]
    not_verbs: frozenset[str]
    wishes: re.Pattern[str]
    imperfect_endings: tuple[str, ...]
    si_within: int
    hypothesis_phrases: re.Pattern[str]
    irony: re.Pattern[str]
    clause_breaks: re.Pattern[str]
    quote_pairs: tuple[tuple[str, str], ...]


def fold(text: str) -> str:
    """`text` in lower case without accents, plain apostrophes, *of the same length* (offsets hold).

    Example:
        >>> fold("Écoutez l’Usager")
        "ecoutez l'usager"
    """
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)[:1] or ch
        lower = base.lower()
        out.append(lower if len(lower) == 1 else base)
    return "".join(out).translate(_APOSTROPHES)


_APOSTROPHES = str.maketrans("’‘ʼ`´", "'''''")


def _strip_accents(pattern: str) -> str:
    """A pattern as written (lower case, accents allowed) in the folded form it is matched on."""
    return "".join(unicodedata.normalize("NFKD", ch)[:1] or ch for ch in pattern).translate(_APOSTROPHES)


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(_strip_accents(pattern))
    except re.error as exc:
        raise LexiconError(f"{where}: bad pattern {pattern!r}: {exc}") from None


def _any(patterns: Iterable[str], where: str, words: bool = True) -> re.Pattern[str]:
    joined = "|".join(f"(?:{p})" for p in patterns) or r"(?!x)x"
    return _compile(rf"\b(?:{joined})\b" if words else joined, where)


def read_cues(path: Path) -> tuple[Cue, ...]:
    """The cues of a behaviour_cues.jsonl file, validated.

    Raises:
        LexiconError: a malformed line, an unknown key, behaviour or allowance, a bad pattern,
            or a cue that does not match its own example (the message names file and line).
    """
    cues = []
    for where, row in jsonl_rows(path):
        if not isinstance(row, dict):
            raise LexiconError(f"{where}: a cue is a JSON object")
        unknown = set(row) - CUE_KEYS
        missing = {"behaviour", "pattern", "example"} - set(row)
        if unknown or missing:
            raise LexiconError(f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
        if row["behaviour"] not in BEHAVIOURS:
            raise LexiconError(f"{where}: unknown behaviour {row['behaviour']!r}; choose from {', '.join(BEHAVIOURS)}")
        allow = frozenset(row.get("allow") or ())
        if allow - ALLOWANCES:
            raise LexiconError(f"{where}: unknown allowances {sorted(allow - ALLOWANCES)}")
        cue = Cue(row["behaviour"], _compile(row["pattern"], where),
                  tuple(_compile(p, where) for p in row.get("with") or ()),
                  tuple(_compile(p, where) for p in row.get("unless") or ()), allow, row["example"])
        if not _cue_matches(cue, fold(cue.example)):
            raise LexiconError(f"{where}: the cue does not match its own example {row['example']!r}")
        cues.append(cue)
    return tuple(cues)


def _cue_matches(cue: Cue, folded: str) -> list[re.Match[str]]:
    """The matches of a cue's pattern in a folded sentence, when its `with` and `unless` agree."""
    found = list(cue.pattern.finditer(folded))
    if not found or not all(p.search(folded) for p in cue.with_) or any(p.search(folded) for p in cue.unless):
        return []
    return found


@cache
def load_rules(code: str = "fr") -> Rules:
    """The profile's data for a language (read once per process).

    Raises:
        LexiconError: a file is missing or malformed.
    """
    pack = language(code)
    data = pack.data("behaviours")
    where = str(lang_file(code, "behaviours.json"))
    context = pack.rules("context")["negation"]
    lexicon = data["lexicon"]
    if set(lexicon) != set(BEHAVIOURS):
        raise LexiconError(f"{where}: `lexicon` must map exactly the behaviours {', '.join(BEHAVIOURS)}")
    cond, hyp = data["conditional"], data["hypothesis"]
    cues = read_cues(lang_file(code, "behaviour_cues.jsonl"))
    return Rules(
        min_weight=float(data["min_weight"]),
        families={b: frozenset(lexicon[b]["families"]) for b in BEHAVIOURS},
        terms={b: frozenset(lexicon[b]["terms"]) for b in BEHAVIOURS},
        excepted={b: frozenset(lexicon[b].get("except", ())) for b in BEHAVIOURS},
        cues=cues,
        any_cue=re.compile("|".join(f"(?:{c.pattern.pattern})" for c in cues) or r"(?!x)x"),
        customers=_any(data["customers"], where),
        others=_any(data["other_parties"], where),
        negation=frozenset(fold(w) for w in [*context["strong"], *context["with_ne_only"],
                                             *(p for p in context["prepositions"] if " " not in p)]),
        needs_ne=frozenset(fold(w) for w in [*data["negation"]["needs_ne"], *context["with_ne_only"]]),
        ne=frozenset(fold(w).rstrip("'") for w in context["particle"]),
        conditional_endings=tuple(cond["endings"]),
        not_verbs=frozenset(cond["not_verbs"]),
        wishes=_any(cond["wishes"], where),
        imperfect_endings=tuple(hyp["imperfect_endings"]),
        si_within=int(hyp["within"]),
        hypothesis_phrases=_any(hyp["phrases"], where),
        irony=_any(data["irony"], where, words=False),
        clause_breaks=_compile(data["clause_breaks"], where),
        quote_pairs=tuple((a, b) for a, b in pack.rules("context")["mention"]["quote_pairs"]),
    )


# ---------------------------------------------------------------------------- the guards

_WORD = re.compile(r"\w+")


def _words(folded: str, start: int = 0, end: int | None = None) -> list[str]:
    return _WORD.findall(folded, start, len(folded) if end is None else end)


def _clause(rules: Rules, folded: str, at: int) -> tuple[int, int]:
    """(start, end) of the clause of `folded` holding offset `at`."""
    start, end = 0, len(folded)
    for m in rules.clause_breaks.finditer(folded):
        if m.end() <= at:
            start = m.end()
        elif m.start() > at:
            end = m.start()
            break
    return start, end


def _negated(rules: Rules, words: list[str]) -> bool:
    """A negation among `words` (« plus » and « personne » only after « ne »)."""
    seen_ne = False
    for w in words:
        if w in rules.ne:
            seen_ne = True
        elif w in rules.needs_ne:
            if seen_ne:
                return True
        elif w in rules.negation:
            return True
    return False


def _conditional(rules: Rules, words: list[str]) -> bool:
    """A verb in the conditional mood among `words`."""
    return any(len(w) > 5 and w.endswith(rules.conditional_endings) and w not in rules.not_verbs for w in words)


def _hypothetical(rules: Rules, folded: str) -> bool:
    """« si » with an imperfect or pluperfect verb soon after, or a hypothesis phrase."""
    if rules.hypothesis_phrases.search(folded):
        return True
    words = _words(folded)
    for i, w in enumerate(words):
        is_si = w == "si" or (w == "s" and i + 1 < len(words) and words[i + 1] in ("il", "ils"))
        if is_si and any(len(v) > 4 and v.endswith(rules.imperfect_endings) and v not in rules.not_verbs
                         for v in words[i + 1 : i + 1 + rules.si_within]):
            return True
    return False


def sentence_blocked(rules: Rules, folded: str) -> str | None:
    """Why no sign counts in a (folded) sentence, or None: "irony", "hypothesis", "wish" or
    "other parties" (others named, no customer)."""
    if rules.irony.search(folded):
        return "irony"
    if _hypothetical(rules, folded):
        return "hypothesis"
    if rules.wishes.search(folded):
        return "wish"
    if rules.others.search(folded) and not rules.customers.search(folded):
        return "other parties"
    return None


#: Words after a sign still in the scope of its negation: spoken French drops « ne » and puts
#: « pas » after the verb (« on le tient pas »).
NEGATION_AFTER = 2


def _after(folded: str, end: int, limit: int, n: int) -> int:
    """The offset `n` words after `end`, at most `limit`."""
    for i, m in enumerate(_WORD.finditer(folded, end, limit)):
        if i == n - 1:
            return m.end()
    return limit


def _quoted(rules: Rules, folded: str, at: int) -> bool:
    """Whether offset `at` lies between a pair of quotation marks (« … », "…")."""
    for opening, closing in rules.quote_pairs:
        i = folded.find(opening)
        while 0 <= i < at:
            j = folded.find(closing, i + len(opening))
            if j < 0:
                break
            if at < j:
                return True
            i = folded.find(opening, j + len(closing))
    return False


def span_blocked(rules: Rules, folded: str, start: int, end: int, allow: Collection[str] = (),
                 cue: bool = True) -> str | None:
    """Why a sign at [start, end) of a folded sentence does not count, or None: "conditional"
    (a conditional verb in its clause); for a cue also "quoted" (it starts between quotation
    marks: words mentioned, not a practice) and "negated" (a negation in its clause before its
    end or in the NEGATION_AFTER words after it). Lexicon hits were judged on both already."""
    if cue and _quoted(rules, folded, start):
        return "quoted"
    c_start, c_end = _clause(rules, folded, start)
    if "conditional" not in allow and _conditional(rules, _words(folded, c_start, c_end)):
        return "conditional"
    scope_end = start if "negation_within" in allow else _after(folded, end, c_end, NEGATION_AFTER)
    if cue and "negation" not in allow and _negated(rules, _words(folded, c_start, scope_end)):
        return "negated"
    return None


# ---------------------------------------------------------------------------- the profile


def _kept(e: Evidence) -> bool:
    """A lexicon hit the context rules kept (counted, or kept as a feature of the classifier)."""
    return e.counted or e.reason == FEATURE_ONLY


def adversarial_sentences(evidence: Iterable[Evidence]) -> set[int]:
    """The sentences with counted adversarial evidence: after the one-side rule, the sentences
    that read as adversarial."""
    return {e.sentence for e in evidence if e.counted and e.polarity == Polarity.ADVERSARIAL.value}


def _lexicon_behaviours(rules: Rules, e: Evidence) -> list[str]:
    return [b for b in BEHAVIOURS if e.lemma in rules.terms[b]
            or (e.family in rules.families[b] and e.lemma not in rules.excepted[b])]


def sentence_signs(report: Report, rules: Rules | None = None, sentences: Collection[int] | None = None,
                   ) -> dict[str, dict[int, Sign]]:
    """behaviour -> {sentence index: its first sign} over the report's sentences (all, or those
    of `sentences`)."""
    rules = rules or load_rules()
    wanted = set(range(len(report.sentences)) if sentences is None else sentences)
    adversarial = adversarial_sentences(report.evidence)
    candidates: dict[int, list[tuple[str, Sign]]] = {}
    for i, e in enumerate(report.evidence):
        if (e.source == "lexicon" and e.polarity == Polarity.RESPECTFUL.value and _kept(e)
                and e.weight >= rules.min_weight - 1e-9 and e.sentence in wanted):
            s = report.sentences[e.sentence]
            sign = Sign(e.sentence, s.text, e.text, e.start, e.end, "lexicon", s.speaker, i, e.t_start)
            candidates.setdefault(e.sentence, []).extend((b, sign) for b in _lexicon_behaviours(rules, e))
    out: dict[str, dict[int, Sign]] = {b: {} for b in BEHAVIOURS}
    for n in sorted(wanted):
        if n in adversarial:
            continue
        s = report.sentences[n]
        folded = fold(s.text)
        if sentence_blocked(rules, folded):
            continue
        found = [*((b, sign, (), False) for b, sign in candidates.get(n, ())), *_cue_signs(rules, n, s, folded)]
        for b, sign, allow, is_cue in sorted(found, key=lambda x: (x[1].start, x[3])):
            local = sign.start - s.start
            if n in out[b] or span_blocked(rules, folded, local, local + len(sign.term), allow, cue=is_cue):
                continue
            out[b][n] = sign
    return out


def _cue_signs(rules: Rules, n: int, s: Sentence, folded: str) -> list[tuple[str, Sign, frozenset[str], bool]]:
    out: list[tuple[str, Sign, frozenset[str], bool]] = []
    if not rules.any_cue.search(folded):
        return out
    for cue in rules.cues:
        for m in _cue_matches(cue, folded):
            a, z = m.span()
            if z <= a:
                continue
            sign = Sign(n, s.text, s.text[a:z], s.start + a, s.start + z, "cue", s.speaker, None, s.t_start)
            out.append((cue.behaviour, sign, cue.allow, True))
    return out


def profile(report: Report, speakers: Collection[str | None] | None = None, words: int | None = None) -> Profile:
    """The profile of the report's sentences said by `speakers` (None: every sentence, as one
    person: a team member whose labels were merged)."""
    chosen = [i for i, s in enumerate(report.sentences) if speakers is None or s.speaker in speakers]
    found = sentence_signs(report, sentences=chosen)
    speaker = next(iter(speakers)) if speakers is not None and len(speakers) == 1 else None
    if words is None:
        by_name = {x.name: x.words for x in report.speakers}
        words = report.words if speakers is None or not any(w in by_name for w in speakers) else sum(
            by_name.get(w, 0) for w in speakers)
    return Profile(speaker, words, {b: tuple(found[b][n] for n in sorted(found[b])) for b in BEHAVIOURS})


def profiles(report: Report) -> tuple[Profile, ...]:
    """One profile per speaker of the report's (scored) sentences, in order of first speech;
    a single profile with speaker None for unlabelled text."""
    order: list[str | None] = []
    for s in report.sentences:
        if s.speaker not in order:
            order.append(s.speaker)
    if not order:
        return (profile(report),)
    return tuple(profile(report, [who]) for who in order)
