from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """What an import did; ``problems`` name the file's line numbers."""

    kind: str
    imported: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)

    def add_problem(self, line: int, message: str) -> None:
        self.problems.append((line, message))

    def summary(self) -> str:
        parts = [f"{self.imported} {self.kind} imported"]
        if self.updated:
            parts.append(f"{self.updated} updated")
        if self.skipped:
            parts.append(f"{self.skipped} already present")
        parts.append(f"{len(self.problems)} rejected")
        return ", ".join(parts)


def format_errors(errors) -> str:
    """marshmallow's nested messages as one line: 'price: Not a valid number.; lines.0.quantity: ...'."""
    flat: list[str] = []

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            flat.append(f"{prefix or 'row'}: {' '.join(value)}")
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}", inner)
        else:
            flat.append(f"{prefix or 'row'}: {value}")

    walk("", errors)
    return "; ".join(flat)
