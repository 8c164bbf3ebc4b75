"""What a run found: findings, files it could not check, and the stages completed."""

from dataclasses import dataclass, field

from asynccheck.codes import STAGES, guide, stage_of


@dataclass(frozen=True, order=True)
class Finding:
    """One finding. Sorted by stage, then path, line and column."""

    stage: int = field(init=False)
    path: str
    line: int
    col: int
    code: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "stage", stage_of(self.code))

    @property
    def guide(self) -> str:
        return guide(self.code)

    def sort_key(self) -> tuple:
        return (self.stage, self.path, self.line, self.col, self.code, self.message)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "stage": f"{self.stage:02d}",
            "message": self.message,
            "guide": self.guide,
        }


@dataclass(frozen=True, order=True)
class FileError:
    """A path or file that could not be checked (line and col when the error has a place)."""

    path: str
    message: str
    line: int | None = None
    col: int | None = None

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "col": self.col, "message": self.message}


@dataclass
class Report:
    findings: list[Finding]
    errors: list[FileError]
    checked: int  # Python files read and parsed

    def __post_init__(self) -> None:
        ordered = sorted(self.findings, key=Finding.sort_key)
        self.findings = [
            f for i, f in enumerate(ordered) if not i or f.sort_key() != ordered[i - 1].sort_key()
        ]
        self.errors = sorted(set(self.errors), key=lambda error: (error.path, error.line or 0))

    @property
    def completed(self) -> list[str]:
        """Every stage with no finding, in order (none when no file could be checked)."""
        if not self.checked:
            return []
        open_stages = {finding.stage for finding in self.findings}
        return [stage.label for stage in STAGES if stage.number not in open_stages]

    @property
    def next(self) -> str | None:
        """The first stage that still has a finding."""
        return f"{self.findings[0].stage:02d}" if self.findings else None

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.findings else 0
