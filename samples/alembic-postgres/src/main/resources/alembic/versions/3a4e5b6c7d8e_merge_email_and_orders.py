"""merge email and orders

Revision ID: 3a4e5b6c7d8e
Revises: 27c6a30d7c24, ae1027a6acf
Create Date: 2026-11-21 07:19:33.351827

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a4e5b6c7d8e'
down_revision = ('27c6a30d7c24', 'ae1027a6acf')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
