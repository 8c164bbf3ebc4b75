from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import HTTPExceptionHandler, RequestValidationError, RequestValidationException
from fastapi.responses import JSONResponse
from sqlalchemy.future import select
from starlette.exceptions import HTTPException as StarletteHTTPException

from db import Base, Note, async_session, engine

app = FastAPI()


@app.on_event("startup")
async def create_tables():
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)


async def close_pool():
    await engine.dispose()


app.add_event_handler("shutdown", close_pool)


@app.exception_handler(StarletteHTTPException)
async def http_exception_handler(request: Request, exc: StarletteHTTPException):
    if request.url.path.startswith("/api/"):
        return await http_exception_handler(request, exc)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code)


async def request_validation_exception_handler(request: Request, exc: RequestValidationException):
    return await request_validation_exception_handler(request, exc)


def log_and_hide(request: Request, exc: Exception):
    print(f"{request.url.path}: {exc!r}")
    return JSONResponse({"error": "Internal Server Error"}, status_code=500)


app.add_exception_handler(RequestValidationError, request_validation_exception_handler)
app.add_exception_handler(Exception, log_and_hide)


@app.exception_handler(HTTPExceptionHandler)
def teapot(request: Request, exc: Exception):
    return JSONResponse({"error": "teapot"}, status_code=418)


@app.get("/api/notes")
async def list_notes():
    async with async_session() as db:
        notes = await db.scalars(select(Note).order_by(Note.id))
        return [{"id": note.id, "body": note.body} for note in notes]
