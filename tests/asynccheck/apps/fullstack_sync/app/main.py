from fastapi import FastAPI

from app.api import items

app = FastAPI(title="items")
app.include_router(items.router)
