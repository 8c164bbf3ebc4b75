"""The stage manifest, ``stages/stages.toml``: the one place that says how stages differ.

nox, the tests and the scripts read it; none of them knows a stage by its number.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES_DIR = ROOT / "stages"
MANIFEST = STAGES_DIR / "stages.toml"


@dataclass(frozen=True)
class Stage:
    dir: str
    title: str
    tutorial: str
    section: str
    may_change: tuple[str, ...] = ()
    golden: bool = False
    async_driver: bool = False
    tables_on_import: bool = True
    lazy_raise: bool = False
    driver_calls: bool = False
    own_tests: str | None = None
    bench: bool = False

    @property
    def path(self) -> Path:
        return STAGES_DIR / self.dir

    @property
    def number(self) -> str:
        return self.dir.split("_", 1)[0]

    @property
    def page(self) -> str:
        """The guide's page for the step, relative to the repository: `section` up to its `#`."""
        return self.section.partition("#")[0]

    @property
    def anchor(self) -> str:
        """The id of the step's heading on that page: `section` after its `#`."""
        return self.section.partition("#")[2]


def load(text: str | None = None) -> list[Stage]:
    """The stages in order; from the manifest file, or from its text (e.g. as committed)."""
    entries = tomllib.loads(text or MANIFEST.read_text(encoding="utf-8"))["stage"]
    return [Stage(**{**entry, "may_change": tuple(entry.get("may_change", ()))}) for entry in entries]


def find(key: str) -> Stage:
    """A stage by its number ("04") or its directory name ("04_eager_loading")."""
    for stage in load():
        if key in (stage.number, stage.dir):
            return stage
    known = ", ".join(stage.number for stage in load())
    raise LookupError(f"no stage {key!r} in {MANIFEST.name}; known: {known}")


def previous(stage: Stage) -> Stage | None:
    stages = load()
    index = stages.index(stage)
    return stages[index - 1] if index else None


def golden() -> Stage:
    (stage,) = [stage for stage in load() if stage.golden]
    return stage
