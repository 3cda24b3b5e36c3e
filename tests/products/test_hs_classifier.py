"""The HS classifier on a small slice of the real Korea Customs cases (never the full 35 k)."""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
import pytest
from sklearn.base import clone

from exportpilot.errors import ExportPilotError, InvalidInput
from exportpilot.products.hs_data import load_nomenclature
from tests.hs_fixtures import nomenclature_for

if TYPE_CHECKING:
    from exportpilot.products.hs_classifier import HSClassifier, HSPrediction


def engine() -> ModuleType:
    """The engine module, imported when a test runs rather than when the tests are collected: other
    suites replace it in ``sys.modules`` and rely on it not being imported yet."""
    return importlib.import_module("exportpilot.products.hs_classifier")


def slice_of(texts: list[str], codes: list[str], step: int, offset: int) -> tuple[list[str], list[str]]:
    """Every ``step``-th case: the file is sorted by code, so a stride covers every chapter."""
    return texts[offset::step], codes[offset::step]


@pytest.fixture(scope="module")
def data(hs_cases: tuple[list[str], list[str]]) -> dict[str, list[str]]:
    texts, codes = hs_cases
    train_texts, train_codes = slice_of(texts, codes, 50, 0)
    test_texts, test_codes = slice_of(texts, codes, 50, 25)
    return {
        "train_texts": train_texts,
        "train_codes": train_codes,
        "test_texts": test_texts,
        "test_codes": test_codes,
    }


@pytest.fixture(scope="module")
def model(data: dict[str, list[str]]) -> HSClassifier:
    return (
        engine()
        .HSClassifier(use_embeddings=False, max_iter=40)
        .fit(data["train_texts"], data["train_codes"], nomenclature=nomenclature_for(data["train_codes"]))
    )


def assert_well_formed(prediction: HSPrediction, k: int) -> None:
    probs = [c.probability for c in prediction.candidates]
    assert len(probs) == k
    assert all(0.0 <= p <= 1.0 for p in probs)
    assert probs == sorted(probs, reverse=True)
    assert sum(probs) <= 1.0 + 1e-6
    assert len({c.hs6 for c in prediction.candidates}) == k


