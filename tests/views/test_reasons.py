"""Reasons and warnings in the report language: the JSON keeps them in English (the contract),
the views show them in French or English (`reason` and `warning` of lang/<code>/report.json)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from test_french_pages import english_in

import clientlens
from clientlens.lang import report_strings
from clientlens.resources import example_path
from clientlens.taxonomy import COMPONENT_BY_NAME, LABEL_SPECS
from clientlens.views.text import reason_text, summary, warning_text

SRC = Path(clientlens.__file__).parent

#: A value for each {field} of the templates.
SAMPLE = {"word": "chasser", "pos": "NOUN", "expected": "VERB", "idiom": "en fin de compte", "object": "vendeurs",
          "words": "le mot « cible »", "cue": "jamais", "who": "mon prédécesseur", "term": "cible",
          "speakers": "Intervieweuse (interviewer)", "n": "2", "encoding": "utf-8", "lines": "3, 4",
          "recommended": "150"}


def _filled(template: str) -> str:
    return template.format(**{name: SAMPLE[name] for name in re.findall(r"\{(\w+)\}", template)})


@pytest.mark.parametrize(("section", "key"), [(section, key) for section in ("reason", "warning")
                                               for key in report_strings("en")[section]])
def test_each_reason_and_warning_reads_in_french(section, key):
    """The English text a report holds becomes the French template with the same fields."""
    english = _filled(report_strings("en")[section][key])
    translate = reason_text if section == "reason" else warning_text
    expected = _filled(report_strings("fr")[section][key])
    if "{speakers}" in report_strings("fr")[section][key]:  # roles are named in the report language
        expected = expected.replace("(interviewer)", f"({report_strings('fr')['role']['interviewer']})")
    assert translate(english, "fr") == expected
    assert translate(english, "en") == english
    assert english_in(f"<p>{translate(english, 'fr')}</p>") == []


@pytest.mark.parametrize(
    ("reason", "french"),
    [
        ("down-weighted: echoes « cible » from another speaker; down-weighted: attributed to « Paul »",
         "pondéré à la baisse : reprend « cible » d'un autre orateur; pondéré à la baisse : attribué à « Paul »"),
        ("hypothesis: « si … »", "hypothèse : « si … »"),
        ("attributed: « Paul », criticised (« honte »)", "attribué : « Paul », critiqué (« honte »)"),
        ("negated: « [PERSONNE_1] »", "nié : « [PERSONNE_1] »"),  # redacted words stay as they are
    ],
)
def test_combined_and_quoted_reasons(reason, french):
    assert reason_text(reason, "fr") == french


@pytest.mark.parametrize("text", ["my own rule: not today", "", "negated « jamais »", "feature: read"])
def test_a_text_that_is_no_template_is_shown_as_it_is(text):
    """A reason or warning that matches no template (another version's) is not guessed at."""
    assert reason_text(text, "fr") == text
    assert warning_text(text, "fr") == text


#: Module constants of assemble.py that hold a reason.
REASON_CONSTANTS = ("OUTWEIGHED", "FEATURE_ONLY", "STANCE_VETO")


def _rule_reasons() -> list[str]:
    """Every reason the context rules and the assembly write, each {expression} as « X »."""
    out = []
    for path in [*sorted((SRC / "context").glob("*.py")), SRC / "assemble.py"]:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            text = None
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "RuleOutcome" and len(node.args) == 3:
                text = node.args[2]
            elif isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") in REASON_CONSTANTS:
                text = node.value
            if isinstance(text, ast.Constant):
                out.append(text.value)
            elif isinstance(text, ast.JoinedStr):
                out.append("".join(v.value if isinstance(v, ast.Constant) else "X" for v in text.values))
    return out


def test_every_reason_the_rules_write_has_a_template():
    reasons = _rule_reasons()
    assert len(reasons) >= 15
    untranslated = [r for r in reasons if reason_text(r, "fr") == r]
    assert untranslated == []


@pytest.fixture(scope="module")
def warned(analyzer, rules_analyzer, tmp_path_factory):
    """Reports that carry each warning the pipeline and the readers write."""
    folder = tmp_path_factory.mktemp("warned")
    (folder / "bytes.txt").write_bytes(b"DG : Nos clients ont toujours raison, " + b"\xff\xfe" +
                                       "nous les écoutons.".encode())
    (folder / "mojibake.txt").write_bytes(b"DG : Nos clients sont entendus, nous les rappelons."
                                          .replace(b"entendus", "Ã©coutÃ©s".encode()))
    return {
        "too_short": analyzer.analyze("Nos clients sont des partenaires."),
        "lexicon_only": rules_analyzer.analyze("Nos clients sont des partenaires."),
        "not_scored": analyzer.analyze_file(example_path("entretien_concession.txt")),
        "all_speakers": analyzer.analyze_file(example_path("codir_rivaud.vtt")),
        "replaced_bytes": analyzer.analyze_file(folder / "bytes.txt", encoding="utf-8"),
        "mojibake": analyzer.analyze_file(folder / "mojibake.txt"),
        "no_signal": analyzer.analyze(" ".join(
            ["Nous avons ouvert un nouvel atelier à Lyon en mars, avec douze personnes.",
             "Le bâtiment date des années soixante et il a fallu refaire la toiture."] * 12)),
    }


WARNINGS = ("too_short", "lexicon_only", "not_scored", "all_speakers", "replaced_bytes", "mojibake", "no_signal")


def test_every_warning_template_is_exercised():
    assert set(WARNINGS) == set(report_strings("en")["warning"])


@pytest.mark.parametrize("key", WARNINGS)
def test_the_warnings_reports_carry_read_in_french(warned, key):
    """Each warning is written in English in the JSON and in French in the French summary."""
    report = warned[key]
    pieces = re.split(r"\{\w+\}", report_strings("en")["warning"][key])
    template = re.compile(".+?".join(map(re.escape, pieces)), re.DOTALL)
    english = [w for w in report.warnings if template.fullmatch(w)]
    assert english, f"no {key} warning among {report.warnings}"
    assert all(warning_text(w, "fr") != w for w in english)
    french = summary(report, language="fr")
    assert all(warning_text(w, "fr") in french for w in report.warnings)
    assert english_in("".join(f"<p>{warning_text(w, 'fr')}</p>" for w in english)) == []


def test_reasons_in_the_french_summary(analyzer):
    """The text summary's quotes give their reason in the report language."""
    report = analyzer.analyze_file(example_path("entretien_concession.txt"), speaker="Bruno Caradec")
    with_reason = [e for e in report.top_evidence(5) if e.reason]
    text = summary(report, language="fr")
    assert all(reason_text(e.reason, "fr") in text for e in with_reason)
    assert all(e.reason in summary(report, language="en") for e in with_reason)


def test_english_descriptions_and_short_names_are_the_taxonomys():
    """lang/en/report.json repeats the taxonomy's English words: they must not drift apart."""
    en = report_strings("en")
    assert en["descriptions"] == {name: spec.description for name, spec in COMPONENT_BY_NAME.items()}
    assert en["label_short"] == {spec.name: spec.short for spec in LABEL_SPECS}
