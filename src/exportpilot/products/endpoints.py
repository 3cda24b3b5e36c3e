from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Query, status

from exportpilot.api.deps import CurrentUser, PageDep, SessionDep
from exportpilot.kit.pagination import Page
from exportpilot.models import Product
from exportpilot.products import hs_suggestions as hs
from exportpilot.products import profiles, service
from exportpilot.products.profile import ProductProfile
from exportpilot.products.schemas import (
    HSCandidateRead,
    HSClassifyRequest,
    HSClassifyResponse,
    HSCodeConfirm,
    HSCodeState,
    HSModelInfo,
    HSResult,
    ProductCreate,
    ProductFilter,
    ProductHSSuggestions,
    ProductRead,
    ProductUpdate,
    ProfileRead,
)

if TYPE_CHECKING:  # the engine is imported when a model is loaded, not with the API
    from exportpilot.products.hs_classifier import HSClassifier, HSPrediction

router = APIRouter(prefix="/products", tags=["products"])


@router.get("", response_model=Page[ProductRead], summary="List the products you may see")
def list_products(
    session: SessionDep, user: CurrentUser, params: PageDep, filters: Annotated[ProductFilter, Depends()]
) -> Page[ProductRead]:
    items, total = service.list_products(session, actor=user, filters=filters, params=params)
    return Page(
        items=[ProductRead.model_validate(p) for p in items], total=total, page=params.page, size=params.size
    )


@router.post("", response_model=ProductRead, status_code=status.HTTP_201_CREATED, summary="Add a product")
def create_product(body: ProductCreate, session: SessionDep, user: CurrentUser) -> ProductRead:
    return ProductRead.model_validate(service.create_product(session, data=body, actor=user))


@router.get("/{product_id}", response_model=ProductRead, summary="One product")
def get_product(product_id: int, session: SessionDep, user: CurrentUser) -> ProductRead:
    return ProductRead.model_validate(service.get_product(session, product_id=product_id, actor=user))


@router.patch("/{product_id}", response_model=ProductRead, summary="Change a product")
def update_product(
    product_id: int, body: ProductUpdate, session: SessionDep, user: CurrentUser
) -> ProductRead:
    return ProductRead.model_validate(
        service.update_product(session, product_id=product_id, data=body, actor=user)
    )


@router.delete("/{product_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a product")
def delete_product(product_id: int, session: SessionDep, user: CurrentUser) -> None:
    service.delete_product(session, product_id=product_id, actor=user)


# --------------------------------------------------------------------------- HS codes and profile

hs_router = APIRouter(prefix="/hs", tags=["hs"])

_NO_MODEL_DOC: dict[int | str, dict[str, Any]] = {
    409: {"description": "No HS model is built yet: run `exportpilot hs train`"},
    422: {"description": "Bad input: empty or over-long texts, bad `top`"},
}


def _model_info(model: HSClassifier) -> HSModelInfo:
    meta = model.metadata()
    return HSModelInfo(
        n_cases=meta["n_cases"],
        n_classes=meta["n_classes"],
        nomenclature_only=meta["nomenclature_only"],
        review_threshold=meta["review_threshold"],
        views=meta["views"],
    )


def _result(prediction: HSPrediction, in_nomenclature: set[str] | frozenset[str]) -> dict[str, Any]:
    candidates = [
        HSCandidateRead.model_validate(
            {
                **{k: getattr(c, k) for k in ("hs6", "hs4", "hs2", "probability", "title", "hs4_title")},
                "hs2_title": c.hs2_title,
                "in_nomenclature": c.hs6 in in_nomenclature,
                "neighbours": [vars(n) for n in c.neighbours],
                "nomenclature": [vars(line) for line in c.nomenclature],
                "nomenclature_similarity": c.nomenclature_similarity,
                "shared_words": list(c.shared_words),
            }
        )
        for c in prediction.candidates
    ]
    return {
        "text": prediction.text,
        "script": prediction.script,
        "needs_review": prediction.needs_review,
        "issue": prediction.issue,
        "candidates": candidates,
    }


def hs_state(session: SessionDep, product: Product) -> HSCodeState:
    name, trains = hs.confirmed_by_name(session, product)
    return HSCodeState(
        hs_code=product.hs_code,
        hs_source=product.hs_source,
        confirmed_by_id=product.hs_confirmed_by_id,
        confirmed_by_name=name,
        confirmed_at=product.hs_confirmed_at,
        model_probability=product.hs_model_probability,
        training_data=trains,
    )


