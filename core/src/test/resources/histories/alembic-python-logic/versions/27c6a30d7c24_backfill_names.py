"""backfill names

Revision ID: 27c6a30d7c24
Revises: 1975ea83b712
"""
from alembic import op
import sqlalchemy as sa

revision: str = '27c6a30d7c24'
down_revision: str = '1975ea83b712'
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    for row in conn.execute(sa.text("select id from users")):
        conn.execute(sa.text("update users set name = upper(name) where id = :id"), {"id": row.id})


def downgrade() -> None:
    pass
