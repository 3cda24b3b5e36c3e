"""product profile and HS code feedback

The structured product profile (JSON, how and when it was written) and the provenance of a product's
HS code: its source (model, advisor, exporter), who confirmed it, when, on which text, and the
classifier's probability for it then.

Revision ID: 4a7b0c0ffee3
Revises: e5b2c0ffee02
Create Date: 2026-11-22 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4a7b0c0ffee3"
down_revision: str | None = "e5b2c0ffee02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "hs_source",
                sa.Enum("model", "advisor", "exporter", name="hscodesource", native_enum=False, length=16),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("hs_confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hs_confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("hs_confirmed_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("hs_model_probability", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("profile", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "profile_source",
                sa.Enum("extracted", "edited", name="profilesource", native_enum=False, length=16),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("profile_updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_products_hs_confirmed_by_id_users"),
            "users",
            ["hs_confirmed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_products_hs_confirmed_by_id_users"), type_="foreignkey")
        batch_op.drop_column("profile_updated_at")
        batch_op.drop_column("profile_source")
        batch_op.drop_column("profile")
        batch_op.drop_column("hs_model_probability")
        batch_op.drop_column("hs_confirmed_text")
        batch_op.drop_column("hs_confirmed_at")
        batch_op.drop_column("hs_confirmed_by_id")
        batch_op.drop_column("hs_source")
