from .crud_item import ItemCreate, item
from .crud_user import UserCreate, user

__all__ = ["ItemCreate", "UserCreate", "item", "user"]
