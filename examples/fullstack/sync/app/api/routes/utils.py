from fastapi import APIRouter
from pydantic import EmailStr

from app import schemas
from app.api.deps import SuperUser
from app.utils import send_test_email
from app.worker import queue

router = APIRouter(prefix="/utils", tags=["utils"])


@router.post("/test-email/", response_model=schemas.Message, status_code=201)
def test_email(email_to: EmailStr, current_user: SuperUser):
    send_test_email(email_to=email_to)
    return schemas.Message(message="Test email sent")


@router.post("/test-celery/", response_model=schemas.Message, status_code=201)
def test_celery(body: schemas.Message, current_user: SuperUser):
    queue.send_task("app.worker.test_celery", args=[body.message])
    return schemas.Message(message="Word received")
