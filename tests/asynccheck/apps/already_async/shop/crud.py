from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from shop import models
from shop.security import hash_password


async def create_customer(session: AsyncSession, email: str, password: str) -> models.Customer:
    customer = models.Customer(email=email, password_hash=await hash_password(password))
    session.add(customer)
    await session.commit()
    return customer


async def list_orders(session: AsyncSession, limit: int) -> list[models.Order]:
    query = select(models.Order).options(joinedload(models.Order.customer)).order_by(models.Order.id)
    return list(await session.scalars(query.limit(limit)))
