from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordRequestForm

from app import crud, schemas
from app.api.deps import CurrentUser, SessionDep
from app.core import security
from app.core.config import settings
from app.utils import send_reset_password_email

router = APIRouter(tags=["login"])


@router.post("/login/access-token", response_model=schemas.Token)
async def login_access_token(db: SessionDep, form_data: Annotated[OAuth2PasswordRequestForm, Depends()]):
    """OAuth2 password flow: the email as username, a bearer token back."""
    user = await crud.user.authenticate(db, email=form_data.username, password=form_data.password)
    if user is None:
        raise HTTPException(400, detail="Incorrect email or password")
    if not user.is_active:
        raise HTTPException(400, detail="Inactive user")
    expires = timedelta(minutes=settings.ACCESS_TOKEN_EXPIRE_MINUTES)
    return schemas.Token(access_token=security.create_access_token(str(user.id), expires))


@router.post("/login/test-token", response_model=schemas.UserPublic)
async def test_token(current_user: CurrentUser):
    return current_user


@router.post("/password-recovery/{email}", response_model=schemas.Message)
async def recover_password(email: str, db: SessionDep):
    """Email a reset link, if the address is a user's; the answer does not tell whether it is."""
    user = await crud.user.get_by_email(db, email=email)
    if user is not None and settings.emails_enabled:
        token = security.create_password_reset_token(email=user.email)
        # smtplib blocks: the email is sent from a worker thread.
        await run_in_threadpool(send_reset_password_email, email_to=user.email, token=token)
    return schemas.Message(message="If that email is registered, a recovery email has been sent")


@router.post("/reset-password/", response_model=schemas.Message)
async def reset_password(body: schemas.NewPassword, db: SessionDep):
    email = security.verify_password_reset_token(body.token)
    user = await crud.user.get_by_email(db, email=email) if email else None
    if user is None or not user.is_active:
        raise HTTPException(400, detail="Invalid token")
    await crud.user.update(db, db_obj=user, obj_in={"password": body.new_password})
    return schemas.Message(message="Password updated successfully")
