from fastapi import APIRouter, HTTPException

from app import crud, models, schemas
from app.api.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/items", tags=["items"])


def get_own_item(db: SessionDep, item_id: int, current_user: models.User) -> models.Item:
    """The item, if the current user owns it or is a superuser: 404 or 403 otherwise."""
    item = crud.item.get(db, id=item_id)
    if item is None:
        raise HTTPException(404, detail="Item not found")
    if not current_user.is_superuser and item.owner_id != current_user.id:
        raise HTTPException(403, detail="Not enough permissions")
    return item


@router.get("/", response_model=list[schemas.ItemPublic])
def read_items(db: SessionDep, current_user: CurrentUser, skip: int = 0, limit: int = 100):
    """A superuser sees every item; anyone else sees their own."""
    if current_user.is_superuser:
        return crud.item.get_multi(db, skip=skip, limit=limit)
    return crud.item.get_multi_by_owner(db, owner_id=current_user.id, skip=skip, limit=limit)


@router.post("/", response_model=schemas.ItemPublic, status_code=201)
def create_item(db: SessionDep, current_user: CurrentUser, item_in: schemas.ItemCreate):
    return crud.item.create_with_owner(db, obj_in=item_in, owner_id=current_user.id)


@router.get("/{item_id}", response_model=schemas.ItemPublic)
def read_item(db: SessionDep, current_user: CurrentUser, item_id: int):
    return get_own_item(db, item_id, current_user)


@router.put("/{item_id}", response_model=schemas.ItemPublic)
def update_item(db: SessionDep, current_user: CurrentUser, item_id: int, item_in: schemas.ItemUpdate):
    item = get_own_item(db, item_id, current_user)
    return crud.item.update(db, db_obj=item, obj_in=item_in)


@router.delete("/{item_id}", response_model=schemas.Message)
def delete_item(db: SessionDep, current_user: CurrentUser, item_id: int):
    get_own_item(db, item_id, current_user)
    crud.item.remove(db, id=item_id)
    return schemas.Message(message="Item deleted successfully")
