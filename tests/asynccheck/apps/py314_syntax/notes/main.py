from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException
from sqlalchemy import select

from notes.deps import SessionDep, async_engine, engine
from notes.models import Base, Note


@asynccontextmanager
async def lifespan(app: FastAPI):
    async with async_engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield
    await async_engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/notes")
def list_notes(db: SessionDep):
    return [{"id": note.id, "text": note.text} for note in db.scalars(select(Note))]


@app.get("/notes/{note_id}")
def get_note(note_id: int, db: SessionDep):
    if (note := db.get(Note, note_id)) is None:
        raise HTTPException(status_code=404)
    return {"id": note.id, "text": note.text}
