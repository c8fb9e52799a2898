"""Context rules: decide whether a lexicon hit counts, is down-weighted, or is only visible.

Each rule reads the sentence around a hit (dependency parse and nearby tokens) and returns a
`RuleOutcome` with a factor (0 = not counted, 0 < f < 1 = down-weighted) and a reason, after
the ConText/NegEx idea of cue + scope (medspaCy, EDS-NLP), adapted to French clause syntax.
Cue words live in lexicons/rules/context.json.

The Doc a rule reads is one sentence of the segmentation (text/units.py), or one corpus
sentence: rules read the whole Doc, not the parser's `Token.sent`, which the small model often
ends too early (at a quotation mark, after « Personne »)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span, Token

from clientlens.context.words import ContextWords, load_context_words
from clientlens.lang import language
from clientlens.lexicon.entries import LexiconEntry
from clientlens.lexicon.matcher import Match, after_verb_clitics, match_words, pos_fits, token_keys
from clientlens.text.nlp import fold

#: Dependencies that open a new clause: negation or hypothesis does not climb past them.
CLAUSE_BOUNDARIES = frozenset({"advcl", "acl:relcl", "acl", "parataxis", "conj", "ROOT"})


#: Down-weighting factors (docs/index.md explains the choice).
REPORTED_FACTOR = 0.5


NO_OBJECT_FACTOR = 0.5

#: Reason of a hit cancelled because nothing in its sentence names customers (customer_object
#: with no object, customer_in_sentence); the template `no_customer_in_sentence` of report.json.
NO_CUSTOMER_REASON = "other sense: nothing in the sentence names customers"


@dataclass(frozen=True)
class RuleOutcome:
    """What a context rule decided for one hit."""

    rule: str
    factor: float
    reason: str


Rule = Callable[[Doc, Match, ContextWords], RuleOutcome | None]


def evaluate(doc: Doc, match: Match, lists: ContextWords | None = None) -> list[RuleOutcome]:
    """Run every context rule on a hit; an empty list means the hit counts in full."""
    lists = lists or load_context_words()
    return [o for rule in RULES if (o := rule(doc, match, lists)) is not None]


def combine(outcomes: list[RuleOutcome]) -> tuple[float, str | None]:
    """Overall factor and reason: the first cancelling rule wins, down-weights multiply."""
    for o in outcomes:
        if o.factor == 0:
            return 0.0, o.reason
    factor = 1.0
    for o in outcomes:
        factor *= o.factor
    reason = "; ".join(o.reason for o in outcomes) or None
    return factor, reason


def _head_token(doc: Doc, match: Match) -> Token:
    """The syntactic head of the matched tokens."""
    span = doc[match.start : match.end]
    return span.root


def _clause_chain(token: Token, through_infinitives: bool = False) -> Iterator[Token]:
    """The token, then its ancestors up to (and including) the head of its clause; with
    `through_infinitives`, an infinitive clause is followed on to the word that governs it
    (« pas payé pour fourguer », « pas du genre à matraquer »)."""
    node = token
    while True:
        yield node
        if node.head.i == node.i:
            return
        if node.dep_ in CLAUSE_BOUNDARIES and not (through_infinitives and _infinitive_clause(node)):
            return
        node = node.head


def _folded_lemma(token: Token) -> str:
    return token_keys(token)[0]


def _either_key(token: Token, words: frozenset[str]) -> bool:
    """Whether the token's folded lemma or folded form is one of `words`."""
    return any(key in words for key in token_keys(token))


def _has_phrase_before(doc: Doc, index: int, phrases: tuple[tuple[str, ...], ...], window: int) -> str | None:
    return _first_phrase([token_keys(t) for t in doc[max(0, index - window) : index]], phrases)


def _first_phrase(keys: list[tuple[str, str]], phrases: tuple[tuple[str, ...], ...]) -> str | None:
    """The first of `phrases` found in the token keys, tried only where its first word is."""
    by_first = _by_first_word(phrases)
    for i, (lemma, form) in enumerate(keys):
        for _, phrase in sorted({*by_first.get(lemma, ()), *by_first.get(form, ())}):  # in `phrases` order
            if match_words(keys, i, phrase):
                return " ".join(phrase)
    return None


