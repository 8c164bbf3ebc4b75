from typing import List

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from . import crud, models, schemas
from .database import SessionLocal, engine

models.Base.metadata.create_all(bind=engine)

app = FastAPI()
templates = Jinja2Templates(directory="templates")


# Dependency
def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


@app.get("/", response_class=HTMLResponse)
def index(request: Request, db: Session = Depends(get_db)):
    lists = crud.get_lists(db)
    return templates.TemplateResponse("index.html", {"request": request, "lists": lists})


@app.post("/lists/", response_model=schemas.TodoList)
def create_list(todo_list: schemas.TodoListCreate, db: Session = Depends(get_db)):
    if crud.get_list_by_title(db, title=todo_list.title):
        raise HTTPException(status_code=400, detail="A list with this title already exists")
    return crud.create_list(db=db, todo_list=todo_list)


@app.get("/lists/", response_model=List[schemas.TodoList])
def read_lists(skip: int = 0, limit: int = 100, db: Session = Depends(get_db)):
    return crud.get_lists(db, skip=skip, limit=limit)


@app.get("/lists/{list_id}", response_model=schemas.TodoList)
def read_list(list_id: int, db: Session = Depends(get_db)):
    todo_list = crud.get_list(db, list_id=list_id)
    if todo_list is None:
        raise HTTPException(status_code=404, detail="List not found")
    return todo_list


@app.post("/lists/{list_id}/items/", response_model=schemas.Item)
def create_item_for_list(list_id: int, item: schemas.ItemCreate, db: Session = Depends(get_db)):
    return crud.create_item(db=db, item=item, list_id=list_id)


@app.get("/health")
def health():
    return {"status": "ok"}
