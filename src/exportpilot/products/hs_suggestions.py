"""HS codes for products: the classifier's suggestions, their confirmation, and the feedback it gives.

The text a product is classified from is :func:`product_hs_text`: its English and Korean names and
the first sentence of its description (English if there is one). The first sentence says what the
product is; the later ones are mostly claims (warranty, certifications, lead times) that pull the
classifier away from the product. Measured on the 793 demo products with the model trained on all
Korea Customs cases: names + first English sentence 46.5 % top-1 / 75.8 % top-5 at HS6; the English
name alone 41.2 % / 67.8 %; the whole English and Korean descriptions 45.8 % / 74.4 %.

An advisor's confirmation stores the code with that text, who and when; the next
``exportpilot hs train`` learns from it (:func:`feedback_cases`, used by ``hs_model.train_default``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from exportpilot.audit import service as audit
from exportpilot.auth import policy
from exportpilot.config import Settings, get_settings
from exportpilot.errors import Conflict, ExportPilotError, InvalidInput, PermissionDenied
from exportpilot.models import Company, HSCode, HSCodeSource, Product, User
from exportpilot.products.profile import sentences
from exportpilot.products.repository import ProductRepository
from exportpilot.products.service import get_product
from exportpilot.reference import service as reference

if TYPE_CHECKING:  # the engine (scikit-learn, Kiwi) is imported when a model is needed
    from exportpilot.products.hs_classifier import HSClassifier, HSPrediction

#: Suggestions looked at when a confirmation says it accepts one (the API shows at most this many).
MAX_TOP = 20
NO_MODEL = (
    "no HS classifier model is built yet: run `exportpilot hs train` (it takes a few minutes), then ask again"
)


def product_hs_text(product: Product) -> str:
    """Return the text a product is classified from: its names and the first sentence of its description."""
    first = ""
    for description in (product.description_en, product.description_ko):
        parts = sentences(description or "")
        if parts:
            first = parts[0]
            break
    parts = [product.name_en, product.name_ko, first]
    return ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())


def text_digest(text: str) -> str:
    """A short fingerprint of a classified text (16 hex digits)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load_model(settings: Settings | None = None) -> HSClassifier:
    """Return the trained HS model; a Conflict (409) that says how to build it when there is none."""
    from exportpilot.products.hs_classifier import HSModelNotFound
    from exportpilot.products.hs_model import load_default

    try:
        return load_default(settings or get_settings())
    except HSModelNotFound as exc:
        raise Conflict(NO_MODEL) from exc
    except ExportPilotError as exc:  # a model of an older format: same remedy
        raise Conflict(exc.message) from exc


def _readable(prediction: HSPrediction) -> HSPrediction:
    """Drop the base-rate guesses the engine gives for a text it could not read (no silent wrong code)."""
    if prediction.issue and not prediction.text:
        return replace(prediction, candidates=(), needs_review=True)
    return prediction


def classify_texts(
    session: Session, *, actor: User | None, texts: list[str], top: int = 5, explain: bool = True
) -> tuple[HSClassifier, list[HSPrediction]]:
    """Classify free texts into HS6 codes; unreadable texts get no codes and need review."""
    policy.require(policy.can_classify_hs(actor), "log in to classify texts")
    if not 1 <= top <= MAX_TOP:
        raise InvalidInput(f"top: must be between 1 and {MAX_TOP}", field="top")
    model = load_model()
    predictions = model.predict_top(texts, k=top, explain=explain)
    return model, [_readable(p) for p in predictions]


def hs2022_codes(session: Session, codes: set[str]) -> set[str]:
    """The codes of ``codes`` that are HS 2022 subheadings (only those can be stored on a product)."""
    if not codes:
        return set()
    found = session.scalars(select(HSCode.code).where(HSCode.code.in_(codes), HSCode.level == 6))
    return set(found)


@dataclass(frozen=True)
class Suggestions:
    """The classifier's suggestions for one product, and the text they were made from."""

    product: Product
    text: str
    digest: str
    prediction: HSPrediction
    model: HSClassifier
    in_nomenclature: frozenset[str]


def _company(session: Session, product: Product) -> Company:
    company = session.get(Company, product.company_id)
    assert company is not None
    return company


def suggest_for_product(
    session: Session, *, product_id: int, actor: User, top: int = 5, explain: bool = True
) -> Suggestions:
    """Return the top HS6 codes for a product, with probabilities and the evidence for each."""
    product = get_product(session, product_id=product_id, actor=actor)
    policy.require(
        policy.can_view_hs_suggestions(actor, product),
        "only staff and the product's exporter see its suggestions",
    )
    if not 1 <= top <= MAX_TOP:
        raise InvalidInput(f"top: must be between 1 and {MAX_TOP}", field="top")
    text = product_hs_text(product)
    model = load_model()
    prediction = _readable(model.predict_top([text], k=top, explain=explain)[0])
    codes = hs2022_codes(session, {c.hs6 for c in prediction.candidates})
    return Suggestions(product, text, text_digest(text), prediction, model, frozenset(codes))


