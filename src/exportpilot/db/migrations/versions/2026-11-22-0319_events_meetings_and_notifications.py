"""events, meetings and notifications

Export consultation meetings (issue 5): events with their slots, participants (buyers and exporters'
companies), interpreter capacity per language and slot, meeting requests from either side, the
scheduled meetings and the notifications sent to participants when something changes.

Revision ID: e5a1c0ffee01
Revises: 9daeb6111be0
Create Date: 2026-11-22 03:19:07.516388
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5a1c0ffee01"
down_revision: str | None = "9daeb6111be0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "in_person", "trade_mission", "online_week", name="eventtype", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("draft", "open", "scheduled", "closed", name="eventstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("venue", sa.String(length=200), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("tables", sa.Integer(), nullable=False),
        sa.Column("working_start", sa.Time(), nullable=False),
        sa.Column("working_end", sa.Time(), nullable=False),
        sa.Column("last_run", sa.JSON(), nullable=True),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("is_generated", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("tables >= 1", name=op.f("ck_events_tables_positive")),
        sa.CheckConstraint("working_end > working_start", name=op.f("ck_events_working_hours_order")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_events_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_status"), ["status"], unique=False)

    op.create_table(
        "event_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("buyer", "exporter", name="participantkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("max_meetings", sa.Integer(), nullable=True),
        sa.Column("available_slot_ids", sa.JSON(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("working_start", sa.Time(), nullable=True),
        sa.Column("working_end", sa.Time(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'buyer' AND buyer_id IS NOT NULL AND company_id IS NULL) OR "
            "(kind = 'exporter' AND company_id IS NOT NULL AND buyer_id IS NULL)",
            name=op.f("ck_event_participants_one_party"),
        ),
        sa.CheckConstraint(
            "max_meetings IS NULL OR max_meetings >= 0",
            name=op.f("ck_event_participants_max_meetings_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["buyers.id"],
            name=op.f("fk_event_participants_buyer_id_buyers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_event_participants_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_participants_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_participants")),
        sa.UniqueConstraint("event_id", "buyer_id", name="uq_event_participants_event_buyer"),
        sa.UniqueConstraint("event_id", "company_id", name="uq_event_participants_event_company"),
    )
    with op.batch_alter_table("event_participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_participants_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_participants_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_participants_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_event_slots_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_slots_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_slots")),
    )
    with op.batch_alter_table("event_slots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_slots_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_interpreters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_event_interpreters_count_non_negative")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_interpreters_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["event_slots.id"],
            name=op.f("fk_event_interpreters_slot_id_event_slots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_interpreters")),
        sa.UniqueConstraint("slot_id", "language", name="uq_event_interpreters_slot_language"),
    )
    with op.batch_alter_table("event_interpreters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_interpreters_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_interpreters_slot_id"), ["slot_id"], unique=False)

    op.create_table(
        "event_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("buyer_participant_id", sa.Integer(), nullable=False),
        sa.Column("exporter_participant_id", sa.Integer(), nullable=False),
        sa.Column(
            "requested_by",
            sa.Enum("buyer", "exporter", "organiser", name="requestside", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "accepted",
                "declined",
                "withdrawn",
                name="requeststatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("buyer_priority", sa.Integer(), nullable=True),
        sa.Column("exporter_priority", sa.Integer(), nullable=True),
        sa.Column("mutual", sa.Boolean(), nullable=False),
        sa.Column("match_score", sa.Float(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("requested_by_user_id", sa.Integer(), nullable=True),
        sa.Column("responded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "buyer_priority IS NULL OR buyer_priority BETWEEN 1 AND 5",
            name=op.f("ck_event_requests_buyer_priority"),
        ),
        sa.CheckConstraint(
            "exporter_priority IS NULL OR exporter_priority BETWEEN 1 AND 5",
            name=op.f("ck_event_requests_exporter_priority"),
        ),
        sa.ForeignKeyConstraint(
            ["buyer_participant_id"],
            ["event_participants.id"],
            name=op.f("fk_event_requests_buyer_participant_id_event_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_requests_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["exporter_participant_id"],
            ["event_participants.id"],
            name=op.f("fk_event_requests_exporter_participant_id_event_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_user_id"],
            ["users.id"],
            name=op.f("fk_event_requests_requested_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_user_id"],
            ["users.id"],
            name=op.f("fk_event_requests_responded_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_requests")),
        sa.UniqueConstraint("buyer_participant_id", "exporter_participant_id", name="uq_event_requests_pair"),
    )
    with op.batch_alter_table("event_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_requests_buyer_participant_id"), ["buyer_participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_event_requests_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_event_requests_exporter_participant_id"), ["exporter_participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_event_requests_status"), ["status"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_notifications_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["event_participants.id"],
            name=op.f("fk_notifications_participant_id_event_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_participant_id"), ["participant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notifications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "event_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("table_no", sa.Integer(), nullable=False),
        sa.Column("interpreter", sa.String(length=8), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled", "confirmed", "cancelled", name="meetingstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("cancelled_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("table_no >= 1", name=op.f("ck_event_meetings_table_positive")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_meetings_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["event_requests.id"],
            name=op.f("fk_event_meetings_request_id_event_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["event_slots.id"],
            name=op.f("fk_event_meetings_slot_id_event_slots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_meetings")),
        sa.UniqueConstraint("request_id", name="uq_event_meetings_request_id"),
    )
    with op.batch_alter_table("event_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_meetings_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_meetings_slot_id"), ["slot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_meetings_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_meetings_status"))
        batch_op.drop_index(batch_op.f("ix_event_meetings_slot_id"))
        batch_op.drop_index(batch_op.f("ix_event_meetings_event_id"))

    op.drop_table("event_meetings")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_participant_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_event_id"))
        batch_op.drop_index(batch_op.f("ix_notifications_created_at"))

    op.drop_table("notifications")
    with op.batch_alter_table("event_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_requests_status"))
        batch_op.drop_index(batch_op.f("ix_event_requests_exporter_participant_id"))
        batch_op.drop_index(batch_op.f("ix_event_requests_event_id"))
        batch_op.drop_index(batch_op.f("ix_event_requests_buyer_participant_id"))

    op.drop_table("event_requests")
    with op.batch_alter_table("event_interpreters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_interpreters_slot_id"))
        batch_op.drop_index(batch_op.f("ix_event_interpreters_event_id"))

    op.drop_table("event_interpreters")
    with op.batch_alter_table("event_slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_slots_event_id"))

    op.drop_table("event_slots")
    with op.batch_alter_table("event_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_participants_event_id"))
        batch_op.drop_index(batch_op.f("ix_event_participants_company_id"))
        batch_op.drop_index(batch_op.f("ix_event_participants_buyer_id"))

    op.drop_table("event_participants")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_status"))
        batch_op.drop_index(batch_op.f("ix_events_created_by_id"))

    op.drop_table("events")
