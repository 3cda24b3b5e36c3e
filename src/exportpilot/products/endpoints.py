from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from exportpilot.api.deps import CurrentUser, PageDep, SessionDep
from exportpilot.kit.pagination import Page
from exportpilot.products import service
from exportpilot.products.schemas import ProductCreate, ProductFilter, ProductRead, ProductUpdate

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
