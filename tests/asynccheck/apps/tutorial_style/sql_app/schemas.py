from typing import List

from pydantic import BaseModel


class ItemBase(BaseModel):
    text: str
    done: bool = False


class ItemCreate(ItemBase):
    pass


class Item(ItemBase):
    id: int
    list_id: int

    class Config:
        orm_mode = True


class TodoListBase(BaseModel):
    title: str


class TodoListCreate(TodoListBase):
    pass


class TodoList(TodoListBase):
    id: int
    items: List[Item] = []

    class Config:
        orm_mode = True