class TestHSClassifier:
    def test_follows_the_estimator_api(self, model: HSClassifier) -> None:
        params = model.get_params()
        assert params["use_embeddings"] is False and params["max_iter"] == 40
        fresh = clone(model)
        assert not hasattr(fresh, "classes_")
        with pytest.raises(ExportPilotError, match="not trained"):
            fresh.predict_top(["beef"])

    def test_the_re_ranker_sees_the_linear_chapter_and_heading_scores(self, model: HSClassifier) -> None:
        assert model.get_params()["use_linear"] is True
        assert set(model.linear_) == {"word2", "char2", "word4"}
        for key in model.linear_:
            assert {f"lin_{key}", f"lin_{key}_gap", f"lin_{key}_rank"} <= set(model.feature_names_)
        assert model.reranker_.n_features_in_ == len(model.feature_names_)

    def test_probabilities_are_sorted_and_sum_to_at_most_one(
        self, model: HSClassifier, data: dict[str, list[str]]
    ) -> None:
        for prediction in model.predict_top(data["test_texts"][:50], k=5):
            assert_well_formed(prediction, 5)

    def test_parents_and_titles_come_from_the_nomenclature(self, model: HSClassifier) -> None:
        titles = {line.code: line.description for line in load_nomenclature()}
        prediction = model.predict_top(["Meat of bovine animals; frozen; boneless beef brisket"], k=3)[0]
        for c in prediction.candidates:
            assert (c.hs4, c.hs2) == (c.hs6[:4], c.hs6[:2])
            assert c.title == titles.get(c.hs6, "(not in HS 2022)")
            assert (c.hs4_title, c.hs2_title) == (titles[c.hs4], titles[c.hs2])
        assert prediction.top is not None and prediction.top.hs2 == "02"
        assert any(c.hs4 in ("0201", "0202") for c in prediction.candidates)

    def test_learns_better_than_chance_on_held_out_cases(
        self, model: HSClassifier, data: dict[str, list[str]]
    ) -> None:
        predictions = model.predict_top(data["test_texts"], k=5, explain=False)
        truth = data["test_codes"]
        top1 = np.mean([p.candidates[0].hs6 == t for p, t in zip(predictions, truth, strict=True)])
        top5_hs2 = np.mean(
            [any(c.hs2 == t[:2] for c in p.candidates) for p, t in zip(predictions, truth, strict=True)]
        )
        # ~700 training cases over ~650 codes: far from the full model, far above chance (< 1 %)
        assert top1 > 0.25
        assert top5_hs2 > 0.6

    def test_explains_each_candidate(self, model: HSClassifier, data: dict[str, list[str]]) -> None:
        text = data["train_texts"][100]
        prediction = model.predict_top([text], k=3)[0]
        top = prediction.top
        assert top is not None and top.hs6 == data["train_codes"][100]
        assert top.neighbours and top.neighbours[0].text == text and top.neighbours[0].source == "case"
        assert all(n.hs6 == top.hs6 for n in top.neighbours)
        assert [line.level for line in top.nomenclature] == [6, 4, 2] or top.title == "(not in HS 2022)"
        assert 0.0 <= top.nomenclature_similarity <= 1.0

    def test_a_confident_top_code_is_usually_right(
        self, model: HSClassifier, data: dict[str, list[str]]
    ) -> None:
        predictions = model.predict_top(data["test_texts"], k=1, explain=False)
        confident = [
            p.top.hs6 == t
            for p, t in zip(predictions, data["test_codes"], strict=True)
            if not p.needs_review and p.top
        ]
        flagged = [
            p.top.hs6 == t
            for p, t in zip(predictions, data["test_codes"], strict=True)
            if p.needs_review and p.top
        ]
        assert confident and flagged
        assert np.mean(confident) > np.mean(flagged) + 0.2

    def test_save_and_load_give_identical_predictions(
        self, model: HSClassifier, data: dict[str, list[str]], tmp_path: Path
    ) -> None:
        texts = data["test_texts"][:40] + ["냉동 소고기", ""]
        before = model.predict_top(texts, k=5)
        model.save(tmp_path / "hs")
        model.save(tmp_path / "hs")  # replacing an existing model works too
        loaded = engine().HSClassifier.load(tmp_path / "hs")
        assert loaded.predict_top(texts, k=5) == before
        assert sorted(p.name for p in (tmp_path).iterdir()) == ["hs"]

    def test_load_refuses_a_missing_model(self, tmp_path: Path) -> None:
        with pytest.raises(engine().HSModelNotFound, match="no HS model") as info:
            engine().HSClassifier.load(tmp_path / "nothing")
        assert isinstance(info.value, FileNotFoundError) and info.value.status_code == 503

    def test_a_prediction_reads_as_its_candidates(self, model: HSClassifier) -> None:
        prediction = model.predict_top(["frozen beef"], k=3)[0]
        assert len(prediction) == 3 and prediction[0] == prediction.top
        assert [c.code for c in prediction] == [c.hs6 for c in prediction.candidates]

    @pytest.mark.parametrize(
        ("text", "unreadable"),
        [
            ("", True),
            (None, True),
            ("   \n\t ", True),
            ("\x00\x01\x02\x03binary\x04\x05\x06\x07\x08\x0b\x0c", True),
            ("😀🎉🚀🔥", True),
            ("12345 678-90", True),
            ("مواد غذائية مجمدة للتصدير", False),
            ("Нефть сырая и нефтепродукты", False),
        ],
    )
    def test_bad_input_gets_a_low_confidence_review_result(
        self, model: HSClassifier, text: str | None, unreadable: bool
    ) -> None:
        prediction = model.predict_top([text], k=5)[0]  # type: ignore[list-item]
        assert prediction.needs_review
        assert prediction.issue
        assert_well_formed(prediction, 5)
        assert prediction.candidates[0].probability < 0.5
        assert (prediction.text == "") == unreadable

    def test_a_very_long_text_is_truncated_not_rejected(self, model: HSClassifier) -> None:
        text = "Frozen boneless beef, vacuum packed. " * 600  # 22,200 characters
        prediction = model.predict_top([text], k=5)[0]
        assert len(prediction.text) == 1000 and "truncated" in (prediction.issue or "")
        assert_well_formed(prediction, 5)

    def test_k_must_be_positive_and_codes_must_be_hs_codes(self, model: HSClassifier) -> None:
        with pytest.raises(InvalidInput):
            model.predict_top(["beef"], k=0)
        with pytest.raises(ValueError, match="not an HS code"):
            engine().HSClassifier(use_embeddings=False).fit(["beef"], ["02A3"])

    def test_predict_returns_the_top_codes(self, model: HSClassifier, data: dict[str, list[str]]) -> None:
        texts = data["test_texts"][:10]
        assert list(model.predict(texts)) == [p.top.hs6 for p in model.predict_top(texts, k=2) if p.top]


class TestNomenclatureOnly:
    def test_works_from_the_nomenclature_alone_and_flags_everything(self) -> None:
        lines = [
            line for line in load_nomenclature() if line.code[:2] in {"02", "03", "61", "62", "84", "85"}
        ]
        model = engine().HSClassifier(use_embeddings=False).fit([], [], nomenclature=lines)
        assert model.n_cases_ == 0 and model.reranker_ is None
        predictions = model.predict_top(
            ["frozen boneless meat of bovine animals", "men's cotton shirts"], k=5
        )
        for prediction in predictions:
            assert prediction.needs_review and prediction.issue == "nomenclature only"
            assert_well_formed(prediction, 5)
        assert any(c.hs4 == "0202" for c in predictions[0].candidates)
        assert any(c.hs2 in ("61", "62") for c in predictions[1].candidates)
        assert math.isclose(model.review_threshold_, 1.0)
