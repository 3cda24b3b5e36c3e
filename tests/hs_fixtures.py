"""Shared fixtures for every suite that needs the HS classifier: the real Korea Customs cases and a small
model trained on a stride of them (the file is sorted by code, so a stride covers every chapter)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from exportpilot.config import Settings, get_settings
from exportpilot.products.hs_data import NomenclatureLine, cases_path, load_cases, load_nomenclature

if TYPE_CHECKING:  # the engine is imported when a fixture runs, not when the tests are collected
    from exportpilot.products.hs_classifier import HSClassifier


@pytest.fixture(scope="session")
def hs_cases() -> tuple[list[str], list[str]]:
    """All real cases, or a skip (a failure under CI) when the shared data folder is missing."""
    path = cases_path(Settings().shared_data)
    if path is None:
        reason = (
            "real HS cases not found: set EXPORTPILOT_SHARED_DATA to the folder with hs/kcs_cases_train.csv"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return load_cases(path)


def nomenclature_for(codes: list[str]) -> list[NomenclatureLine]:
    """The nomenclature of the chapters present, which keeps a test model small."""
    chapters = {c[:2] for c in codes}
    return [line for line in load_nomenclature() if line.code[:2] in chapters]


@pytest.fixture(scope="session")
def small_hs_model(hs_cases: tuple[list[str], list[str]]) -> HSClassifier:
    """A real model trained on every 60th case (about 600), without the embedding view."""
    from exportpilot.products.hs_classifier import HSClassifier

    texts, codes = hs_cases[0][::60], hs_cases[1][::60]
    return HSClassifier(use_embeddings=False, max_iter=40).fit(
        texts, codes, nomenclature=nomenclature_for(codes)
    )


@pytest.fixture
def hs_var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh ``EXPORTPILOT_VAR_DIR`` (no model in it yet)."""
    monkeypatch.setenv("EXPORTPILOT_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()