@cache
def _by_first_word(phrases: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[int, tuple[str, ...]], ...]]:
    out: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for order, phrase in enumerate(phrases):
        out.setdefault(phrase[0], []).append((order, phrase))
    return {k: tuple(v) for k, v in out.items()}


def _excerpt(tokens: Span | list[Token]) -> str:
    return " ".join(t.text for t in tokens)


def other_sense(doc: Doc, match: Match, lists: ContextWords) -> RuleOutcome | None:
    """Idioms and other senses: « en fin de compte », « compte rendu », wrong part of speech."""
    entry = match.entry
    head = doc[match.start]
    if not pos_fits(entry, head):
        expected = "/".join(sorted(entry.pos or ()))
        return RuleOutcome("other_sense", 0.0, f"other sense: « {head.text} » is {head.pos_}, not {expected}")
    idiom = _exclusion_at(doc, match, entry)
    if idiom:
        return RuleOutcome("other_sense", 0.0, f"other sense: idiom « {idiom} »")
    return None


def _exclusion_at(doc: Doc, match: Match, entry: LexiconEntry) -> str | None:
    for words in entry.exclude:
        lo = max(0, match.start - len(words) + 1)
        hi = min(len(doc), match.end + len(words))
        keys = [token_keys(t) for t in doc[lo:hi]]
        for i in range(len(keys)):
            end = match_words(keys, i, words)
            if end and lo + i < match.end and lo + end > match.start:
                return _excerpt(doc[lo + i : lo + end])
    return None


def customer_object(doc: Doc, match: Match, lists: ContextWords) -> RuleOutcome | None:
    """Verbs such as « cibler », « attaquer » count only when aimed at customers."""
    if match.entry.requires != "customer_object":
        return None
    head = _head_token(doc, match)
    if _clitic_before(doc, match, lists):
        return None  # « on les débusque un par un »: the parse may miss the clitic object
    deps = {"obj", "nsubj:pass", "iobj", "obl:arg"} if head.pos_ in {"VERB", "AUX"} else {"nmod"}
    args = [c for c in head.children if c.dep_ in deps]
    if not args:
        if not _names_customers(doc, match, lists):  # « le moteur chauffe », « on s'est fait attaquer par un virus »
            return RuleOutcome("customer_object", 0.0, NO_CUSTOMER_REASON)
        return RuleOutcome("customer_object", NO_OBJECT_FACTOR, "down-weighted: no customer named as its object")
    for arg in args:
        if _refers_to_customer(arg, lists):
            return None
    if any(arg.pos_ == "PROPN" for arg in args):  # a firm may be a customer (« verrouiller Delmarco »)
        return RuleOutcome("customer_object", NO_OBJECT_FACTOR, f"down-weighted: aimed at « {args[0].text} »")
    return RuleOutcome("customer_object", 0.0, f"other sense: aimed at « {args[0].text} », not at customers")


#: Dependencies of the words a war, hunting or pressure word is aimed at.
_AIMED_AT = frozenset({"obj", "obl", "obl:arg", "obl:mod", "nmod", "iobj", "nsubj:pass", "acl", "advcl"})


def other_object(doc: Doc, match: Match, lists: ContextWords) -> RuleOutcome | None:
    """« l'offensive tarifaire sur les prix », « la guerre pour recruter », « mettre la pression
    sur nos fournisseurs »: aimed at competitors, costs, suppliers or hiring, not customers.
    A customer among the same word's arguments keeps the hit."""
    if match.entry.family not in lists.other_object_families:
        return None
    head = _head_token(doc, match)
    args = [c for c in head.children if c.dep_ in _AIMED_AT and c.i not in range(match.start, match.end)]
    if any(_refers_to_customer(a, lists) for a in args if a.dep_ not in {"acl", "advcl"}):
        return None
    for arg in args:
        if _either_key(arg, lists.other_objects):
            return RuleOutcome("other_object", 0.0, f"other sense: aimed at « {arg.text} », not at customers")
    return None


