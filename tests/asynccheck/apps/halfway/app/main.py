from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, selectinload

from app import models, schemas
from app.database import Base, engine, get_db, get_sync_db


@asynccontextmanager
async def lifespan(app: FastAPI):
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)
DbSession = Annotated[AsyncSession, Depends(get_db)]


@app.get("/products", response_model=list[schemas.ProductOut])
async def list_products(db: DbSession):
    query = select(models.Product).options(selectinload(models.Product.tags)).order_by(models.Product.id)
    return (await db.scalars(query)).all()


@app.post("/products", response_model=schemas.ProductOut, status_code=201)
async def create_product(data: schemas.ProductIn, db: DbSession):
    product = models.Product(**data.model_dump())
    await db.add(product)
    await db.commit()
    await db.refresh(product)
    return product


@app.delete("/products/{product_id}", status_code=204)
async def delete_product(product_id: int, db: DbSession):
    product = await db.get(models.Product, product_id)
    if product is None:
        raise HTTPException(status_code=404, detail="Product not found")
    db.delete(product)
    await db.commit()


@app.get("/categories/{category_id}", response_model=schemas.CategoryOut)
def read_category(category_id: int, db: Session = Depends(get_sync_db)):
    category = db.get(models.Category, category_id)
    if category is None:
        raise HTTPException(status_code=404, detail="Category not found")
    return category


@app.get("/stats")
async def stats(db: Session = Depends(get_sync_db)):
    return {"products": db.scalar(select(func.count()).select_from(models.Product))}


@app.get("/health")
def health():
    return {"status": "ok"}


@app.exception_handler(HTTPException)
def handle_http_error(request: Request, exc: HTTPException):
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
