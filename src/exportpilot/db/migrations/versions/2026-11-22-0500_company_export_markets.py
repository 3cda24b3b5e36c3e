"""company export markets

Where a company's exports go: one row per company × year × destination country with the value in US
dollars. The market recommender treats these markets as the firm's current position.

Revision ID: 3c0ffee00004
Revises: 4a7b0c0ffee3
Create Date: 2026-11-22 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c0ffee00004"
down_revision: str | None = "4a7b0c0ffee3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "company_export_markets",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=3), nullable=False),
        sa.Column("value_usd", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_company_export_markets_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["countries.iso3"],
            name=op.f("fk_company_export_markets_country_code_countries"),
        ),
        sa.PrimaryKeyConstraint("company_id", "year", "country_code", name=op.f("pk_company_export_markets")),
    )


def downgrade() -> None:
    op.drop_table("company_export_markets")