def customer_in_sentence(doc: Doc, match: Match, lists: ContextWords) -> RuleOutcome | None:
    """Words with common senses outside selling (« bataille », « chasse », « offensive »,
    « ennemi ») count only in a sentence about customers or selling: a customer noun, an object
    pronoun (« on les chasse ») or a sales word (« le samedi, c'est la chasse : qui est prêt à
    acheter ? »). « La bataille des créneaux », « mon pire ennemi, c'est la fatigue », « la
    chasse aux bons développeurs » are about something else."""
    if match.entry.requires != "customer_in_sentence" or _names_customers(doc, match, lists):
        return None
    return RuleOutcome("customer_in_sentence", 0.0, NO_CUSTOMER_REASON)


def _names_customers(doc: Doc, match: Match, lists: ContextWords) -> bool:
    """Whether the sentence, outside the hit, has a customer noun, a sales word or an object
    pronoun."""
    for token in doc:
        if match.start <= token.i < match.end:
            continue
        if {_folded_lemma(token), fold(token.text)} & (lists.customer | lists.sales_words):
            return True
        if token.pos_ == "PRON" and token.dep_ in {"obj", "iobj"} and _either_key(token, lists.customer_pronouns):
            return True
    return _clitic_before(doc, match, lists)


def _clitic_before(doc: Doc, match: Match, lists: ContextWords) -> bool:
    """An object pronoun right before the hit's verb (« on les chasse », « je la relance »)."""
    before = doc[match.start - 1] if match.start > 0 else None
    if before is None or fold(before.text) not in lists.customer_pronouns:
        return False
    # a determiner-tagged « les » before a verb, or after a subject pronoun (« on les arrose »,
    # where the tagger took the verb for a noun), is the verb's object clitic
    return before.pos_ == "PRON" or doc[match.start].pos_ in {"VERB", "AUX"} or after_verb_clitics(doc, match.start)


def _refers_to_customer(arg: Token, lists: ContextWords) -> bool:
    """A customer noun near the argument, a customer pronoun (« noyez-le »), or the antecedent
    of a relative pronoun (« un fichier client qu'on exploite à fond »)."""
    if arg.pos_ == "PRON":
        if fold(arg.text).lstrip("-") in lists.customer_pronouns or _either_key(arg, lists.customer_pronouns):
            return True
        clause = arg.head
        return (clause.dep_ == "acl:relcl" and clause.head.i != clause.i and clause.head.pos_ in {"NOUN", "PROPN"}
                and _refers_to_customer(clause.head, lists))
    nearby = [t for t in arg.subtree if abs(t.i - arg.i) <= 4]
    return any(_folded_lemma(t) in lists.customer for t in nearby)


def quotation(doc: Doc, match: Match, lists: ContextWords) -> RuleOutcome | None:
    """Words in quotation marks: a short quote is a mention, a long one someone else's speech."""
    region = _quoted_region(doc, match, lists)
    if region is None:
        return None
    first, last = region
    if last - first - 1 <= lists.max_mention_tokens:
        if _own_usage(doc, match, lists):
            return None  # « nos "pigeons", comme on les appelle »: the speaker's own word for them
        return RuleOutcome("mention", 0.0, "mention: the word is quoted, not used")
    if _own_voice_intro(doc, first, lists):
        return None
    return RuleOutcome("quotation", 0.0, "quotation: someone else's words in quotation marks")


def _quoted_region(doc: Doc, match: Match, lists: ContextWords) -> tuple[int, int] | None:
    """Token indices of the quotation marks enclosing the hit within its sentence."""
    for opening, closing in lists.quote_pairs:
        open_at: int | None = None
        for tok in doc:
            text = tok.text
            if open_at is None and text == opening:
                open_at = tok.i
            elif open_at is not None and text == closing:
                if open_at < match.start and tok.i >= match.end:
                    return open_at, tok.i
                open_at = None
    return None


