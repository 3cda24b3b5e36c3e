"""buyer screening, inquiries and introductions

Screening decisions and merges on buyers; buyers' inquiries (RFQs); introductions of buyers to
exporters' products with the history of their stages.

Revision ID: 9daeb6111be0
Revises: 87c7a4a94932
Create Date: 2026-11-22 00:39:04.188694
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9daeb6111be0"
down_revision: str | None = "87c7a4a94932"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inquiries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("hs_code", sa.String(length=6), nullable=True),
        sa.Column(
            "hs_source",
            sa.Enum("buyer", "classifier", name="hssource", native_enum=False, length=16),
            nullable=True,
        ),
        sa.Column("hs_note", sa.String(length=300), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=True),
        sa.Column("target_price", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("destination_country", sa.String(length=3), nullable=True),
        sa.Column("certifications", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("open", "closed", name="inquirystatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("is_generated", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_inquiries_buyer_id_buyers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_inquiries_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["currency"], ["currencies.code"], name=op.f("fk_inquiries_currency_currencies")
        ),
        sa.ForeignKeyConstraint(
            ["destination_country"],
            ["countries.iso3"],
            name=op.f("fk_inquiries_destination_country_countries"),
        ),
        sa.ForeignKeyConstraint(["hs_code"], ["hs_codes.code"], name=op.f("fk_inquiries_hs_code_hs_codes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiries")),
    )
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inquiries_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inquiries_hs_code"), ["hs_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_inquiries_status"), ["status"], unique=False)

    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("inquiry_id", sa.Integer(), nullable=True),
        sa.Column(
            "stage",
            sa.Enum(
                "introduced",
                "accepted",
                "declined",
                "contacted",
                "meeting",
                "sample",
                "contract",
                name="introductionstage",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("introduced_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "decline_reason",
            sa.Enum(
                "price",
                "moq",
                "certification",
                "specification",
                "not_relevant",
                "timing",
                "other",
                name="declinereason",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("decline_note", sa.String(length=500), nullable=True),
        sa.Column("contract_value", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("contract_currency", sa.String(length=3), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_introductions_buyer_id_buyers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_introductions_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contract_currency"],
            ["currencies.code"],
            name=op.f("fk_introductions_contract_currency_currencies"),
        ),
        sa.ForeignKeyConstraint(
            ["inquiry_id"],
            ["inquiries.id"],
            name=op.f("fk_introductions_inquiry_id_inquiries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["introduced_by_id"],
            ["users.id"],
            name=op.f("fk_introductions_introduced_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_introductions_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introductions")),
    )
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_introductions_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_introductions_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_introductions_inquiry_id"), ["inquiry_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_introductions_introduced_by_id"), ["introduced_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_introductions_product_id"), ["product_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_introductions_stage"), ["stage"], unique=False)

    op.create_table(
        "introduction_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("introduction_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "introduced",
                "accepted",
                "declined",
                "contacted",
                "meeting",
                "sample",
                "contract",
                name="introductionstage",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_introduction_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["introductions.id"],
            name=op.f("fk_introduction_events_introduction_id_introductions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introduction_events")),
    )
    with op.batch_alter_table("introduction_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_introduction_events_introduction_id"), ["introduction_id"], unique=False
        )

    with op.batch_alter_table("buyers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "verified_via",
                sa.Enum(
                    "advisor", "overseas_office", name="verificationsource", native_enum=False, length=16
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("status_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("status_changed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_buyers_merged_into_id"), ["merged_into_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_buyers_merged_into_id_buyers"),
            "buyers",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_buyers_status_changed_by_id_users"),
            "users",
            ["status_changed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("buyers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_buyers_status_changed_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_buyers_merged_into_id_buyers"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_buyers_merged_into_id"))
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("status_changed_by_id")
        batch_op.drop_column("status_changed_at")
        batch_op.drop_column("status_reason")
        batch_op.drop_column("verified_via")

    with op.batch_alter_table("introduction_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_introduction_events_introduction_id"))

    op.drop_table("introduction_events")
    with op.batch_alter_table("introductions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_introductions_stage"))
        batch_op.drop_index(batch_op.f("ix_introductions_product_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_introduced_by_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_inquiry_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_company_id"))
        batch_op.drop_index(batch_op.f("ix_introductions_buyer_id"))

    op.drop_table("introductions")
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inquiries_status"))
        batch_op.drop_index(batch_op.f("ix_inquiries_hs_code"))
        batch_op.drop_index(batch_op.f("ix_inquiries_buyer_id"))

    op.drop_table("inquiries")
