"""The legacy Query API and its 2.0 `select()` translation, for MIGRATION.md's translation table.

Data only: each row is a task, the legacy expression on a sync `Session`, the 2.0 expression on a sync
`Session`, the same on an `AsyncSession` (with `await`), and a short note (Markdown). The session is always
`db`; the models are `User` and `Post` (`User.posts`, `Post.author`). tools/guide.py renders the table in
MIGRATION.md from `ROWS` with `ast.literal_eval`, without importing anything, so `ROWS` must stay a plain
literal. tests/recipes/test_query_translation.py executes every row: the three expressions, on the same
data, on SQLite and on PostgreSQL, must return the same result and leave the same rows in the tables.
"""

ROWS = [
    {
        "task": "first match",
        "legacy": 'db.query(User).filter(User.username == "alice").first()',
        "sync": 'db.scalars(select(User).where(User.username == "alice").limit(1)).first()',
        "async": '(await db.scalars(select(User).where(User.username == "alice").limit(1))).first()',
        "note": "`Query.first()` added `LIMIT 1`; `Result.first()` does not, so add `.limit(1)`",
    },
    {
        "task": "first match, none found",
        "legacy": 'db.query(User).filter(User.username == "nobody").first()',
        "sync": 'db.scalars(select(User).where(User.username == "nobody").limit(1)).first()',
        "async": '(await db.scalars(select(User).where(User.username == "nobody").limit(1))).first()',
        "note": "`None`, as before",
    },
    {
        "task": "filter_by, first",
        "legacy": 'db.query(User).filter_by(username="bob").first()',
        "sync": 'db.scalars(select(User).filter_by(username="bob").limit(1)).first()',
        "async": '(await db.scalars(select(User).filter_by(username="bob").limit(1))).first()',
        "note": "`select()` has `filter_by()` too",
    },
    {
        "task": "filter_by, all",
        "legacy": "db.query(Post).filter_by(user_id=1).order_by(Post.id).all()",
        "sync": "db.scalars(select(Post).filter_by(user_id=1).order_by(Post.id)).all()",
        "async": "(await db.scalars(select(Post).filter_by(user_id=1).order_by(Post.id))).all()",
        "note": "",
    },
    {
        "task": "all rows",
        "legacy": "db.query(User).order_by(User.id).all()",
        "sync": "db.scalars(select(User).order_by(User.id)).all()",
        "async": "(await db.scalars(select(User).order_by(User.id))).all()",
        "note": "`db.scalars()` gives objects; `db.execute()` would give one-element rows",
    },
    {
        "task": "one page",
        "legacy": "db.query(Post).order_by(Post.id).offset(1).limit(2).all()",
        "sync": "db.scalars(select(Post).order_by(Post.id).offset(1).limit(2)).all()",
        "async": "(await db.scalars(select(Post).order_by(Post.id).offset(1).limit(2))).all()",
        "note": "",
    },
    {
        "task": "count",
        "legacy": "db.query(User).count()",
        "sync": "db.scalar(select(func.count()).select_from(User))",
        "async": "await db.scalar(select(func.count()).select_from(User))",
        "note": "",
    },
    {
        "task": "count matches",
        "legacy": "db.query(Post).filter(Post.user_id == 1).count()",
        "sync": "db.scalar(select(func.count()).select_from(Post).where(Post.user_id == 1))",
        "async": "await db.scalar(select(func.count()).select_from(Post).where(Post.user_id == 1))",
        "note": "",
    },
    {
        "task": "by primary key",
        "legacy": "db.query(User).get(2)",
        "sync": "db.get(User, 2)",
        "async": "await db.get(User, 2)",
        "note": "`Query.get()` warns: `LegacyAPIWarning`",
    },
    {
        "task": "exactly one",
        "legacy": 'db.query(User).filter(User.username == "carol").one()',
        "sync": 'db.scalars(select(User).where(User.username == "carol")).one()',
        "async": '(await db.scalars(select(User).where(User.username == "carol"))).one()',
        "note": "",
    },
    {
        "task": "exactly one, none found",
        "legacy": 'db.query(User).filter(User.username == "nobody").one()',
        "sync": 'db.scalars(select(User).where(User.username == "nobody")).one()',
        "async": '(await db.scalars(select(User).where(User.username == "nobody"))).one()',
        "note": "raises `NoResultFound`, as before; `MultipleResultsFound` for two or more",
    },
    {
        "task": "one or none",
        "legacy": 'db.query(User).filter(User.username == "nobody").one_or_none()',
        "sync": 'db.scalars(select(User).where(User.username == "nobody")).one_or_none()',
        "async": '(await db.scalars(select(User).where(User.username == "nobody"))).one_or_none()',
        "note": "",
    },
    {
        "task": "order by",
        "legacy": "db.query(User).order_by(User.username.desc()).all()",
        "sync": "db.scalars(select(User).order_by(User.username.desc())).all()",
        "async": "(await db.scalars(select(User).order_by(User.username.desc()))).all()",
        "note": "",
    },
    {
        "task": "join",
        "legacy": 'db.query(Post).join(Post.author).filter(User.username == "alice").order_by(Post.id).all()',
        "sync": (
            'db.scalars(select(Post).join(Post.author).where(User.username == "alice")'
            ".order_by(Post.id)).all()"
        ),
        "async": (
            '(await db.scalars(select(Post).join(Post.author).where(User.username == "alice")'
            ".order_by(Post.id))).all()"
        ),
        "note": "join on the relationship attribute: 2.0 no longer takes its name as a string",
    },
    {
        "task": "eager load a collection with joinedload",
        "legacy": "db.query(User).options(joinedload(User.posts)).order_by(User.id).all()",
        "sync": "db.scalars(select(User).options(joinedload(User.posts)).order_by(User.id)).unique().all()",
        "async": (
            "(await db.scalars(select(User).options(joinedload(User.posts)).order_by(User.id)))"
            ".unique().all()"
        ),
        "note": "a joined collection repeats the parent row: add `.unique()`, which `Query` did for you",
    },
    {
        "task": "eager load a collection with selectinload",
        "legacy": "db.query(User).options(selectinload(User.posts)).order_by(User.id).all()",
        "sync": "db.scalars(select(User).options(selectinload(User.posts)).order_by(User.id)).all()",
        "async": "(await db.scalars(select(User).options(selectinload(User.posts)).order_by(User.id))).all()",
        "note": "no `.unique()`: the posts come in a second `SELECT`",
    },
    {
        "task": "eager load a many-to-one",
        "legacy": "db.query(Post).options(joinedload(Post.author)).order_by(Post.id).all()",
        "sync": "db.scalars(select(Post).options(joinedload(Post.author)).order_by(Post.id)).all()",
        "async": "(await db.scalars(select(Post).options(joinedload(Post.author)).order_by(Post.id))).all()",
        "note": "",
    },
    {
        "task": "bulk update",
        "legacy": 'db.query(Post).filter(Post.user_id == 2).update({"title": "edited"})',
        "sync": 'db.execute(update(Post).where(Post.user_id == 2).values(title="edited")).rowcount',
        "async": '(await db.execute(update(Post).where(Post.user_id == 2).values(title="edited"))).rowcount',
        "note": "`rowcount`: the number of rows matched, as `update()` returned",
    },
    {
        "task": "bulk delete",
        "legacy": "db.query(Post).filter(Post.user_id == 2).delete()",
        "sync": "db.execute(delete(Post).where(Post.user_id == 2)).rowcount",
        "async": "(await db.execute(delete(Post).where(Post.user_id == 2))).rowcount",
        "note": (
            "`rowcount`: the number of rows deleted, as `delete()` returned; type checkers know"
            " `rowcount` only on a `CursorResult`, so the stages use `.returning()`"
        ),
    },
    {
        "task": "one column's value",
        "legacy": 'db.query(User.email).filter(User.username == "bob").scalar()',
        "sync": 'db.scalar(select(User.email).where(User.username == "bob"))',
        "async": 'await db.scalar(select(User.email).where(User.username == "bob"))',
        "note": "",
    },
    {
        "task": "some columns",
        "legacy": "db.query(User.id, User.username).order_by(User.id).all()",
        "sync": "db.execute(select(User.id, User.username).order_by(User.id)).all()",
        "async": "(await db.execute(select(User.id, User.username).order_by(User.id))).all()",
        "note": "rows, as before; the same for `.with_entities(User.id, User.username)`",
    },
    {
        "task": "distinct values",
        "legacy": "db.query(Post.user_id).distinct().order_by(Post.user_id).all()",
        "sync": "db.execute(select(Post.user_id).distinct().order_by(Post.user_id)).all()",
        "async": "(await db.execute(select(Post.user_id).distinct().order_by(Post.user_id))).all()",
        "note": "one-element rows, as before; `db.scalars()` for plain values",
    },
    {
        "task": "exists",
        "legacy": 'db.query(db.query(User).filter(User.username == "alice").exists()).scalar()',
        "sync": 'db.scalar(select(exists().where(User.username == "alice")))',
        "async": 'await db.scalar(select(exists().where(User.username == "alice")))',
        "note": "`True` or `False`",
    },
]