def _own_voice_intro(doc: Doc, quote_start: int, lists: ContextWords) -> bool:
    """« je leur dis : "..." »: the speaker quotes himself, so the words are his.

    Read from the word sequence, not the parse: the small model often misparses the
    colon-and-quote construction.
    """
    before = list(doc[:quote_start])
    verbs = lists.reporting_verbs | lists.speech
    for i, tok in enumerate(before):
        if fold(tok.text) in lists.own_voice:
            following = before[i + 1 : i + 4]
            if any(_folded_lemma(t) in verbs for t in following):
                return True
    return False


def _own_usage(doc: Doc, match: Match, lists: ContextWords) -> bool:
    """« comme on dit en interne », « on les appelle les "boulets" »: the speaker names customers
    with the quoted word (a definition, « on appelle "compte clé" un client qui… », is not)."""
    if _first_phrase([token_keys(t) for t in doc], lists.own_usage):
        return True
    tokens = list(doc)
    for i, tok in enumerate(tokens):
        if fold(tok.text) in lists.own_voice:
            following = tokens[i + 1 : i + 4]
            pronoun = any(t.pos_ == "PRON" and _either_key(t, lists.customer_pronouns) for t in following)
            if pronoun and any(_folded_lemma(t) in lists.naming_verbs for t in following):
                return True
    return False


def mention(doc: Doc, match: Match, lists: ContextWords) -> RuleOutcome | None:
    """« le mot cible », « quand on dit conquête »: the word is talked about, not used."""
    start = match.start
    for tok in doc[max(0, start - 3) : start]:
        if _folded_lemma(tok) in lists.metalinguistic:
            return RuleOutcome("mention", 0.0, f"mention: « {tok.text} {doc[start:match.end].text} »")
    head = _head_token(doc, match)
    governor = head.head
    bare = not any(c.dep_ == "det" for c in head.children)
    verb = _folded_lemma(governor)
    if governor.i != head.i and bare and head.dep_ in {"obj", "obl:arg", "obl", "xcomp"}:
        sentence_lemmas = {_folded_lemma(t) for t in doc}
        if verb in lists.speech_direct or (verb in lists.speech and sentence_lemmas & lists.aversion):
            return RuleOutcome("mention", 0.0, f"mention: « {governor.text} … {head.text} »")
    return None


def negation(doc: Doc, match: Match, lists: ContextWords) -> RuleOutcome | None:
    """« nos clients ne sont pas des cibles », « on ne parle jamais de conquête », « sans »,
    « aucun vendeur n'est payé pour fourguer », « on n'est pas là pour forcer la main ».

    The cue is searched up the hit's clause, and through an infinitive clause to the verb that
    governs it. A noun that names customers (`referring_families`: « un gros compte ») is
    cancelled only when it is negated as a predicate (« ne sont pas des cibles », « traiter
    de », « comme »): « on ne lâche jamais un gros compte » still calls customers accounts.
    """
    inside = range(match.start, match.end)  # « jamais content » carries its own negation
    head = _head_token(doc, match)
    naming = match.entry.family in lists.referring_families and head.pos_ in {"NOUN", "PROPN"} \
        and not _predicative(head, lists)
    for node in _clause_chain(head, through_infinitives=True):
        cue = _negation_cue(node, lists, inside)
        if cue:
            if _folded_lemma(node) in lists.inverting_verbs and node.i != match.start:
                return None  # « n'hésitez pas à les relancer » asks for the act
            if naming and node.i != head.i:
                return None
            return RuleOutcome("negation", 0.0, f"negated: « {cue} »")
    own_negation = bool(set(match.entry.words) & language().negating_words)  # « repartir sans signer »
    quantifier = None if naming or own_negation else _negative_quantifier_before(doc, match, lists)
    if quantifier:
        return RuleOutcome("negation", 0.0, f"negated: « {quantifier} … ne »")
    prep = None if match.entry.words[0] in language().negating_words else _has_phrase_before(
        doc, match.start, lists.negating_preps, window=5)
    if prep:
        return RuleOutcome("negation", 0.0, f"negated: « {prep} »")
    return None


def _infinitive_clause(node: Token) -> bool:
    return node.dep_ in {"advcl", "acl", "xcomp"} and "Inf" in node.morph.get("VerbForm")


