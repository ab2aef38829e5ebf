"""add email

Revision ID: 27c6a30d7c24
Revises: 1975ea83b712
Create Date: 2026-11-21 07:19:32.868816

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '27c6a30d7c24'
down_revision = '1975ea83b712'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("email", sa.String(120)))
    op.execute("""
        UPDATE users SET email = name || '@example.com';
        CREATE INDEX users_email_idx ON users (email);
    """)



def downgrade() -> None:
    op.drop_index("users_email_idx", table_name="users")
    op.drop_column("users", "email")

