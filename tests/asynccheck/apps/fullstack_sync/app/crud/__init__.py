from app.crud.base import CRUDBase
from app.models import Item, User
from app.schemas import ItemCreate

item = CRUDBase[Item, ItemCreate](Item)
user = CRUDBase(User)