def _predicative(noun: Token, lists: ContextWords) -> bool:
    """The noun says what customers are or are treated as, rather than naming them: the
    attribute of a copula, « comme des proies », « traiter de radin »."""
    if _is_predicate(noun) or noun.dep_ == "xcomp":
        return True
    head = noun.head
    if _folded_lemma(head) == "avoir" and any(fold(c.text) == "y" for c in head.children):
        return True  # « il n'y a pas de petits clients »
    cases = {fold(c.text) for c in noun.children if c.dep_ in {"case", "mark"}}
    treating = {_folded_lemma(head), _folded_lemma(head.head)} & lists.predicate_verbs
    return "comme" in cases or bool(cases & {"de", "pour"} and treating)


def _negative_quantifier_before(doc: Doc, match: Match, lists: ContextWords) -> str | None:
    """« aucun vendeur n'est payé pour… », « personne ici ne… »: a negative quantifier and its
    « ne » before the hit, in the same stretch of the sentence (punctuation starts another;
    read from the words, as the small model often ends a sentence at « Personne »)."""
    quantifier = None
    for tok in doc[max(0, match.start - 12) : match.start]:
        text = fold(tok.text)
        if tok.is_punct and text in {",", ";", ":", ".", "!", "?", "…"}:
            quantifier = None
        elif text in lists.negative_quantifiers and not (tok.i > 0 and doc[tok.i - 1].pos_ == "DET"):
            quantifier = tok.text
        elif quantifier and text in lists.ne:
            return quantifier
    return None


def _negation_cue(node: Token, lists: ContextWords, inside: range) -> str | None:
    children = [c for c in node.children if c.i not in inside]
    lemmas = {_folded_lemma(c) for c in children} | {fold(c.text) for c in children}
    strong = lemmas & lists.negation
    if strong:
        return sorted(strong)[0]
    if lemmas & lists.negation_with_ne and lemmas & lists.ne:
        return "ne … plus"
    for c in children:
        if c.dep_ in {"case", "mark"} and fold(c.text) == "sans":
            return "sans"
    return None


def hypothesis(doc: Doc, match: Match, lists: ContextWords) -> RuleOutcome | None:
    """« si on les regardait comme des proies, ce serait fini »: a hypothesis, not a practice."""
    for node in _clause_chain(_head_token(doc, match)):
        for c in node.children:
            if c.dep_ == "mark" and fold(c.text) in lists.hypothesis_marks and not _preceded_by(doc, c.i, "meme"):
                return RuleOutcome("hypothesis", 0.0, f"hypothesis: « {c.text} … »")
        complement = node.dep_ in {"ccomp", "obj", "xcomp"}
        if node.head.i != node.i and complement and _folded_lemma(node.head) in lists.hypothesis_verbs:
            return RuleOutcome("hypothesis", 0.0, f"hypothesis: « {node.head.text} … »")
    expr = _has_phrase_before(doc, match.start, lists.hypothesis_exprs, window=8)
    if expr:
        return RuleOutcome("hypothesis", 0.0, f"hypothesis: « {expr} »")
    return None


def _preceded_by(doc: Doc, i: int, word: str) -> bool:
    return i > 0 and fold(doc[i - 1].text) == word


def reported_speech(doc: Doc, match: Match, lists: ContextWords) -> RuleOutcome | None:
    """« mon prédécesseur disait qu'il fallait les chasser »: someone else's view, down-weighted."""
    node = _head_token(doc, match)
    while node.head.i != node.i:
        if node.dep_ == "ccomp" and _folded_lemma(node.head) in lists.reporting_verbs:
            subjects = [c for c in node.head.children if c.dep_.startswith("nsubj")]
            if subjects and not any(fold(s.text) in lists.own_voice for s in subjects):
                who = _excerpt(list(subjects[0].subtree))
                return RuleOutcome("reported", REPORTED_FACTOR, f"down-weighted: reported speech of « {who} »")
            return None
        node = node.head
    return None


