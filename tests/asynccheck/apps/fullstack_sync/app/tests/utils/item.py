from app import crud, schemas


def create_random_item(db):
    return crud.item.create(db, obj_in=schemas.ItemCreate(title="random"))
