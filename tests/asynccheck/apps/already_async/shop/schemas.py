from pydantic import BaseModel, ConfigDict


class CustomerIn(BaseModel):
    email: str
    password: str


class CustomerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str


class OrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    total_cents: int
    customer: CustomerOut
