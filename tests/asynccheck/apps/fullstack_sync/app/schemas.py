from pydantic import BaseModel, ConfigDict


class ItemCreate(BaseModel):
    title: str


class Owner(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    owner: Owner
