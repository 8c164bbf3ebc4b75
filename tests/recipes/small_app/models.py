from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from database import Base


# Table names of their own: the test may run on a PostgreSQL database that other suites use too.
class User(Base):
    __tablename__ = "recipe_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    items: Mapped[list["Item"]] = relationship(back_populates="owner", lazy="raise")


class Item(Base):
    __tablename__ = "recipe_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    owner_id: Mapped[int] = mapped_column(ForeignKey("recipe_users.id"))
    owner: Mapped[User] = relationship(back_populates="items", lazy="raise")
