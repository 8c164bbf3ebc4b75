from app import crud


def create_random_item(db, owner_id: int):
    item = crud.item.create_with_owner(db, obj_in=crud.ItemCreate(title="random"), owner_id=owner_id)
    return item.id
