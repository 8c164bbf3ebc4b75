from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from app.core.config import settings

# SQLAlchemy 2.1 connects to postgresql:// URLs with psycopg 3.
engine = create_engine(settings.DATABASE_URL, pool_pre_ping=True)
# expire_on_commit=False: after db.commit(), the crud layer returns what it committed without another query.
SessionLocal = sessionmaker(engine, autoflush=False, expire_on_commit=False)
