"""Where the trained HS model lives, and how it is built from the configured data."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from exportpilot.config import Settings
from exportpilot.products.hs_data import META_FILE, MODEL_FILE, cases_path, load_cases

# The engine (scikit-learn, Kiwi) is imported when a model is trained or loaded, not with this module.
if TYPE_CHECKING:
    from exportpilot.products.hs_classifier import HSClassifier

NOMENCLATURE_ONLY_WARNING = (
    "no training cases found ({where}); the HS model is built from the HS 2022 nomenclature alone, "
    "so its suggestions are rough and every one is flagged for expert review"
)

_cache_lock = threading.Lock()
_loaded: dict[Path, tuple[float, HSClassifier]] = {}


def model_dir(settings: Settings) -> Path:
    """Return ``<var_dir>/models/hs``, the folder of the trained model."""
    return settings.var_dir / "models" / "hs"


def embedding_cache_path(settings: Settings) -> Path:
    """Return the file that keeps the sentence embeddings of texts already embedded."""
    return settings.var_dir / "models" / "hs-cache" / "e5.npz"


def model_exists(settings: Settings) -> bool:
    """Return whether a trained model is in :func:`model_dir`."""
    folder = model_dir(settings)
    return (folder / MODEL_FILE).is_file() and (folder / META_FILE).is_file()


@dataclass(frozen=True)
class TrainedModel:
    """A model just trained and saved, and what the user should know about it."""

    model: HSClassifier
    path: Path
    n_cases: int
    warning: str | None
    #: Product texts with a staff-confirmed HS code added from the database (the feedback loop).
    n_feedback: int = 0
    feedback_note: str | None = None


def train_default(
    settings: Settings,
    *,
    cases: Path | None = None,
    use_embeddings: bool = False,
    progress: Callable[[str, float], None] | None = None,
    feedback: bool = True,
) -> TrainedModel:
    """Train the HS model on the configured cases (or the nomenclature alone) and save it.

    Parameters
    ----------
    settings : Settings
        ``shared_data`` locates the cases, ``var_dir`` receives the model.
    cases : Path, optional
        A cases CSV to use instead of ``<shared_data>/hs/kcs_cases_train.csv``.
    use_embeddings : bool, default=False
        Add the sentence-embedding view (much slower to train; see :class:`HSClassifier`).
    progress : callable, optional
        Called as ``progress(stage, fraction)``.
    feedback : bool, default=True
        When a database is configured, add the products whose HS code agency staff confirmed, each
        with the text its suggestions were made from (deduplicated; generated demo products left out;
        see :func:`exportpilot.products.hs_suggestions.feedback_cases`).

    Returns
    -------
    TrainedModel
    """
    from exportpilot.products.hs_classifier import HSClassifier
    from exportpilot.products.hs_embed import EmbeddingCache

    source = cases if cases is not None else cases_path(settings.shared_data)
    texts: list[str] = []
    codes: list[str] = []
    warning = None
    if source is not None and source.is_file():
        texts, codes = load_cases(source)
    if not texts:
        where = (
            str(source) if source is not None else "EXPORTPILOT_SHARED_DATA is not set or has no hs/ folder"
        )
        warning = NOMENCLATURE_ONLY_WARNING.format(where=where)
    n_feedback, feedback_note = 0, None
    if feedback:
        from exportpilot.products.hs_suggestions import feedback_cases

        known = {(" ".join(t.split()).casefold(), c[:6]) for t, c in zip(texts, codes, strict=True)}
        confirmed = feedback_cases(settings, known=known)
        texts, codes = [*texts, *confirmed.texts], [*codes, *confirmed.codes]
        n_feedback, feedback_note = len(confirmed.texts), confirmed.note
        if warning and n_feedback:
            warning += f" (plus {n_feedback} product code(s) confirmed by agency staff)"
        if confirmed.skipped_generated:
            feedback_note = (
                f"{confirmed.skipped_generated} confirmed code(s) of generated demo products left out"
                + (f"; {feedback_note}" if feedback_note else "")
            )
    cache = EmbeddingCache(embedding_cache_path(settings)) if use_embeddings else None
    model = HSClassifier(use_embeddings=use_embeddings).fit(
        texts, codes, progress=progress, embedding_cache=cache
    )
    if cache is not None:
        cache.save()
    path = model.save(model_dir(settings))
    with _cache_lock:
        _loaded.pop(path, None)
    return TrainedModel(
        model=model,
        path=path,
        n_cases=model.n_cases_,
        warning=warning,
        n_feedback=n_feedback,
        feedback_note=feedback_note,
    )


def load_default(settings: Settings) -> HSClassifier:
    """Return the saved model of :func:`model_dir`, read once per process and again when it changes.

    Raises
    ------
    ExportPilotError
        When no model has been trained.
    """
    from exportpilot.products.hs_classifier import HSClassifier

    folder = model_dir(settings)
    stamp = (folder / MODEL_FILE).stat().st_mtime if (folder / MODEL_FILE).is_file() else -1.0
    with _cache_lock:
        hit = _loaded.get(folder)
        if hit is not None and hit[0] == stamp:
            return hit[1]
    model = HSClassifier.load(folder)
    with _cache_lock:
        _loaded[folder] = (stamp, model)
    return model
