"""The dotted name each file gets, as `import` would spell it: other modules find its functions, engines and
sessions by that name. Regular packages count by their __init__.py; folders without one (namespace
packages) count up to the folder that holds the project's requirements, or up to a src layout's `src`."""

from pathlib import Path

import pytest

from asynccheck.files import module_name


def tree(root: Path, *files: str) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "module", "expected"),
    [
        # a flat app: main.py beside its requirements
        (["requirements.txt", "main.py"], "main.py", "main"),
        # regular packages
        (["pyproject.toml", "app/__init__.py", "app/api/__init__.py", "app/api/deps.py"], "app/api/deps.py",
         "app.api.deps"),
        # the generator's layout: the requirements inside backend/, the package below
        (["README.md", "backend/pyproject.toml", "backend/app/__init__.py", "backend/app/main.py"],
         "backend/app/main.py", "app.main"),
        # namespace packages up to the requirements
        (["requirements.txt", "app/main.py", "app/uploads/router.py"], "app/uploads/router.py",
         "app.uploads.router"),
        (["requirements.txt", "app/models/__init__.py", "app/models/user.py"], "app/models/user.py",
         "app.models.user"),
        # a src layout without __init__.py
        (["pyproject.toml", "src/shop/api/items.py"], "src/shop/api/items.py", "shop.api.items"),
        # no requirements within reach, or a folder whose name is not a Python name: from the file's folder
        (["tools/seed.py"], "tools/seed.py", "seed"),
        (["requirements.txt", "my-app/routes/items.py"], "my-app/routes/items.py", "items"),
    ],
)  # fmt: skip
def test_module_names(tmp_path: Path, files: list[str], module: str, expected: str) -> None:
    tree(tmp_path, *files)
    assert module_name(tmp_path / module, top=tmp_path) == (expected, False)


def test_requirements_above_the_folder_checked_do_not_count(tmp_path: Path) -> None:
    tree(tmp_path, "requirements.txt", "project/app/main.py")
    assert module_name(tmp_path / "project/app/main.py", top=tmp_path / "project") == ("main", False)
    assert module_name(tmp_path / "project/app/main.py", top=tmp_path) == ("project.app.main", False)
