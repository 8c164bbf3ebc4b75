"""The report as text (one line a finding, then the summary) or as JSON."""

import json
from collections import Counter

from asynccheck.codes import STAGES
from asynccheck.report import FileError, Finding, Report


def text(report: Report) -> str:
    """Errors first, then advice (marked as such), then the summary and the counts."""
    lines = [
        f"{f.path}:{f.line}:{f.col}: {f.code} {'' if f.is_error else '(advice) '}{f.message} -> {f.guide}"
        for f in report.findings
    ]
    lines.append(summary(report))
    lines.append(counts(report))
    return "\n".join(lines) + "\n"


def summary(report: Report) -> str:
    return _verdict(report) + _advice(report)


def _advice(report: Report) -> str:
    """The stages with advice: done as far as errors go, with something still worth a look."""
    stages = sorted({f"{finding.stage:02d}" for finding in report.advice})
    return f"; advice for: {' '.join(stages)}" if stages and not report.out_of_scope else ""


def _verdict(report: Report) -> str:
    if report.out_of_scope:
        return f"out of scope: {report.out_of_scope}"
    if not report.checked:
        return "no Python file could be checked"
    if report.completed is None:  # a file that does not parse may hold a finding of any stage
        whole = len([error for error in report.errors if not error.partial])
        partial = len({error.path for error in report.errors if error.partial})
        parts = [f"{whole} file{'' if whole == 1 else 's'} could not be checked"] if whole else []
        if partial:
            parts.append(f"{partial} file{'' if partial == 1 else 's'} checked only in part")
        completed = f"unknown ({', '.join(parts)})"
        if partial:
            completed += ", THE VERDICT IS INCOMPLETE"
    else:
        completed = " ".join(report.completed) or "none"
    if report.next is None:
        if report.completed is None:
            nothing = "no error" if report.advice else "no finding"
            return f"completed: {completed}; {nothing} in the files checked"
        return f"completed: {completed}: every stage is complete"
    title = STAGES[int(report.next)].title
    line = f"completed: {completed}; next: {report.next} ({title[0].upper()}{title[1:]})"
    if report.nothing_to_do_yet:
        line += f"; nothing to do yet for: {' '.join(report.nothing_to_do_yet)}"
    return line


def _by_stage(findings: list[Finding]) -> str:
    per_stage = Counter(f"{finding.stage:02d}" for finding in findings)
    return ", ".join(f"{stage}: {count}" for stage, count in sorted(per_stage.items()))


def counts(report: Report) -> str:
    files = f"{report.checked} Python file" + ("" if report.checked == 1 else "s")
    if report.findings:
        errors, advice = report.errors_found, report.advice
        parts = []
        if errors:
            plural = "" if len(errors) == 1 else "s"
            parts.append(f"{len(errors)} error{plural} (by stage {_by_stage(errors)})")
        if advice:
            parts.append(f"{len(advice)} advice (by stage {_by_stage(advice)})")
        found = ", ".join(parts)
    else:
        found = "no findings"
    line = f"checked {files}: {found}"
    whole = [error for error in report.errors if not error.partial]
    if whole:
        line += f"; {len(whole)} could not be checked (see the errors above)"
    if len(whole) < len(report.errors):
        line += "; parts of files skipped (see the errors above)"
    return line


def error_line(error: FileError) -> str:
    if error.line is None:
        return f"{error.path}: error: {error.message}"
    return f"{error.path}:{error.line}:{error.col or 1}: error: {error.message}"


def as_json(report: Report) -> str:
    """The report as `json.dumps(document, indent=2, ensure_ascii=False)` writes it. The findings, most of it,
    are written here: json's indented output is pure Python, and took 0.2 s for 14,000 findings."""
    document = {
        "findings": None,  # _findings()
        "completed": report.completed,
        "next": report.next,
        "nothing_to_do_yet": report.nothing_to_do_yet,
        "checked": report.checked,
        "out_of_scope": report.out_of_scope,
        "errors": [error.as_dict() for error in report.errors],
    }
    parts = [
        f"  {_string(key)}: "
        + (_findings(report.findings) if key == "findings" else _indented(value)).replace("\n", "\n  ")
        for key, value in document.items()
    ]
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _indented(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


_string = json.encoder.encode_basestring  # how json writes a string when not ensure_ascii (in C)


def _findings(findings: list[Finding]) -> str:
    """The findings as _indented() writes them. They all have the same keys, so one template is filled in
    with each one's values, written as json writes them."""
    if not findings:
        return "[]"
    dicts = [finding.as_dict() for finding in findings]
    lines = [f"    {_string(key)}: {{}}" for key in dicts[0]]
    template = "  {{\n" + ",\n".join(lines) + "\n  }}"
    items = [template.format(*[_scalar(value) for value in values.values()]) for values in dicts]
    return "[\n" + ",\n".join(items) + "\n]"


def _scalar(value: object) -> str:
    if type(value) is str:
        return _string(value)
    return int.__repr__(value) if type(value) is int else json.dumps(value)
