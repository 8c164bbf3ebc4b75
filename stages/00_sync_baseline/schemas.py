import re
import unicodedata
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, EmailStr, Field

# Ids are INTEGER columns: anything outside 1..2**31-1 cannot name a row on any backend.
MAX_ID = 2_147_483_647


def no_nul(value: str) -> str:
    # PostgreSQL refuses to store NUL characters in text columns.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# Characters that show nothing, though Unicode counts them as letters or symbols: Hangul fillers, the blank
# Braille pattern, variation selectors and the like.
INVISIBLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)
# A letter's script is the first word of its Unicode name (LATIN, CYRILLIC, GREEK...). Chinese, Japanese and
# Korean names mix these: they count as one.
EAST_ASIAN = {"CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC"}


def scripts(value: str) -> set[str]:
    """The scripts of the letters of a name (not of its modifier letters, which scripts share)."""
    letters = [char for char in value if unicodedata.category(char) in {"Lu", "Ll", "Lt", "Lo"}]
    words = {unicodedata.name(char, "?").split(" ")[0] for char in letters}
    return {"CJK" if word in EAST_ASIAN else word for word in words}


def one_spelling(value: str) -> str:
    # NFKC gives one spelling per name: "ＺＥＤ" becomes "ZED", a decomposed "café" the composed one, a
    # no-break space a plain one.
    value = unicodedata.normalize("NFKC", value)
    if not value.strip():
        raise ValueError("must not be blank")
    # Invisible characters (a zero-width space, bidi controls like U+202E) would make look-alike names.
    if any(unicodedata.category(char) in {"Cc", "Cf", "Co", "Cn"} for char in value):
        raise ValueError("must not contain control, format or unassigned characters")
    if INVISIBLE.search(value) or any(
        unicodedata.category(char)[0] == "Z" for char in value.replace(" ", "")
    ):
        raise ValueError("must not contain invisible characters or spaces other than the plain one")
    if value != value.strip() or "  " in value:  # "victim " looks like "victim"
        raise ValueError("must not start or end with a space, or have two in a row")
    if (
        not any(unicodedata.category(char)[0] in "LN" for char in value)
        or unicodedata.category(value[0])[0] == "M"
    ):
        raise ValueError("must contain a letter or a digit, and not start with a combining mark")
    if len(scripts(value)) > 1:  # "victіm" with a Cyrillic "і" looks like "victim"
        raise ValueError("must not mix the letters of two scripts")
    if len(value) > 50:  # NFKC can lengthen a name: "ﷺ" is 18 characters
        raise ValueError("must have at most 50 characters")
    return value


def nfkc(value: object) -> object:
    # "ｕser@example.com" is "user@example.com": one spelling per address, as per username.
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


# Usernames are also compared without regard to case (models.py: username_key, unique).
Username = Annotated[
    str, Field(min_length=1, max_length=50), AfterValidator(no_nul), AfterValidator(one_spelling)
]
Email = Annotated[EmailStr, BeforeValidator(nfkc), Field(max_length=120)]
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
