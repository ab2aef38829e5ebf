"""add tags

Revision ID: 5f0c2a9e7b14
Revises: d47ad6525116
Create Date: 2026-11-26 07:50:12.402113

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5f0c2a9e7b14'
down_revision = 'd47ad6525116'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), server_default='untitled', nullable=False)
    )
    op.create_primary_key('pk_tag', 'tag', ['id'])
    op.add_column('item', sa.Column('tag_id', sa.Integer(), nullable=True))
    op.create_foreign_key(None, 'item', 'tag', ['tag_id'], ['id'])


def downgrade() -> None:
    op.drop_constraint('item_tag_id_fkey', 'item', type_='foreignkey')
    op.drop_column('item', 'tag_id')
    op.drop_table('tag')
