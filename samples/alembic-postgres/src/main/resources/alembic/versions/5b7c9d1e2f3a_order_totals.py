"""order totals

Revision ID: 5b7c9d1e2f3a
Revises: 3a4e5b6c7d8e
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '5b7c9d1e2f3a'
down_revision: str = '3a4e5b6c7d8e'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("total", sa.Numeric(10, 2), nullable=False, server_default="0"))
    op.create_index("orders_user_id_idx", "orders", ["user_id"])
    op.alter_column("users", "name", type_=sa.String(100), existing_type=sa.String(50))


def downgrade() -> None:
    op.alter_column("users", "name", type_=sa.String(50), existing_type=sa.String(100))
    op.drop_index("orders_user_id_idx", table_name="orders")
    op.drop_column("orders", "total")
