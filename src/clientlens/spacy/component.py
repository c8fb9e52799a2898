"""clientlens as a spaCy pipeline component.

    nlp = spacy.load("fr_core_news_sm")
    nlp.add_pipe("clientlens")          # found through the `spacy_factories` entry point
    doc = nlp(text)
    doc._.respect_index, doc._.clientlens.verdict, doc.spans["clientlens"]

The component scores each Doc as one plain text with the Doc's own lemmas, POS,
dependencies and sentences (NER is not used). Results go to the extension attributes of
`clientlens.spacy.extensions`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from clientlens.errors import LexiconError
from clientlens.pipeline import Analyzer
from clientlens.spacy.extensions import SPANS_KEY, register_extensions

register_extensions()


#: Stored by to_disk next to the copied lexicon files.
_CFG = "cfg.json"


_LEXICONS = "lexicons"


class ClientLens:
    """Pipeline component: stores the report as plain data in `doc._.clientlens_data` (read as a
    Report through `doc._.clientlens`, its index through `doc._.respect_index`) and the evidence
    spans in `doc.spans["clientlens"]`; all of it survives `Doc.to_bytes`, `DocBin` and
    `nlp.pipe(..., n_process=...)`.

    Args:
        nlp: the pipeline (its meta names the model in the report's provenance).
        name: the component's name in the pipeline.
        lexicon_files: extra lexicon files (JSONL) added to the bundled ones; copied by
            `to_disk`, so a saved pipeline does not need the originals.
        use_classifier: False for lexicon-only mode (the report says so).
        go, walk_away: verdict thresholds; None keeps the index model's.
        speaker: name the whole Doc's speech is attributed to; None for anonymous.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "clientlens",
        *,
        lexicon_files: list[str] = (),  # type: ignore[assignment]
        use_classifier: bool = True,
        go: float | None = None,
        walk_away: float | None = None,
        speaker: str | None = None,
    ) -> None:
        register_extensions()
        self.name = name
        self.use_classifier = use_classifier
        self.go = go
        self.walk_away = walk_away
        self.speaker = speaker
        self._meta = nlp.meta
        self.lexicons: list[tuple[str, bytes]] = []
        self.analyzer: Analyzer | None = None
        missing = [str(p) for p in lexicon_files if not Path(p).is_file()]
        # A saved pipeline's config still names the original files; from_disk restores
        # their copies, so missing files only fail when the component is called.
        self._missing = missing
        if not missing:
            self._load([Path(p) for p in lexicon_files])

    def __call__(self, doc: Doc) -> Doc:
        """Score the Doc and set the clientlens extensions and span group."""
        if self.analyzer is None:
            raise LexiconError(f"lexicon file(s) not found: {', '.join(self._missing)}")
        report = self.analyzer.analyze_doc(doc, self.speaker)
        provenance = {**report.provenance, "spacy_model": self._model_name()}
        report = replace(report, provenance=provenance)
        doc._.clientlens_data = report.to_dict()
        spans = [doc.char_span(e.start, e.end, label=e.family, alignment_mode="expand") for e in report.evidence]
        doc.spans[SPANS_KEY] = SpanGroup(doc, name=SPANS_KEY, spans=[s for s in spans if s is not None])
        return doc

    # ------------------------------------------------------------------ serialisation

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        """Copy the extra lexicon files into `path`; the settings live in the pipeline config."""
        path = Path(path)
        (path / _LEXICONS).mkdir(parents=True, exist_ok=True)
        files = []
        for n, (name, data) in enumerate(self.lexicons):
            stored = f"{n:02d}_{name}"
            (path / _LEXICONS / stored).write_bytes(data)
            files.append({"file": stored, "original": name, "sha256": hashlib.sha256(data).hexdigest()})
        (path / _CFG).write_text(json.dumps({"lexicon_files": files}, indent=2), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> ClientLens:
        """Rebuild the analyzer from the lexicon files stored by `to_disk`."""
        path = Path(path)
        cfg = json.loads((path / _CFG).read_text(encoding="utf-8"))
        self._load([path / _LEXICONS / f["file"] for f in cfg["lexicon_files"]])
        self._missing = []
        return self

    # ------------------------------------------------------------------ helpers

    def _load(self, files: list[Path]) -> None:
        self.lexicons = [(p.name, p.read_bytes()) for p in files]
        self.analyzer = Analyzer(
            lexicon_files=files, use_classifier=self.use_classifier, go=self.go, walk_away=self.walk_away
        )

    def _model_name(self) -> str:
        meta = self._meta
        return f"{meta.get('lang', '?')}_{meta.get('name', '?')} {meta.get('version', '?')}"


@Language.factory(
    "clientlens",
    assigns=["doc._.clientlens_data", "doc.spans"],
    requires=["token.lemma", "token.pos", "token.dep", "token.is_sent_start"],
    default_config={"lexicon_files": [], "use_classifier": True, "go": None, "walk_away": None, "speaker": None},
)
def make_clientlens(
    nlp: Language,
    name: str,
    *,
    lexicon_files: list[str],
    use_classifier: bool,
    go: float | None,
    walk_away: float | None,
    speaker: str | None,
) -> ClientLens:
    """Build the clientlens component (registered as the spaCy factory "clientlens")."""
    return ClientLens(
        nlp, name, lexicon_files=lexicon_files, use_classifier=use_classifier, go=go, walk_away=walk_away,
        speaker=speaker,
    )
