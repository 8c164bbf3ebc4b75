from sqlalchemy.orm import Session

from . import models, schemas


def get_list(db: Session, list_id: int):
    return db.query(models.TodoList).filter(models.TodoList.id == list_id).first()


def get_list_by_title(db: Session, title: str):
    return db.query(models.TodoList).filter(models.TodoList.title == title).first()


def get_lists(db: Session, skip: int = 0, limit: int = 100):
    return db.query(models.TodoList).offset(skip).limit(limit).all()


def create_list(db: Session, todo_list: schemas.TodoListCreate):
    db_list = models.TodoList(title=todo_list.title)
    db.add(db_list)
    db.commit()
    db.refresh(db_list)
    return db_list


def create_item(db: Session, item: schemas.ItemCreate, list_id: int):
    db_item = models.Item(**item.dict(), list_id=list_id)
    db.add(db_item)
    db.commit()
    db.refresh(db_item)
    return db_item
