from pydantic import BaseModel

from app.crud.base import CRUDBase
from app.models import User


class UserCreate(BaseModel):
    email: str


class CRUDUser(CRUDBase[User, UserCreate]):
    pass


user = CRUDUser(User)
