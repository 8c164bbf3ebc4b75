import unicodedata
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
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


def username_key(username: str) -> str:
    """What two usernames must not share: "Zed", "zed" and "ＺＥＤ" have one key, "École" and "école" too.

    Computed here, not by the database: SQLite's lower() folds ASCII letters only, PostgreSQL's the letters
    its locale knows. casefold() turns "İ" into "i" and a combining dot, which people read as "i"."""
    folded = unicodedata.normalize("NFKC", username).casefold()
    return unicodedata.normalize("NFKC", folded).replace("i\u0307", "i")


def key_of_inserted_username(context) -> str:
    # A row inserted without the ORM (a bulk insert) gets its key too.
    return username_key(context.get_current_parameters()["username"])


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50))
    # The name as names are compared: see username_key() and the index below. casefold() can make a name
    # longer ("ß" is "ss"), hence the room.
    username_key: Mapped[str] = mapped_column(String(200), default=key_of_inserted_username)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    image_file: Mapped[str] = mapped_column(String(200), default="default.svg")

    # passive_deletes: the database deletes a user's posts (ON DELETE CASCADE); the ORM never loads them.
    posts: Mapped[list["Post"]] = relationship(back_populates="author", passive_deletes=True)

    @validates("username")
    def keep_key(self, attribute: str, username: str) -> str:
        self.username_key = username_key(username)  # on every change of the name, through the ORM
        return username

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

    author: Mapped[User] = relationship(back_populates="posts")


# "Zed", "zed", "ＺＥＤ", "École" and "école" are one user: the database refuses the second, even from two
# requests at once. It compares the name lowered (casefolded) by username_key(), the same on every database.
Index("users_username_lower_key", User.username_key, unique=True)
# Newest first, a page at a time: both orders are read from an index, whatever the number of posts.
Index("posts_newest", Post.date_posted, Post.id)
Index("posts_user_newest", Post.user_id, Post.date_posted, Post.id)
