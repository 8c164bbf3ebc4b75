from fastapi import APIRouter, Depends

from app import crud
from app.api.deps import get_current_user, get_db

router = APIRouter()


@router.post("/items")
async def create_item(item_in: crud.ItemCreate, db=Depends(get_db), current_user=Depends(get_current_user)):
    item = crud.item.create_with_owner(db, obj_in=item_in, owner_id=current_user.id)
    return {"id": item.id, "title": item_in.title}


@router.get("/items")
async def read_items(db=Depends(get_db), skip: int = 0, limit: int = 100):
    items = await crud.item.get_multi(db, skip=skip, limit=limit)
    return [{"id": item.id, "title": item.title} for item in items]
