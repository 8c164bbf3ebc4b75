"""docs/your-app/ (the guide's pages for apps of the project generator's shape) against examples/fullstack.

Every excerpt is what its marker generates from the example, and no Python, diff or TOML block stands outside
a marker. Until `nox -s docs` regenerates every page under docs/, regenerate these with
`python -c "from tests.repo.test_your_app_pages import regenerate; regenerate()"`.
"""

from pathlib import Path

import pytest

from tools import checks, excerpts, sources, stages
from tools.markdown import Document

PAGES = sorted((stages.ROOT / "docs" / "your-app").glob("*.md"))
EXCERPTS = [
    (page, excerpt) for page in PAGES for excerpt in excerpts.excerpts(page.read_text(encoding="utf-8"))
]


def regenerate() -> None:
    for page in PAGES:
        page.write_text(excerpts.render(page.read_text(encoding="utf-8")), encoding="utf-8")


@pytest.mark.parametrize(("page", "excerpt"), EXCERPTS, ids=[f"{p.name}: {e.label}" for p, e in EXCERPTS])
def test_excerpt_matches_the_example(page: Path, excerpt: excerpts.Excerpt) -> None:
    assert excerpt.body == excerpt.render(), f"{page.name}: <!-- {excerpt.label} --> is stale"


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_no_code_outside_markers(page: Path) -> None:
    assert checks.unchecked_code(Document(page.read_text(encoding="utf-8"))) == []


def test_pages_show_the_example() -> None:
    assert len(PAGES) >= 8
    assert all(excerpt.path.startswith("examples/fullstack/") for _, excerpt in EXCERPTS)


def test_diff_between_two_files() -> None:
    """`<!-- diff: NEW from OLD -->` diffs any file against another one, with optional hunk texts."""
    marker = "<!-- diff: {new} from {old}{only} -->\n<!-- /diff -->"
    new, old = "examples/fullstack/async/app/db/init_db.py", "examples/fullstack/sync/app/db/init_db.py"
    [excerpt] = excerpts.excerpts(marker.format(new=new, old=old, only=""))
    shown = excerpt.render()
    assert f"--- a/{old}\n+++ b/{new}\n" in shown
    assert "-def init_db(db: Session) -> None:\n+async def init_db(db: AsyncSession) -> None:\n" in shown
    [only] = excerpts.excerpts(marker.format(new=new, old=old, only=' "crud.user.create"'))
    assert "+        await crud.user.create(db, obj_in=user_in)" in only.render()
    with pytest.raises(sources.GuideError, match="no hunk"):
        excerpts.excerpts(marker.format(new=new, old=old, only=' "not in the diff"'))[0].render()
    with pytest.raises(sources.GuideError, match="no change from"):
        excerpts.excerpts(marker.format(new=new, old=new, only=""))[0].render()
    with pytest.raises(sources.GuideError, match="no such file"):
        excerpts.excerpts(marker.format(new=new, old="examples/nothing.py", only=""))[0].render()
