"""backfill full names

Revision ID: 8c1d4e2f6a90
Revises: 5f0c2a9e7b14
Create Date: 2026-11-26 07:52:40.118207

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import declarative_base


# revision identifiers, used by Alembic.
revision = '8c1d4e2f6a90'
down_revision = '5f0c2a9e7b14'
branch_labels = None
depends_on = None

Base = declarative_base()


class User(Base):
    """The user table as this revision knows it: its own model, not the application's current one."""
    __tablename__ = 'user'
    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(length=255), nullable=False)
    full_name = sa.Column(sa.String(length=100))


def upgrade() -> None:
    bind = op.get_bind()
    session = orm.Session(bind=bind)
    for user in session.query(User).filter(User.full_name.is_(None)):
        user.full_name = user.email.split('@')[0][:100]
    session.flush()


def downgrade() -> None:
    # the names were missing before; leaving them filled in loses nothing
    pass
