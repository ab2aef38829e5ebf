"""create orders

Revision ID: ae1027a6acf
Revises: 1975ea83b712
Create Date: 2026-11-21 07:19:33.107529

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ae1027a6acf'
down_revision = '1975ea83b712'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE orders (
            id serial PRIMARY KEY,
            user_id integer NOT NULL REFERENCES users (id),
            note text DEFAULT 'a;b'
        )
    """)



def downgrade() -> None:
    op.execute("DROP TABLE orders")

