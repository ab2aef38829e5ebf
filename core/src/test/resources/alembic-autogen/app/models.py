import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "user"
    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(length=255), nullable=False, unique=False, index=True)
    __table_args__ = ()
    full_name = sa.Column(sa.String(length=100), nullable=True, index=True)
    is_active = sa.Column(sa.Boolean, nullable=False, server_default=sa.text("true"))


class Item(Base):
    __tablename__ = "item"
    id = sa.Column(sa.Integer, primary_key=True)
    title = sa.Column(sa.String(length=255), nullable=False, index=True)
    description = sa.Column(sa.String(length=255), nullable=True)
    owner_id = sa.Column(sa.Integer, sa.ForeignKey("user.id"), nullable=False)
