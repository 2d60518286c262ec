"""Command targets as typed in Slack or the shell: ids, ranges, Billecta ids, --all, --changed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.errors import UsageError, echo

MAX_RANGE = 50_000
_RANGE = re.compile(r"^(\d+)\s*-\s*(\d+)$")


@dataclass
class TargetSpec:
    keys: list[str] = field(default_factory=list)
    all: bool = False
    changed: bool = False

    @property
    def empty(self) -> bool:
        return not (self.keys or self.all or self.changed)

    def describe(self) -> str:
        if self.all:
            return "--all"
        if self.changed:
            return "--changed"
        return " ".join(self.keys)


def parse_targets(tokens: list[str]) -> TargetSpec:
    """'1 2 5-9', '1,2,5-9', '--all', '--changed', '7545769088' or a GUID; keeps order, drops repeats."""
    spec = TargetSpec()
    seen: set[str] = set()
    for token in _split(tokens):
        if token in ("--all", "all"):
            spec.all = True
        elif token in ("--changed", "changed"):
            spec.changed = True
        else:
            for key in _expand(token):
                if key not in seen:
                    seen.add(key)
                    spec.keys.append(key)
    if spec.all and spec.changed:
        raise UsageError("Use either --all or --changed, not both.")
    if (spec.all or spec.changed) and spec.keys:
        raise UsageError("Give record ids or --all/--changed, not both.")
    return spec


def _split(tokens: list[str]) -> list[str]:
    parts: list[str] = []
    for token in tokens:
        parts.extend(p for p in re.split(r"[,\s]+", token.strip()) if p)
    # Re-join ranges typed with spaces: '5 - 9'.
    joined: list[str] = []
    for part in parts:
        if joined and (part == "-" or joined[-1].endswith("-")) and not part.startswith("--"):
            joined[-1] += part
        else:
            joined.append(part)
    return joined


def _expand(token: str) -> list[str]:
    match = _RANGE.match(token)
    if not match:
        if token.startswith("-"):
            raise UsageError(f"Unknown option {echo(token)!r}.")
        return [token.strip("#")]
    low, high = int(match[1]), int(match[2])
    if low > high:
        raise UsageError(f"Range {echo(token)} runs backwards; write {echo(f'{high}-{low}')}.")
    if high - low + 1 > MAX_RANGE:
        raise UsageError(f"Range {echo(token)} covers more than {MAX_RANGE:,} records; use --all instead.")
    return [str(number) for number in range(low, high + 1)]
