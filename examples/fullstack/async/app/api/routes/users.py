from fastapi import APIRouter, HTTPException

from app import crud, schemas
from app.api.deps import CurrentUser, SessionDep, SuperUser

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/", response_model=list[schemas.UserPublic])
async def read_users(db: SessionDep, current_user: SuperUser, skip: int = 0, limit: int = 100):
    return await crud.user.get_multi(db, skip=skip, limit=limit)


@router.post("/", response_model=schemas.UserPublic, status_code=201)
async def create_user(db: SessionDep, current_user: SuperUser, user_in: schemas.UserCreate):
    if await crud.user.get_by_email(db, email=user_in.email) is not None:
        raise HTTPException(400, detail="The user with this email already exists in the system")
    return await crud.user.create(db, obj_in=user_in)


@router.get("/me", response_model=schemas.UserPublic)
async def read_user_me(current_user: CurrentUser):
    return current_user


@router.patch("/me", response_model=schemas.UserPublic)
async def update_user_me(db: SessionDep, current_user: CurrentUser, user_in: schemas.UserUpdateMe):
    if user_in.email is not None:
        existing = await crud.user.get_by_email(db, email=user_in.email)
        if existing is not None and existing.id != current_user.id:
            raise HTTPException(409, detail="User with this email already exists")
    return await crud.user.update(db, db_obj=current_user, obj_in=user_in.model_dump(exclude_unset=True))


@router.get("/{user_id}", response_model=schemas.UserPublic)
async def read_user_by_id(user_id: int, db: SessionDep, current_user: CurrentUser):
    user = await crud.user.get(db, id=user_id)
    if user is not None and user.id == current_user.id:
        return user
    if not current_user.is_superuser:
        raise HTTPException(403, detail="The user doesn't have enough privileges")
    if user is None:
        raise HTTPException(404, detail="User not found")
    return user


@router.patch("/{user_id}", response_model=schemas.UserPublic)
async def update_user(user_id: int, db: SessionDep, current_user: SuperUser, user_in: schemas.UserUpdate):
    user = await crud.user.get(db, id=user_id)
    if user is None:
        raise HTTPException(404, detail="User not found")
    if user_in.email is not None:
        existing = await crud.user.get_by_email(db, email=user_in.email)
        if existing is not None and existing.id != user_id:
            raise HTTPException(409, detail="User with this email already exists")
    return await crud.user.update(db, db_obj=user, obj_in=user_in)


@router.delete("/{user_id}", response_model=schemas.Message)
async def delete_user(user_id: int, db: SessionDep, current_user: SuperUser):
    if user_id == current_user.id:
        raise HTTPException(403, detail="Super users are not allowed to delete themselves")
    if await crud.user.remove(db, id=user_id) is None:
        raise HTTPException(404, detail="User not found")
    return schemas.Message(message="User deleted successfully")