def rejection(doc: Doc, match: Match, lists: ContextWords) -> RuleOutcome | None:
    """« la vente forcée, c'est terminé chez nous », « fini le temps où on les chassait »,
    « j'ai horreur de cette logique de chasse »: the speaker rejects the practice.

    Five frames, in the hit's sentence: a rejecting phrase before the hit (« arrêtons de »,
    « fini le temps »), one after it (« c'est fini », « appartient au passé »), a preference
    (« je préfère … que de »), a verb of giving up with the speaker as subject (`_renounced`),
    or an aversion word that governs the hit (« détester », « horreur », « refuser »); the
    speaker's next sentence is read by `rejection_next`. Words that describe
    customers (contempt, villainy) are not practices and are left to the other rules.
    """
    if match.entry.family in lists.rejection_skip:
        return None
    before = _has_phrase_before(doc, match.start, lists.rejection_before, window=10)
    if before:
        return RuleOutcome("rejection", 0.0, f"rejected: « {before} »")
    after = _first_phrase([token_keys(t) for t in doc[match.end :]], lists.rejection_after)
    if after:
        return RuleOutcome("rejection", 0.0, f"rejected: « {after} »")
    preferred = _preference_before(doc, match, lists)
    if preferred:
        return RuleOutcome("rejection", 0.0, f"rejected: « {preferred} … que »")
    given_up = _renounced(doc, match, lists)
    if given_up:
        return RuleOutcome("rejection", 0.0, f"rejected: « {given_up} »")
    node = _head_token(doc, match)
    while node.head.i != node.i:
        node = node.head
        if _either_key(node, lists.rejection_heads):
            return RuleOutcome("rejection", 0.0, f"rejected: « {node.text} … »")
    return None


#: How far into the speaker's next sentence a rejection is looked for (rejection_next).
NEXT_SENTENCE_WINDOW = 8


def rejection_next(following: Sequence[str], match: Match, lists: ContextWords) -> RuleOutcome | None:
    """« J'ai fait deux ans de porte-à-porte à matraquer des retraités. J'ai arrêté. »: the
    speaker's next sentence opens by giving the practice up or condemning it. `following` holds
    the words of that sentence (unit.content); the frames (rejection.frames_next) are phrases
    that open a sentence, not the in-sentence ones, some of which close a meeting (« on
    arrête là »)."""
    if match.entry.family in lists.rejection_skip or not following:
        return None
    keys = [(fold(w), fold(w)) for w in following[:NEXT_SENTENCE_WINDOW]]
    frame = _first_phrase(keys, lists.rejection_next)
    return RuleOutcome("rejection", 0.0, f"rejected: « {frame} »") if frame else None


def _renounced(doc: Doc, match: Match, lists: ContextWords) -> str | None:
    """« le matraquage d'e-mails, nous y avons renoncé », « une pratique que nous avons
    abandonnée », « on a abandonné le mitraillage d'appels »: a verb of giving up whose subject
    is the speaker's side (« je », « nous », « on »), with the hit before it (the practice set
    out first) or inside its object."""
    for verb in doc:
        if verb.i in range(match.start, match.end) or not _either_key(verb, lists.renunciation_verbs):
            continue
        if not any(c.dep_ in {"nsubj", "expl:subj"} and _either_key(c, lists.own_voice) for c in verb.children):
            continue
        if any(_either_key(c, lists.negation) for c in verb.children):
            continue  # « on n'a jamais abandonné »
        objects = [c for c in verb.children if c.dep_ in {"obj", "obl:arg", "obl"}]
        inside = any(o.left_edge.i <= match.start and match.end - 1 <= o.right_edge.i for o in objects)
        if match.end <= verb.i or inside:
            return verb.text
    return None


def _preference_before(doc: Doc, match: Match, lists: ContextWords) -> str | None:
    """« je préfère perdre une vente que de forcer la main »: the hit follows the « que » of a
    preference, within three words."""
    near = doc[max(0, match.start - 3) : match.start]
    if not any(fold(t.text) in {"que", "qu'"} for t in near):
        return None
    return _has_phrase_before(doc, near.start, lists.preference_heads, window=15)


