"""What a run found: findings, files it could not check, and the stages completed."""

from dataclasses import dataclass, field

from asynccheck.codes import ERROR, STAGES, guide, severity, stage_of


@dataclass(frozen=True, order=True)
class Finding:
    """One finding. Errors first, then advice; each sorted by stage, then path, line and column."""

    rank: int = field(init=False)  # 0 for an error, 1 for advice
    stage: int = field(init=False)
    path: str
    line: int
    col: int
    code: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "stage", stage_of(self.code))
        object.__setattr__(self, "rank", 0 if severity(self.code) == ERROR else 1)

    @property
    def guide(self) -> str:
        return guide(self.code)

    @property
    def severity(self) -> str:
        return severity(self.code)

    @property
    def is_error(self) -> bool:
        return self.rank == 0

    def sort_key(self) -> tuple[int, int, str, int, int, str, str]:
        return (self.rank, self.stage, self.path, self.line, self.col, self.code, self.message)

    def as_dict(self) -> dict[str, str | int]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "stage": f"{self.stage:02d}",
            "severity": self.severity,
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
    partial: bool = False  # the file was checked, but for a part this Python cannot parse

    def as_dict(self) -> dict[str, str | int | bool | None]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "partial": self.partial,
        }


@dataclass
class Report:
    findings: list[Finding]
    errors: list[FileError]
    checked: int  # Python files read and parsed
    out_of_scope: str | None = None  # why the app is not one the checker judges (raw asyncpg, `databases`)

    def __post_init__(self) -> None:
        keyed = sorted(((finding.sort_key(), finding) for finding in self.findings), key=lambda pair: pair[0])
        self.findings = [f for i, (key, f) in enumerate(keyed) if not i or key != keyed[i - 1][0]]
        self.errors = sorted(set(self.errors), key=lambda error: (error.path, error.line or 0))

    @property
    def errors_found(self) -> list[Finding]:
        """The findings that decide the verdict; advice never holds a stage back."""
        return [finding for finding in self.findings if finding.is_error]

    @property
    def advice(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.is_error]

    @property
    def judged(self) -> bool:
        """Whether the stages can be judged: every path and file was checked. A file that does not parse may
        hold a finding of any stage, so until it does neither `completed` nor `nothing_to_do_yet` is known."""
        return self.checked > 0 and not self.errors

    @property
    def completed(self) -> list[str] | None:
        """The stages done: every stage before `next`, the first one with a finding (all of them when
        nothing is found); None when a path or file could not be checked (see `judged`)."""
        if not self.judged or self.out_of_scope:
            return None
        errors = self.errors_found
        first = errors[0].stage if errors else len(STAGES)
        return [stage.label for stage in STAGES if stage.number < first]

    @property
    def next(self) -> str | None:
        """The first stage that still has an error."""
        errors = self.errors_found
        return f"{errors[0].stage:02d}" if errors else None

    @property
    def nothing_to_do_yet(self) -> list[str] | None:
        """The stages after `next` with no finding. They are not done: an earlier step can bring findings
        there (a route made async def can await too much or too little), and an app without exception
        handlers has no stage 06 work at all. None when a path or file could not be checked (see `judged`)."""
        if not self.judged or self.out_of_scope:
            return None
        errors = self.errors_found
        if not errors:
            return []
        first, open_stages = errors[0].stage, {finding.stage for finding in errors}
        return [stage.label for stage in STAGES if stage.number > first and stage.number not in open_stages]

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.findings else 0
