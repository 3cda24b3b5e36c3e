"""Grouped folds, hit metrics and the cross-validation report of the HS classifier."""

from __future__ import annotations

import numpy as np

from exportpilot.products.hs_data import load_nomenclature
from exportpilot.products.hs_eval import TfidfKnnBaseline, cross_validate, grouped_folds, hits
from exportpilot.products.hs_text import group_key


class TestHits:
    def test_counts_a_level_hit_when_any_of_the_first_k_codes_matches(self) -> None:
        ranked = [["020230", "020130", "160250"], ["847989", "842890", "020230"]]
        result = hits(ranked, ["020130", "020230"])
        assert list(result["hs6@1"]) == [False, False]
        assert list(result["hs6@5"]) == [True, True]
        assert list(result["hs4@1"]) == [False, False]
        assert list(result["hs2@1"]) == [True, False]
        assert list(result["hs2@5"]) == [True, True]


class TestGroupedFolds:
    def test_near_identical_texts_stay_in_one_fold(self) -> None:
        texts = [f"Beef ground frozen {i} kg" for i in range(10)] + [
            f"item {'abcdefghij'[i % 10]}{'klmn'[i // 10]}" for i in range(40)
        ]
        folds = grouped_folds(texts, n_splits=5)
        seen = np.zeros(len(texts), int)
        for train, test in folds:
            assert not {group_key(texts[i]) for i in train} & {group_key(texts[i]) for i in test}
            seen[test] += 1
        assert (seen == 1).all()


class TestBaseline:
    def test_ranks_distinct_codes_by_their_nearest_text(self) -> None:
        baseline = TfidfKnnBaseline().fit(
            ["frozen beef", "frozen beef ribs", "cotton shirt", "cotton trousers", "steel screw"],
            ["020230", "020230", "620520", "620342", "731815"],
        )
        beef, shirt = baseline.predict_codes(["frozen beef brisket", "cotton shirts for men"], k=3)
        assert beef[0] == "020230" and shirt[0] == "620520"
        assert len(set(beef)) == len(beef) == 3 and shirt[1] == "620342"


def test_cross_validate_reports_model_and_baseline_on_the_same_fold(
    hs_cases: tuple[list[str], list[str]],
) -> None:
    texts, codes = hs_cases
    texts, codes = texts[::50], codes[::50]
    chapters = {c[:2] for c in codes}
    lines = [line for line in load_nomenclature() if line.code[:2] in chapters]
    report = cross_validate(
        texts,
        codes,
        folds=4,
        only_folds=[0],
        params={"use_embeddings": False, "max_iter": 40},
        nomenclature=lines,
    )
    assert report.evaluated_folds == [0]
    counts = report.counts
    assert counts["all"] == counts["korean"] + counts["latin"] + counts["other"]
    assert report.counts["all"] == len(grouped_folds(texts, 4)[0][1])
    for system in ("model", "baseline"):
        s = report.scores[system]["all"]
        assert 0 < s["hs6@1"] <= s["hs6@5"] <= 1
        assert s["hs6@1"] <= s["hs4@1"] <= s["hs2@1"]
    assert report.scores["model"]["all"]["hs6@5"] > report.scores["baseline"]["all"]["hs6@1"]
    assert 0 <= report.review["auto_share"] <= 1
    assert report.as_dict()["params"]["max_iter"] == 40
