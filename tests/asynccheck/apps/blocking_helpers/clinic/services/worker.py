from celery import Celery

celery_app = Celery("clinic", broker="redis://localhost:6379/0")


@celery_app.task
def export_records(patient_id: int) -> None:
    pass
