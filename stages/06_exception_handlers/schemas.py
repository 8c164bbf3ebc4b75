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


Username = Annotated[str, Field(min_length=1, max_length=50), AfterValidator(no_nul)]
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