def confirm_hs_code(
    session: Session,
    *,
    product_id: int,
    actor: User,
    code: str,
    source: HSCodeSource | None = None,
    digest: str | None = None,
) -> Product:
    """Confirm or correct a product's HS code, recording its source, who, when and on which text."""
    product = get_product(session, product_id=product_id, actor=actor)
    wanted = source.value if source else None
    if not policy.can_confirm_hs_code(actor, product, wanted):
        if wanted and policy.can_confirm_hs_code(actor, product, None):
            raise PermissionDenied(f"you may not set an HS code with the source {wanted!r}")
        raise PermissionDenied("only agency staff and the product's exporter set its HS code")
    line = reference.get_hs_code(session, code, field="code")
    text = product_hs_text(product)
    if digest is not None and digest != text_digest(text):
        raise Conflict(
            "the product's name or description changed since these suggestions were made; "
            "reload the suggestions and confirm again"
        )
    probability: float | None = None
    suggested = False
    try:
        prediction = load_model().predict_top([text], k=MAX_TOP, explain=False)[0]
    except Conflict:
        if source == HSCodeSource.model:
            raise
    else:
        prediction = _readable(prediction)
        for candidate in prediction.candidates:
            if candidate.hs6 == line.code:
                probability, suggested = float(candidate.probability), True
                break
    if source is None:
        if suggested:
            source = HSCodeSource.model
        else:
            source = HSCodeSource.advisor if policy.is_staff(actor) else HSCodeSource.exporter
    if source == HSCodeSource.model and not suggested:
        raise InvalidInput(
            f"code: {line.code} is not among the classifier's suggestions for this product; "
            "set it as your own code instead (source advisor or exporter)",
            field="source",
        )
    policy.require(
        policy.can_confirm_hs_code(actor, product, source.value),
        f"you may not set an HS code with the source {source.value!r}",
    )
    updates: dict[str, object] = {
        "hs_code": line.code,
        "hs_source": source,
        "hs_confirmed_by_id": actor.id,
        "hs_confirmed_at": datetime.now(UTC),
        "hs_confirmed_text": text,
        "hs_model_probability": probability,
    }
    if product.hsk_code and not product.hsk_code.startswith(line.code):
        updates["hsk_code"] = None  # the Korean 10-digit code belonged to the old subheading
    changes = audit.diff(product, updates)
    changes["training_data"] = policy.hs_confirmation_trains(actor)
    session.flush()
    audit.record(
        session, actor=actor, action="confirm_hs", entity="product", entity_id=product.id, changes=changes
    )
    return product


def confirmed_by_name(session: Session, product: Product) -> tuple[str | None, bool]:
    """The name of whoever confirmed the product's code, and whether it becomes training data."""
    if product.hs_confirmed_by_id is None or product.hs_confirmed_at is None:
        return None, False
    user = session.get(User, product.hs_confirmed_by_id)
    if user is None:
        return None, False
    return user.full_name, policy.hs_confirmation_trains(user)


# --------------------------------------------------------------------------- feedback → training data


@dataclass(frozen=True)
class FeedbackCases:
    """Confirmed product codes to add to the training cases, and what the user should know."""

    texts: list[str]
    codes: list[str]
    skipped_generated: int = 0
    skipped_duplicates: int = 0
    note: str | None = None


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def feedback_from_session(
    session: Session, *, known: set[tuple[str, str]] | None = None, include_generated: bool = False
) -> FeedbackCases:
    """Return the staff-confirmed product codes as training cases, deduplicated.

    The latest confirmation of a text wins; a text already among the cases with the same code
    (``known``, as normalised text and HS6) is not added again; generated demo products are left out
    unless ``include_generated``.
    """
    rows = ProductRepository(session).confirmed_by_staff()
    texts: list[str] = []
    codes: list[str] = []
    seen: set[str] = set()
    generated = duplicates = 0
    for row in rows:
        code, text, is_generated = row.hs_code, row.hs_confirmed_text, row.is_generated
        key = _norm(text or "")
        if not key or not code:
            continue
        if is_generated and not include_generated:
            generated += 1
            continue
        if key in seen or (known is not None and (key, code) in known):
            duplicates += 1
            continue
        seen.add(key)
        texts.append(text or "")
        codes.append(code)
    return FeedbackCases(texts, codes, generated, duplicates)


def database_configured(settings: Settings) -> bool:
    """Whether a database is configured: a URL is set, or the default SQLite file exists."""
    return bool(settings.database_url) or (settings.var_dir / "exportpilot.db").is_file()


def feedback_cases(settings: Settings, *, known: set[tuple[str, str]] | None = None) -> FeedbackCases:
    """Read the staff-confirmed product codes from the configured database, if there is one.

    Never fails the training: a database that cannot be read gives no cases and a note saying why.
    """
    if not database_configured(settings):
        return FeedbackCases([], [], note=None)
    from exportpilot.db.session import make_engine

    engine = make_engine(settings.sqlalchemy_url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("products")}
        if "hs_confirmed_text" not in columns:
            return FeedbackCases(
                [],
                [],
                note="the database is not migrated yet (exportpilot db upgrade): no confirmed codes read",
            )
        with Session(engine) as session:
            return feedback_from_session(session, known=known)
    except SQLAlchemyError as exc:
        return FeedbackCases(
            [], [], note=f"confirmed HS codes not read from the database ({type(exc).__name__}: {exc})"[:300]
        )
    finally:
        engine.dispose()