@hs_router.post(
    "/classify",
    response_model=HSClassifyResponse,
    summary="Suggest HS6 codes for product descriptions",
    description="Classify 1-100 texts (Korean, English, mixed, and more) into HS6 codes with calibrated "
    "probabilities, HS4/HS2 titles and, with `explain`, the nearest customs cases and nomenclature lines. "
    "A text the classifier cannot read (binary data, emoji, no letters) gets no codes and `needs_review`; "
    "an unsupported script or a low top probability also sets `needs_review`, with the `issue`.",
    responses=_NO_MODEL_DOC,
)
def classify(body: HSClassifyRequest, session: SessionDep, user: CurrentUser) -> HSClassifyResponse:
    model, predictions = hs.classify_texts(
        session, actor=user, texts=body.texts, top=body.top, explain=body.explain
    )
    known = hs.hs2022_codes(session, {c.hs6 for p in predictions for c in p.candidates})
    return HSClassifyResponse(
        model=_model_info(model), results=[HSResult.model_validate(_result(p, known)) for p in predictions]
    )


@router.get(
    "/{product_id}/hs-suggestions",
    response_model=ProductHSSuggestions,
    summary="HS code suggestions for a product",
    description="The classifier's top HS6 codes for the product's names and the first sentence of its "
    "description, with probabilities, titles, the nearest cases and nomenclature lines, the "
    "`needs_review` flag, and the product's current code with its source.",
    responses=_NO_MODEL_DOC,
)
def hs_suggestions(
    product_id: int,
    session: SessionDep,
    user: CurrentUser,
    top: Annotated[int, Query(ge=1, le=hs.MAX_TOP, description="Codes to suggest")] = 5,
) -> ProductHSSuggestions:
    found = hs.suggest_for_product(session, product_id=product_id, actor=user, top=top)
    return ProductHSSuggestions.model_validate(
        _result(found.prediction, found.in_nomenclature)
        | {
            "product_id": found.product.id,
            "text_digest": found.digest,
            "model": _model_info(found.model),
            "current": hs_state(session, found.product),
        }
    )


@router.post(
    "/{product_id}/hs-code",
    response_model=HSCodeState,
    summary="Confirm or correct a product's HS code",
    description="Staff accept a suggestion (`source` model) or set their own code (advisor); the product's "
    "exporter accepts a suggestion or states its own code (exporter). The code is stored with its source, "
    "who and when, and the text it was confirmed on; staff confirmations are training data of the next "
    "`exportpilot hs train`. Audited.",
    responses={
        409: {"description": "No HS model (for source model), or the product's text changed since"},
        422: {"description": "Not an HS 2022 subheading, or not among the suggestions for source model"},
    },
)
def confirm_hs_code(
    product_id: int, body: HSCodeConfirm, session: SessionDep, user: CurrentUser
) -> HSCodeState:
    product = hs.confirm_hs_code(
        session,
        product_id=product_id,
        actor=user,
        code=body.code,
        source=body.source,
        digest=body.text_digest,
    )
    return hs_state(session, product)


def _profile_read(view: profiles.ProfileView) -> ProfileRead:
    return ProfileRead(
        product_id=view.product.id,
        profile=view.profile,
        source=view.source,
        updated_at=view.updated_at,
        stored=view.stored,
    )


@router.get(
    "/{product_id}/profile",
    response_model=ProfileRead,
    summary="A product's profile",
    description="Material, key specifications with units, certifications, intended use, differentiators "
    "and Korean/English keywords. When none is stored yet, a fresh extraction (`stored` false).",
)
def get_profile(product_id: int, session: SessionDep, user: CurrentUser) -> ProfileRead:
    return _profile_read(profiles.get_profile(session, product_id=product_id, actor=user))


@router.put(
    "/{product_id}/profile",
    response_model=ProfileRead,
    summary="Edit a product's profile",
    description="Store the profile as written (`source` edited); later changes of the product's texts "
    "no longer re-extract it. Audited.",
)
def put_profile(product_id: int, body: ProductProfile, session: SessionDep, user: CurrentUser) -> ProfileRead:
    return _profile_read(profiles.update_profile(session, product_id=product_id, actor=user, profile=body))


@router.post(
    "/{product_id}/profile/extract",
    response_model=ProfileRead,
    summary="Re-extract a product's profile",
    description="Extract the profile from the product's current names, descriptions, specifications and "
    "certifications and store it, replacing any edits. Audited.",
)
def extract_profile(product_id: int, session: SessionDep, user: CurrentUser) -> ProfileRead:
    return _profile_read(profiles.extract_profile_for(session, product_id=product_id, actor=user))
