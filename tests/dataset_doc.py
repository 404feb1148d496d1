"""Read the relation tables of docs/dataset.md: what the schema's comments must say.

A section `### \\`name\\`: description` followed by a `| column | type | meaning |` table
documents one relation; a cell listing several columns ("platform, post_id") gives each the
same type and meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "dataset.md"
_HEADING = re.compile(r"^### `(?P<name>[a-z_]+)`: (?P<description>.+)$")


@dataclass
class DocumentedRelation:
    name: str
    description: str
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (type, meaning)


def documented_relations(doc: Path = DOC) -> dict[str, DocumentedRelation]:
    relations: dict[str, DocumentedRelation] = {}
    current: DocumentedRelation | None = None
    for line in doc.read_text(encoding="utf-8").splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = DocumentedRelation(heading["name"], heading["description"])
            relations[current.name] = current
        elif line.startswith("#"):
            current = None
        elif current is not None and line.startswith("| ") and not line.startswith(
                ("| column |", "|---")):
            names, type_, meaning = (c.strip() for c in line.strip().strip("|").split(" | ", 2))
            for name in names.split(", "):
                current.columns[name] = (type_, meaning)
    return relations


def comments_sql(doc: Path = DOC) -> str:
    """benchmarks/sql/comments.sql as generated from the docs: one statement per meaning."""
    kinds: dict[str, str] = {}
    section = ""
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip().lower()
        heading = _HEADING.match(line)
        if heading:
            kinds[heading["name"]] = "view" if section == "views" else "table"
    lines = ["-- What every table, view and column means, readable from the live database",
             "-- (`replyaudit schema`). Generated from docs/dataset.md by tests/dataset_doc.py:",
             "-- `REPLYAUDIT_UPDATE_DOCS=1 make test` refreshes it; never edit by hand.", ""]
    for relation in documented_relations(doc).values():
        lines.append(f"comment on {kinds[relation.name]} {relation.name} is "
                     f"{_quote(relation.description)};")
        lines += [f"comment on column {relation.name}.{column} is {_quote(meaning)};"
                  for column, (_, meaning) in relation.columns.items()]
        lines.append("")
    return "\n".join(lines)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
