import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import inspect

from clinic import database
from clinic.services import cache, mail, security
from clinic.services.worker import celery_app, export_records


@asynccontextmanager
async def lifespan(app: FastAPI):
    yield
    await database.engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.middleware("http")
async def tenant_schema(request: Request, call_next):
    schemas = inspect(database.sync_engine).get_schema_names()
    request.state.engine = database.sync_engine.execution_options(schema_translate_map={"tenant": schemas[0]})
    return await call_next(request)


@app.post("/signup")
async def signup(email: str, password: str):
    hashed = security.hash_password(password)
    mail.remind(email)
    return {"email": email, "hash": hashed}


@app.post("/login")
async def login(password: str, hashed: str):
    ok = await run_in_threadpool(security.check_password, password, hashed)
    return {"ok": ok}


@app.post("/patients/{patient_id}/export")
async def export(patient_id: int):
    export_records.delay(patient_id)
    celery_app.send_task("clinic.audit", args=[patient_id])
    return {"queued": True}


@app.get("/holidays")
async def holidays():
    cached = cache.cache.get("holidays")
    if cached is None:
        time.sleep(0.5)  # be nice to the API
        return cache.fetch_holidays()
    return cached


@app.get("/stats")
async def stats():
    with database.ReportSession() as db:
        return {"patients": database.count_patients(db)}
