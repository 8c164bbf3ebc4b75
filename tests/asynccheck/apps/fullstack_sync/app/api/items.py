from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from app import crud, schemas
from app.api.deps import get_db
from app.core.celery_app import celery_app

router = APIRouter()


@router.get("/items", response_model=list[schemas.ItemOut])
def read_items(db: Session = Depends(get_db), skip: int = 0, limit: int = 100):
    return db.query(crud.item.model).offset(skip).limit(limit).all()


@router.post("/items", response_model=schemas.ItemOut)
def create_item(item_in: schemas.ItemCreate, db: Session = Depends(get_db)):
    item = crud.item.create(db, obj_in=item_in)
    celery_app.send_task("app.worker.test_celery", args=[item.title])
    return item
