"""Build a linear history of the migration: one commit per stage, tagged stage-00, stage-01, ...

Every commit holds shared_templates/ and the stage's app at one fixed path, stages/app/, so that
`git diff stage-03 stage-04` shows exactly step 4. Author, committer, dates and messages are fixed,
so the same HEAD always gives the same SHAs. Stages are read from HEAD, not from the working tree.

    python -m tools.tags            # or: nox -s tags
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tools import stages

BRANCH = "stage-history"
APP_PATH = "stages/app"
IDENTITY = {"NAME": "fastapi-async-migration", "EMAIL": "stages@fastapi-async-migration.invalid"}


def git(*args: str, env: dict[str, str] | None = None, cwd: Path = stages.ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def tag_name(stage: stages.Stage) -> str:
    return f"stage-{stage.number}"


def build(source: str = "HEAD", cwd: Path = stages.ROOT) -> dict[str, str]:
    """Write the commits and tags; return {tag: sha}."""
    made = {}
    parent = None
    with tempfile.TemporaryDirectory() as tmp:
        manifest = git("show", f"{source}:stages/stages.toml", cwd=cwd)
        for minute, stage in enumerate(stages.load(manifest)):
            date = f"2026-01-01T00:{minute:02d}:00+00:00"
            env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
            for role in ("AUTHOR", "COMMITTER"):
                env |= {f"GIT_{role}_{key}": value for key, value in IDENTITY.items()}
                env[f"GIT_{role}_DATE"] = date
            git("read-tree", "--empty", env=env, cwd=cwd)
            git("read-tree", "--prefix=shared_templates/", f"{source}:shared_templates", env=env, cwd=cwd)
            git("read-tree", f"--prefix={APP_PATH}/", f"{source}:stages/{stage.dir}", env=env, cwd=cwd)
            tree = git("write-tree", env=env, cwd=cwd)
            message = f"{tag_name(stage)}: {stage.title}\n\nTutorial step: {stage.tutorial}\n"
            args = ["commit-tree", tree, "-m", message] + (["-p", parent] if parent else [])
            parent = git(*args, env=env, cwd=cwd)
            git("tag", "--force", tag_name(stage), parent, cwd=cwd)
            made[tag_name(stage)] = parent
    if parent is None:
        raise LookupError(f"{source}:stages/stages.toml lists no stage")
    git("update-ref", f"refs/heads/{BRANCH}", parent, cwd=cwd)
    return made


def main() -> int:
    for tag, sha in build().items():
        print(f"{tag} {sha}")
    print(f"branch {BRANCH}: try `git diff stage-03 stage-04`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
