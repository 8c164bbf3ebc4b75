from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from database import Base


class UTCDateTime(TypeDecorator):
    """Store naive UTC, hand back aware UTC: SQLite and PostgreSQL then agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50))  # unique without regard to case: see below
    email: Mapped[str] = mapped_column(String(120), unique=True)
    image_file: Mapped[str] = mapped_column(String(200), default="default.svg")

    # passive_deletes: the database deletes a user's posts (ON DELETE CASCADE); the ORM never loads them.
    # lazy="raise": touching a relationship that was not eager-loaded raises instead of quietly
    # running SQL, which an AsyncSession could not do anyway.
    posts: Mapped[list["Post"]] = relationship(back_populates="author", passive_deletes=True, lazy="raise")

    @property
    def image_path(self) -> str:
        return f"/static/profile_pics/{self.image_file}"


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)
    # ON DELETE CASCADE: deleting a user deletes their posts in the same statement, even one created
    # by a concurrent request after the user was read.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    date_posted: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(back_populates="posts", lazy="raise")


# "Zed" and "zed" are one user: the database refuses the second, even from two requests at once. (SQLite's
# lower() folds ASCII letters only; PostgreSQL's folds every letter its locale knows.)
Index("users_username_lower_key", func.lower(User.username), unique=True)
# Newest first, a page at a time: both orders are read from an index, whatever the number of posts.
Index("posts_newest", Post.date_posted, Post.id)
Index("posts_user_newest", Post.user_id, Post.date_posted, Post.id)
