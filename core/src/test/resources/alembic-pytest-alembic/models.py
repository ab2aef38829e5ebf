import sqlalchemy
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class CreatedAt(Base):
    __tablename__ = "created_at"

    id = sqlalchemy.Column(sqlalchemy.types.Integer(), autoincrement=True, primary_key=True)
    created_at = sqlalchemy.Column(sqlalchemy.types.DateTime(timezone=True), nullable=False,
                                   server_default=sqlalchemy.text("now()"))
    note = sqlalchemy.Column(sqlalchemy.types.Unicode(), nullable=True)
