"""A module no Python before 3.15 parses (unpacking in a comprehension, PEP 798): it is skipped where it
fails, the rest of it is checked, and the summary says the verdict is incomplete."""

from notes.deps import SessionDep


def tags(db: SessionDep, groups: list[list[str]]) -> list[str]:
    return [*group for group in groups]


def count(db: SessionDep) -> int:
    return 0
