"""Language packs: the French pack, the one loader of rule files, and a clear error for others."""

from __future__ import annotations

import pytest

from clientlens.errors import LexiconError
from clientlens.lang import LanguagePack, language


def test_french_is_the_default_pack():
    pack = language()
    assert isinstance(pack, LanguagePack) and pack.code == "fr" and pack.spacy_model == "fr_core_news_sm"
    assert pack is language("fr")


@pytest.mark.parametrize("name", ["context", "segmentation", "speaker_labels", "redaction"])
def test_every_rule_file_reads(name):
    assert isinstance(language().rules(name), dict)


def test_a_missing_rule_file_is_a_clear_error():
    with pytest.raises(LexiconError, match="cannot read the rule file"):
        language().rules("no_such_rules")


def test_an_unknown_language_is_refused():
    with pytest.raises(LexiconError, match="no language pack for 'de'"):
        language("de")
