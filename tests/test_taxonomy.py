"""The taxonomy file: complete, consistent, and the one source every module reads."""

from __future__ import annotations

import json

import pytest

from clientlens import taxonomy
from clientlens.lang import language


def test_every_label_feeds_one_component_and_every_component_is_fed():
    assert [c.label for c in taxonomy.COMPONENTS] == [taxonomy.LABEL_BY_NAME[c.label].name for c in taxonomy.COMPONENTS]
    assert {s.component for s in taxonomy.LABEL_SPECS} == set(taxonomy.COMPONENT_NAMES)


def test_every_family_has_a_component_a_colour_and_a_lexicon_file():
    files = {p.stem for p in language().lexicon_files()}
    for name, family in taxonomy.FAMILIES.items():
        assert family.component in taxonomy.COMPONENT_BY_NAME
        assert family.colour.startswith("#") and len(family.colour) == 7
        assert family.polarity is taxonomy.COMPONENT_BY_NAME[family.component].polarity
        assert name in files
    assert files == set(taxonomy.FAMILIES)


def test_verdicts_and_colours_cover_every_name():
    assert taxonomy.VERDICTS == ("go", "probe", "walk_away")
    assert set(taxonomy.VERDICT_COLOURS) == {*taxonomy.VERDICTS, taxonomy.INSUFFICIENT}
    assert set(taxonomy.COLOURS) == {*taxonomy.FAMILIES, *taxonomy.LABELS}


def test_a_component_fed_by_two_labels_is_refused(monkeypatch, tmp_path):
    data = json.loads(taxonomy.TAXONOMY_FILE.read_text("utf-8"))
    data["labels"][1]["component"] = data["labels"][0]["component"]
    monkeypatch.setattr(taxonomy, "_DATA", data)
    monkeypatch.setattr(taxonomy, "LABEL_SPECS", tuple(taxonomy.LabelSpec(**r) for r in data["labels"]))
    with pytest.raises(ValueError, match="must be fed by one label"):
        taxonomy._component(data["components"][1])
