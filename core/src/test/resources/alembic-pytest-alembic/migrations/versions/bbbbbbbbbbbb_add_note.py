"""add note

Revision ID: bbbbbbbbbbbb
Revises: aaaaaaaaaaaa
Create Date: 2024-03-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "bbbbbbbbbbbb"
down_revision = "aaaaaaaaaaaa"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("created_at", sa.Column("note", sa.Unicode(), nullable=True))
    op.create_index("ix_created_at_created_at", "created_at", ["created_at"])


def downgrade():
    op.drop_index("ix_created_at_created_at", table_name="created_at")
    op.drop_column("created_at", "note")
