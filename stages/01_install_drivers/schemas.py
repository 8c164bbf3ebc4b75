import unicodedata
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

# Ids are INTEGER columns: anything outside 1..2**31-1 cannot name a row on any backend.
MAX_ID = 2_147_483_647


def no_nul(value: str) -> str:
    # PostgreSQL refuses to store NUL characters in text columns.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def one_spelling(value: str) -> str:
    # NFKC gives one spelling per name: "ＺＥＤ" becomes "ZED", a decomposed "café" the composed one.
    value = unicodedata.normalize("NFKC", value)
    if not value.strip():
        raise ValueError("must not be blank")
    # Invisible characters (a zero-width space, bidi controls like U+202E) would make look-alike names.
    if any(unicodedata.category(char) in {"Cc", "Cf", "Co", "Cn"} for char in value):
        raise ValueError("must not contain control, format or unassigned characters")
    if len(value) > 50:  # NFKC can lengthen a name: "ﷺ" is 18 characters
        raise ValueError("must have at most 50 characters")
    return value


# Usernames are also compared without regard to case (models.py: a unique index on lower(username)).
Username = Annotated[
    str, Field(min_length=1, max_length=50), AfterValidator(no_nul), AfterValidator(one_spelling)
]
Email = Annotated[EmailStr, Field(max_length=120)]
Title = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(no_nul)]
Content = Annotated[str, Field(min_length=1, max_length=10_000), AfterValidator(no_nul)]
# strict: a JSON integer only, not true, 1.0 or "1".
UserId = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]


class UserCreate(BaseModel):
    username: Username
    email: Email


class UserUpdate(BaseModel):
    username: Username | None = None
    email: Email | None = None


class UserResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    email: str
    image_file: str
    image_path: str


class PostCreate(BaseModel):
    title: Title
    content: Content
    user_id: UserId


class PostUpdate(BaseModel):
    title: Title | None = None
    content: Content | None = None


class PostResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    content: str
    user_id: int
    date_posted: datetime
    author: UserResponse


class Message(BaseModel):
    detail: str
