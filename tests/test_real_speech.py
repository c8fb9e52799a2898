"""scripts/real_speech.py: the development table is read as the expert wrote it, and the
agreement figures are what their definitions say."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import load_script

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "real_speech.py"


@pytest.fixture(scope="module")
def rs():
    return load_script("real_speech")


TABLE = """
| # | Speaker (role, sector) | Genre | Rating | Tier | Hard-case kinds |
|---|---|---|---:|---|---|
| 1 | Baker (crafts) | Interview | 86 | go | f |
| 2 | Seller, 20 years (retail) | Personal blog | 28 | walk_away | c, g |
| 12 | Guillaume Pepy, SNCF president (transport, public service) | Newspaper report | 58 | probe | b, e |
"""


def test_dev_table_rows_are_read_with_rating_tier_and_file(rs, tmp_path):
    rows = rs.parse_dev_table(TABLE, tmp_path)
    assert [(r.id, r.rating, r.tier, r.kinds) for r in rows] == [
        ("01", 86.0, "go", "f"), ("02", 28.0, "walk_away", "c, g"), ("12", 58.0, "probe", "b, e")]
    assert rows[2].path == tmp_path / "12.txt"


@pytest.mark.parametrize(("score", "tier"), [(65, "go"), (64.9, "probe"), (40, "probe"), (39.9, "walk_away")])
def test_tier_thresholds(rs, score, tier):
    assert rs.tier_of(score) == tier


def test_agreement_counts_tiers_and_the_two_worst_confusions(rs, tmp_path):
    items = rs.parse_dev_table(TABLE, tmp_path)
    result = rs.agreement(items, [90, 70, 50], ["go", "go", "insufficient_speech"])
    assert result["tier_agreement"] == pytest.approx(1 / 3)
    assert result["walk_away_read_as_go"] == 1 and result["go_read_as_walk_away"] == 0
    assert result["confusion"]["probe"]["insufficient_speech"] == 1
    assert result["spearman"] == pytest.approx(0.5)


def test_missing_texts_are_listed_not_scored(rs, tmp_path, analyzer):
    from clientlens.pipeline import Analyzer

    (tmp_path / "01.txt").write_text(
        "Mme Roux vient chaque samedi, je lui mets de côté sa baguette pas trop cuite. Quand elle a été "
        "malade, on lui a porté son pain chez elle pendant trois semaines. Ses petits-enfants passent "
        "maintenant aussi, et on connaît leurs prénoms. On demande souvent aux habitués ce qu'ils aimeraient "
        "qu'on fasse en plus, et la galette du dimanche vient d'une de leurs idées.", "utf-8")
    result = rs.run(rs.parse_dev_table(TABLE, tmp_path), analyzer, Analyzer(use_classifier=False))
    assert [r["id"] for r in result["rows"]] == ["01"] and result["missing"] == ["02", "12"]
    assert result["rows"][0]["verdict"] == analyzer.analyze((tmp_path / "01.txt").read_text("utf-8")).verdict


@pytest.mark.parametrize(("intervals", "expected"), [
    ([(10, 30), (40, 60)], 1.0),  # ratings 20 and 50: both inside
    ([(10, 30), (55, 70)], 0.5),  # 50 is below the second interval
    ([(20.01, 30), (50.5, 70)], 0.0),  # just outside, unrounded
])
def test_interval_coverage_counts_ratings_inside_the_interval(rs, tmp_path, intervals, expected):
    items = [rs.Rated(f"{k:02d}", rating, rs.tier_of(rating), "", tmp_path / f"{k:02d}.txt")
             for k, rating in enumerate((20, 50))]
    assert rs.interval_coverage(items, intervals) == expected


def _rated(rs, tmp_path, ratings):
    tier = lambda r: "go" if r >= 65 else ("walk_away" if r < 40 else "probe")  # noqa: E731
    return [rs.Rated(f"{k:02d}", float(r), tier(r), "", tmp_path / f"{k:02d}.txt") for k, r in enumerate(ratings)]


def test_bootstrap_interval_holds_the_figure_and_is_reproducible(rs, tmp_path):
    ratings = [10, 20, 30, 45, 50, 55, 60, 70, 80, 90, 35, 66]
    items = _rated(rs, tmp_path, ratings)
    scores = [12, 35, 28, 50, 41, 70, 58, 60, 85, 88, 20, 45]
    tiers = [rs.tier_of(x) for x in scores]
    first, again = rs.agreement(items, scores, tiers), rs.agreement(items, scores, tiers)
    assert first["interval"] == again["interval"]
    for name in ("tier_agreement", "spearman"):
        low, high = first["interval"][name]
        assert low <= first[name] <= high and low < high


@pytest.mark.parametrize(("scores", "expected"), [
    ([10, 30, 50, 60, 70, 90], [1.0, 1.0]),  # every tier right: no resample can miss one
    ([90, 70, 60, 50, 30, 10], [0.0, 0.667]),  # 2 of 6 right: 0 to 4 of 6 in 90 % of resamples
])
def test_bootstrap_interval_of_tier_agreement(rs, tmp_path, scores, expected):
    items = _rated(rs, tmp_path, [10, 30, 50, 60, 70, 90])
    result = rs.agreement(items, scores, [rs.tier_of(x) for x in scores])
    assert result["interval"]["tier_agreement"] == pytest.approx(expected, abs=0.01)


def test_too_few_texts_have_no_interval(rs, tmp_path):
    items = _rated(rs, tmp_path, [10, 90])
    result = rs.agreement(items, [10, 90], ["walk_away", "go"])
    assert all(v != v for v in result["interval"]["tier_agreement"])  # nan


def test_paired_differences_are_zero_for_the_same_configuration(rs, tmp_path):
    items = _rated(rs, tmp_path, [10, 20, 30, 45, 50, 55, 60, 70, 80, 90])
    scores = [12, 35, 28, 50, 41, 70, 58, 60, 85, 88]
    tiers = [rs.tier_of(x) for x in scores]
    same = rs.paired(items, (scores, tiers), (scores, tiers))
    assert same == {"tier_agreement": [0.0, 0.0], "spearman": [0.0, 0.0]}
    better = [10, 20, 30, 45, 50, 55, 60, 70, 80, 90]
    gain = rs.paired(items, (scores, tiers), (better, [rs.tier_of(x) for x in better]))
    assert gain["tier_agreement"][0] >= 0 and gain["tier_agreement"][1] > 0 and gain["spearman"][1] > 0


def test_against_scores_every_text_with_the_other_index(rs, tmp_path, analyzer):
    from dataclasses import replace

    from clientlens.pipeline import Analyzer

    (tmp_path / "01.txt").write_text(
        "On a changé la porte du magasin parce qu'une cliente en fauteuil nous a dit qu'elle ne passait pas. "
        "On l'a rappelée pour qu'elle vienne essayer, et elle nous a aidés à régler la rampe. Depuis, on "
        "demande à chaque client ce qui le gêne chez nous, on note tout dans un cahier, et le lundi on regarde "
        "ensemble ce qu'on peut corriger. Mme Perrin nous a appris que les étiquettes étaient trop petites.",
        "utf-8")
    (tmp_path / "02.txt").write_text(
        "Les clients, c'est des pigeons : on leur fourgue l'extension de garantie, ils signent sans lire. "
        "Celui qui revient râler, on le fait attendre une heure, il finit par partir. Mes vendeurs se moquent "
        "de ceux qui hésitent, et franchement ça me fait rire aussi. Les vieux, on les travaille au corps "
        "jusqu'à ce qu'ils cèdent, c'est comme ça qu'on fait le chiffre.", "utf-8")
    other = Analyzer(index_model=replace(analyzer.index_model, go=99.0, walk_away=1.0))  # everything probe
    result = rs.run(rs.parse_dev_table(TABLE, tmp_path), analyzer, Analyzer(use_classifier=False), other)
    assert [r["against"]["verdict"] for r in result["rows"]] == ["probe", "probe"]
    assert result["summary"]["against"]["n"] == 2 and "difference" in result
    changed = sum(r["verdict"] != "probe" for r in result["rows"])
    assert changed and rs.render(result).count(" against: ") == changed


def test_against_a_broken_index_file_is_a_clear_error(rs, tmp_path, capsys):
    broken = tmp_path / "index.json"
    broken.write_text('{"bias": 0.1}', "utf-8")
    with pytest.raises(SystemExit) as stopped:
        rs.main(["heldout", "--ids", "r01-r02", "--against", str(broken)])
    assert stopped.value.code == 2 and "invalid index parameters" in capsys.readouterr().err


@pytest.mark.parametrize("named", [True, False])  # the default last: later tests import it
def test_the_dev_table_is_beside_the_checkout_unless_named(named, monkeypatch, tmp_path):
    """A worktree outside /work has no ../shared: CLIENTLENS_DEV_TABLE names the table."""
    if named:
        monkeypatch.setenv("CLIENTLENS_DEV_TABLE", str(tmp_path / "dev.md"))
    else:
        monkeypatch.delenv("CLIENTLENS_DEV_TABLE", raising=False)
    module = load_script("real_speech")
    expected = tmp_path / "dev.md" if named else module.ROOT.parent / "shared" / "real-speech-dev.md"
    assert expected == module.DEV_TABLE


def test_the_exploration_sets_leave_the_last_held_out_texts_unread(rs):
    sets = rs.development_sets(None)
    assert list(sets) == ["r01-r90"] and [i.id for i in sets["r01-r90"]] == [f"r{n:02d}" for n in range(1, 91)]