def attribution(doc: Doc, match: Match, lists: ContextWords) -> RuleOutcome | None:
    """« quand un patron parle de ses clients comme de cibles, fuyez », « méfiez-vous des
    managers qui chassent le client »: other people's practice, described to criticise it.

    The hit is attributed to others when a verb above it has a generic or third-person
    subject (a noun of `others` with a generic determiner, or a generic pronoun), or when it
    sits in a relative clause of such a noun. Cancelled when the sentence criticises, warns
    or frames it as a hypothesis (`critical_markers`); otherwise down-weighted.
    """
    node = _head_token(doc, match)
    who = None
    while who is None:
        if node.dep_ == "acl:relcl" and _generic_other_of(node.head, match, lists) and not _is_predicate(node.head):
            who = node.head  # « méfiez-vous des managers qui … », not « nous sommes une entreprise qui … »
            break
        if (node.i != match.start and node.pos_ in {"NOUN", "PROPN"} and _generic_other_of(node, match, lists)
                and not _is_predicate(node)):
            who = node  # the small model often hangs the clause under its subject noun
            break
        subjects = [c for c in node.children if c.dep_.startswith("nsubj")]
        if any(fold(c.text) in lists.own_voice for c in subjects):
            return None  # « les groupes scolaires, on les rançonne »: the speaker's own practice
        for child in subjects:
            if _generic_other_of(child, match, lists):
                who = child
                break
        if node.head.i == node.i:
            break
        node = node.head
    if who is None:
        return None
    if match.entry.family in lists.attribution_skip and (who.pos_ == "PRON" or not _either_key(who, lists.others)):
        return None  # « ceux qui harcèlent »: villainy describes customers unless a business is its subject
    if _either_key(who, lists.always_others):
        return RuleOutcome("attribution", 0.0, f"attributed: « {who.text} », a competitor")
    critical = [t for t in doc if _either_key(t, lists.critical_markers)]
    if critical:
        return RuleOutcome("attribution", 0.0, f"attributed: « {who.text} », criticised (« {critical[0].text} »)")
    if lists.attribution_factor == 0:
        return RuleOutcome("attribution", 0.0, f"attributed: « {who.text} »")
    return RuleOutcome("attribution", lists.attribution_factor, f"down-weighted: attributed to « {who.text} »")


def _is_predicate(noun: Token) -> bool:
    """« (la Maif est) une entreprise »: a noun that is the attribute of a copula describes the
    subject, often the speaker's own company."""
    head = noun.head
    return any(c.dep_ == "cop" for c in noun.children) or head.pos_ == "AUX" or _folded_lemma(head) == "etre"


def _generic_other_of(subject: Token, match: Match, lists: ContextWords) -> bool:
    """`_generic_other`, but an unlisted noun right next to the hit describes the hit (« des
    vraies quiches », « des tactiques de conquête »), it does not attribute it."""
    if match.start - 3 <= subject.i < match.end + 2 and not _either_key(subject, lists.others):
        return False
    return _generic_other(subject, lists)


def _generic_other(subject: Token, lists: ContextWords) -> bool:
    """« certains vendeurs », « un patron », « des managers », « beaucoup », « ceux qui … »: a
    noun of `others` with a generic determiner, or any other noun but a customer with a plainly
    generic one (`generic_quantifiers`: « certaines néobanques », « des plombiers »)."""
    if subject.pos_ == "PRON":
        return _either_key(subject, lists.generic_pronouns)
    if _either_key(subject, lists.always_others):
        return True
    dets = [c for c in subject.children if c.dep_ in {"det", "nummod", "amod", "case"}]  # « des » may be a case
    if not _either_key(subject, lists.others):  # « certaines néobanques », « des plombiers qui … »
        return subject.pos_ == "NOUN" and _folded_lemma(subject) not in lists.customer \
            and any(fold(d.text) in lists.generic_quantifiers for d in dets)
    return any(fold(d.text) in lists.generic_determiners | lists.former_markers for d in dets)


RULES: tuple[Rule, ...] = (other_sense, customer_object, customer_in_sentence, other_object, quotation, mention,
                           negation, hypothesis, rejection, attribution, reported_speech)
