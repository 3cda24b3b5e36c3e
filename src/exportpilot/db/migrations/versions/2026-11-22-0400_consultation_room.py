"""online consultation room

Advisors' published availability at overseas offices (windows in their own time zone) and exporters'
video consultation bookings, with partial unique indexes so that a slot cannot be booked twice.

Revision ID: e5b2c0ffee02
Revises: e5a1c0ffee01
Create Date: 2026-11-22 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5b2c0ffee02"
down_revision: str | None = "e5a1c0ffee01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = "status IN ('requested', 'confirmed')"
TOPICS = (
    "market_entry",
    "buyer_search",
    "certification",
    "tariffs_regulation",
    "logistics",
    "contracts_payment",
    "marketing",
    "other",
)


def upgrade() -> None:
    op.create_table(
        "advisor_availabilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(length=120), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("country_code", sa.String(length=3), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("markets", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_generated", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["advisor_id"],
            ["users.id"],
            name=op.f("fk_advisor_availabilities_advisor_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["countries.iso3"],
            name=op.f("fk_advisor_availabilities_country_code_countries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisor_availabilities")),
    )
    with op.batch_alter_table("advisor_availabilities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_advisor_availabilities_advisor_id"), ["advisor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_advisor_availabilities_country_code"), ["country_code"], unique=False
        )

    op.create_table(
        "advisor_availability_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("availability_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.CheckConstraint(
            "(weekday IS NULL AND on_date IS NOT NULL) OR (weekday IS NOT NULL AND on_date IS NULL)",
            name=op.f("ck_advisor_availability_windows_weekday_or_date"),
        ),
        sa.CheckConstraint(
            "weekday IS NULL OR (weekday >= 0 AND weekday <= 6)",
            name=op.f("ck_advisor_availability_windows_weekday_range"),
        ),
        sa.ForeignKeyConstraint(
            ["availability_id"],
            ["advisor_availabilities.id"],
            name=op.f("fk_advisor_availability_windows_availability_id_advisor_availabilities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisor_availability_windows")),
    )
    with op.batch_alter_table("advisor_availability_windows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_advisor_availability_windows_availability_id"), ["availability_id"], unique=False
        )

    op.create_table(
        "consultation_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("availability_id", sa.Integer(), nullable=True),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("advisor_timezone", sa.String(length=64), nullable=False),
        sa.Column("exporter_timezone", sa.String(length=64), nullable=False),
        sa.Column("office", sa.String(length=120), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column(
            "topic",
            sa.Enum(*TOPICS, name="consultationtopic", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("market", sa.String(length=3), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "confirmed",
                "declined",
                "cancelled",
                name="consultationstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column("status_reason", sa.String(length=500), nullable=True),
        sa.Column("meeting_token", sa.String(length=32), nullable=False),
        sa.Column("meeting_link", sa.String(length=500), nullable=True),
        sa.Column("ical_uid", sa.String(length=120), nullable=False),
        sa.Column("ical_sequence", sa.Integer(), nullable=False),
        sa.Column("is_generated", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_consultation_bookings_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["advisor_id"],
            ["users.id"],
            name=op.f("fk_consultation_bookings_advisor_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["availability_id"],
            ["advisor_availabilities.id"],
            name=op.f("fk_consultation_bookings_availability_id_advisor_availabilities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"],
            ["users.id"],
            name=op.f("fk_consultation_bookings_cancelled_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_consultation_bookings_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_consultation_bookings_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["market"], ["countries.iso3"], name=op.f("fk_consultation_bookings_market_countries")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_consultation_bookings_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_bookings")),
        sa.UniqueConstraint("ical_uid", name=op.f("uq_consultation_bookings_ical_uid")),
    )
    with op.batch_alter_table("consultation_bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_bookings_advisor_id"), ["advisor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_consultation_bookings_availability_id"), ["availability_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consultation_bookings_company_id"), ["company_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_consultation_bookings_requested_by_id"), ["requested_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consultation_bookings_starts_at"), ["starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_bookings_status"), ["status"], unique=False)
    # Only active bookings hold a slot: a declined or cancelled one frees it for someone else.
    op.create_index(
        "uq_consultation_bookings_advisor_slot",
        "consultation_bookings",
        ["advisor_id", "starts_at"],
        unique=True,
        sqlite_where=sa.text(ACTIVE),
        postgresql_where=sa.text(ACTIVE),
    )
    op.create_index(
        "uq_consultation_bookings_company_slot",
        "consultation_bookings",
        ["company_id", "starts_at"],
        unique=True,
        sqlite_where=sa.text(ACTIVE),
        postgresql_where=sa.text(ACTIVE),
    )


def downgrade() -> None:
    op.drop_index("uq_consultation_bookings_company_slot", table_name="consultation_bookings")
    op.drop_index("uq_consultation_bookings_advisor_slot", table_name="consultation_bookings")
    with op.batch_alter_table("consultation_bookings", schema=None) as batch_op:
        for column in (
            "status",
            "starts_at",
            "requested_by_id",
            "company_id",
            "availability_id",
            "advisor_id",
        ):
            batch_op.drop_index(batch_op.f(f"ix_consultation_bookings_{column}"))
    op.drop_table("consultation_bookings")
    with op.batch_alter_table("advisor_availability_windows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_advisor_availability_windows_availability_id"))
    op.drop_table("advisor_availability_windows")
    with op.batch_alter_table("advisor_availabilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_advisor_availabilities_country_code"))
        batch_op.drop_index(batch_op.f("ix_advisor_availabilities_advisor_id"))
    op.drop_table("advisor_availabilities")
