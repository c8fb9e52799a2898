"""The clientlens spaCy component: factory, extensions, serialisation, entry point."""

from __future__ import annotations

import importlib.metadata
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

import clientlens
import clientlens.spacy.component  # registers the factory here; installed packages use the entry point
from clientlens.errors import InputError, LexiconError
from clientlens.spacy.extensions import EXTENSIONS, SPANS_KEY, register_extensions

DATA = Path(__file__).parents[1] / "data"

#: One paragraph without speaker labels: `analyze` and the component see the same sentences.
TEXT = (
    "Nos clients ne sont pas des cibles, ce sont des partenaires. On les écoute et on les respecte. "
    "Le client est roi, mais certains sont des pigeons à plumer et il faut verrouiller les grands comptes. "
    "Quand Mme Roux a eu une fuite un dimanche, notre technicien est passé chez elle dans l'heure, et on "
    "l'a rappelée le lendemain pour vérifier que tout tenait. Le reste du temps, on parle surtout du chiffre "
    "de la semaine et des objectifs de renouvellement."
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = spacy.load("fr_core_news_sm")
    nlp.add_pipe("clientlens")
    return nlp


def test_component_agrees_with_analyze(nlp):
    doc = nlp(TEXT)
    report = clientlens.analyze(TEXT)
    assert isinstance(doc._.clientlens, clientlens.Report)
    assert doc._.respect_index == round(report.index, 2)  # as in the JSON contract
    assert doc._.clientlens.verdict == report.verdict
    key = [(e.start, e.end, e.family, e.counted, e.reason, e.weight) for e in report.evidence]
    assert [(e.start, e.end, e.family, e.counted, e.reason, e.weight) for e in doc._.clientlens.evidence] == key
    assert [s.labels for s in doc._.clientlens.sentences] == [s.labels for s in report.sentences]


def test_evidence_spans_and_sentence_labels(nlp):
    doc = nlp(TEXT)
    report = doc._.clientlens
    group = doc.spans[SPANS_KEY]
    assert len(group) == len(report.evidence) > 0
    for span, e in zip(group, report.evidence, strict=True):
        assert (span.start_char, span.end_char, span.text) == (e.start, e.end, e.text)
        assert span.label_ == span._.clientlens_family == e.family
        assert span._.clientlens_counted is e.counted
        assert span._.clientlens_reason == e.reason
    negated = [s for s in group if s._.clientlens_family == "hunting" and not s._.clientlens_counted]
    assert negated and negated[0]._.clientlens_reason.startswith("negated")  # « ne sont pas des cibles »
    labels = {s.start: s.labels for s in report.sentences}
    assert [sent._.clientlens_labels for sent in doc.sents] == [labels[sent.start_char] for sent in doc.sents]
    assert any(sent._.clientlens_labels for sent in doc.sents)
    assert doc[0:2]._.clientlens_labels == ()  # not a sentence
    assert doc[0:2]._.clientlens_family is None  # not evidence


def _key(doc: Doc) -> tuple:
    return (doc._.clientlens.to_dict(), [(s.start_char, s.end_char, s.label_, s._.clientlens_counted)
                                         for s in doc.spans[SPANS_KEY]])


def test_doc_bytes_and_docbin_carry_the_report(nlp):
    """Only plain data is stored on the Doc, so spaCy's own serialisation keeps the report."""
    doc = nlp(TEXT)
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert _key(again) == _key(doc)
    assert again._.clientlens.text == TEXT
    stored = DocBin(store_user_data=True, docs=[doc, nlp("Le client est roi.")]).to_bytes()
    docs = list(DocBin().from_bytes(stored).get_docs(nlp.vocab))
    assert _key(docs[0]) == _key(doc)
    assert docs[1]._.respect_index == nlp("Le client est roi.")._.respect_index


def test_pipe_with_two_processes_gives_the_same_reports(nlp):
    texts = [TEXT, "Nos clients sont des pigeons et on les plume.", "On rappelle chaque client le lendemain."]
    alone = [_key(d) for d in nlp.pipe(texts)]
    assert [_key(d) for d in nlp.pipe(texts, n_process=2, batch_size=1)] == alone


def test_report_from_dict_inverts_to_dict(nlp):
    report = nlp(TEXT)._.clientlens
    assert clientlens.Report.from_dict(report.to_dict(), text=TEXT) == report


def test_provenance_names_the_host_pipeline(nlp):
    provenance = nlp(TEXT)._.clientlens.provenance
    assert provenance["spacy_model"] == f"fr_{nlp.meta['name']} {nlp.meta['version']}"


def test_doc_without_a_parse_is_refused():
    nlp = spacy.blank("fr")
    nlp.add_pipe("clientlens")
    with pytest.raises(InputError, match="lemma, pos, dep"):
        nlp(TEXT)


def test_config_overrides_the_go_threshold(nlp):
    index = nlp(TEXT)._.respect_index
    assert nlp.get_pipe("clientlens").go is None  # default: the index model's thresholds
    low = spacy.load("fr_core_news_sm")
    low.add_pipe("clientlens", config={"go": index / 2, "walk_away": index / 4})
    report = low(TEXT)._.clientlens
    assert report.verdict == "go"
    assert report.provenance["settings"]["thresholds"] == {"go": index / 2, "walk_away": index / 4}
    assert low.config["components"]["clientlens"]["go"] == index / 2


def test_to_disk_and_spacy_load_restore_the_component(tmp_path):
    lexicon = tmp_path / "my_sector.jsonl"
    shutil.copy(DATA / "rules_lexicon.jsonl", lexicon)
    nlp = spacy.load("fr_core_news_sm")
    nlp.add_pipe("clientlens", config={"lexicon_files": [str(lexicon)], "go": 70.0, "use_classifier": False})
    before = nlp(TEXT)._.clientlens
    nlp.to_disk(tmp_path / "pipeline")
    lexicon.unlink()  # the saved pipeline keeps its own copy
    loaded = spacy.load(tmp_path / "pipeline")
    after = loaded(TEXT)._.clientlens
    assert loaded.pipe_names == nlp.pipe_names
    assert loaded.get_pipe("clientlens").go == 70.0
    assert after.index == pytest.approx(before.index, abs=1e-9)
    assert after.evidence == before.evidence
    assert after.provenance["lexicon_sha256"] == before.provenance["lexicon_sha256"]
    assert "lexicon-only mode: no sentence classifier was used" in after.warnings
    stored = json.loads((tmp_path / "pipeline" / "clientlens" / "cfg.json").read_text("utf-8"))
    assert [f["original"] for f in stored["lexicon_files"]] == ["my_sector.jsonl"]


def test_missing_lexicon_file_fails_when_called(tmp_path):
    nlp = spacy.blank("fr")
    nlp.add_pipe("clientlens", config={"lexicon_files": [str(tmp_path / "nope.jsonl")]})
    with pytest.raises(LexiconError, match=r"nope\.jsonl"):
        nlp("Bonjour.")


def test_registering_extensions_twice_is_harmless(nlp):
    register_extensions()
    register_extensions()
    for cls, name, _ in EXTENSIONS:
        assert cls.has_extension(name)
    doc = nlp(TEXT)
    assert doc._.respect_index == doc._.clientlens.index
    assert Doc.get_extension("clientlens_data")[0] is None and Span.has_extension("clientlens_labels")


def _has_entry_point() -> bool:
    return any(e.name == "clientlens" for e in importlib.metadata.entry_points(group="spacy_factories"))


@pytest.mark.skipif(
    not _has_entry_point(),
    reason="clientlens is not installed (no spacy_factories entry point); run after `pip install .`",
)
def test_entry_point_finds_the_factory_without_importing_clientlens():
    code = textwrap.dedent(
        f"""
        import sys, spacy
        assert "clientlens" not in sys.modules
        nlp = spacy.load("fr_core_news_sm")
        nlp.add_pipe("clientlens")
        assert "clientlens.spacy.component" in sys.modules  # imported by spaCy through the entry point
        doc = nlp({TEXT!r})
        print(doc._.respect_index, doc._.clientlens.verdict, len(doc.spans["clientlens"]))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=600)
    index, verdict, spans = out.stdout.split()
    report = clientlens.analyze(TEXT)
    assert float(index) == round(report.index, 2)
    assert verdict == report.verdict and int(spans) == len(report.evidence)
