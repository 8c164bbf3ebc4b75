from sqlmodel import Field, Relationship, SQLModel

# Constraint names that Alembic's autogenerate and every database agree on.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


class Base(SQLModel):
    """The app's table models; Base.metadata is SQLModel.metadata, which Alembic's env.py reads."""


class User(Base, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=255, unique=True, index=True)
    full_name: str | None = Field(default=None, max_length=255)
    hashed_password: str = Field(max_length=255)
    is_active: bool = True
    is_superuser: bool = False
    # Relationship() has no lazy= of its own: SQLAlchemy's options go in sa_relationship_kwargs.
    items: list["Item"] = Relationship(
        back_populates="owner", passive_deletes=True, sa_relationship_kwargs={"lazy": "raise"}
    )


class Item(Base, table=True):
    __tablename__ = "items"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=255)
    description: str | None = Field(default=None, max_length=255)
    owner_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    owner: User = Relationship(back_populates="items", sa_relationship_kwargs={"lazy": "raise"})
