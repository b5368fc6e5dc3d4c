"""Corpus sources: a text file (one text a line), a CSV or JSONL column, a Hugging Face `datasets` folder,
or `builtin[:N]`. Each is re-readable (a resumed survey reads it again) and yields {"text", ...} dicts."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable, Iterator

from attnviz.core.errors import AttnvizError
from attnviz.survey.builtin import builtin_corpus
from attnviz.survey.builtin_zh import builtin_zh_corpus
from attnviz.i18n import Message

BUILTIN_DEFAULT = 1000
BUILTINS = {"builtin": builtin_corpus, "builtin-zh": builtin_zh_corpus}  # templated corpora: name[:N]


class BadCorpus(AttnvizError):
    """A corpus that cannot be read, is empty, or lacks the asked column."""


@dataclass(frozen=True)
class Corpus:
    source: str  # what the person named, kept in the survey's manifest
    read: Callable[[], Iterator[dict]]
    total: int | None = None  # known length (for the progress bar), if cheap to know

    def items(self) -> Iterator[dict]:
        """The texts in order, empty ones left out."""
        try:
            for item in self.read():
                text = item.get("text")
                if isinstance(text, str) and text.strip():
                    yield item
        except OSError as exc:
            raise BadCorpus(Message("The corpus `{source}` could not be read ({why}).", source=self.source, why=exc.strerror or str(exc))) from exc


def _lines(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        for line in _decoded(f, path):
            yield {"text": line.rstrip("\n")}


def _decoded(lines, path: Path) -> Iterator[str]:
    number = 0
    try:
        for number, line in enumerate(lines, 1):  # noqa: B007 (read by the except clause)
            yield line
    except UnicodeDecodeError as exc:
        raise BadCorpus(Message("`{name}` is not UTF-8 text (line {line}: {why}).", name=path.name, line=number + 1, why=exc.reason)) from exc


def _csv(path: Path, column: str) -> Iterator[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(_decoded(f, path))
        if reader.fieldnames is None:
            return
        if column not in reader.fieldnames:
            raise BadCorpus(Message("`{name}` has no column {column!r}; its columns are: {columns}.", name=path.name, column=column,
                                    columns=", ".join(reader.fieldnames)))
        for row in reader:
            yield {**{k: v for k, v in row.items() if k in ("template",)}, "text": row[column]}


def _jsonl(path: Path, column: str) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(_decoded(f, path), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BadCorpus(Message("`{name}` line {line} is not JSON ({why}).", name=path.name, line=number, why=exc.msg)) from exc
            if not isinstance(row, dict) or column not in row:
                keys = ", ".join(row) if isinstance(row, dict) else Message("none (not an object)")
                raise BadCorpus(Message("`{name}` line {line} has no field {column!r}; its fields are: {keys}.", name=path.name,
                                        line=number, column=column, keys=keys))
            yield {"text": row[column], **({"template": row["template"]} if "template" in row else {})}


def _dataset(path: Path, column: str) -> tuple[Callable[[], Iterator[dict]], int]:
    try:
        import datasets
    except ImportError as exc:
        raise BadCorpus(Message("`{name}` looks like a Hugging Face datasets folder, and reading one needs the `datasets` "
                                "package: `pip install datasets`.", name=path.name)) from exc
    try:
        data = datasets.load_from_disk(str(path))
    except Exception as exc:  # datasets raises several kinds for a folder it cannot read
        raise BadCorpus(Message("`{name}` could not be read as a datasets folder ({why}).", name=path.name, why=str(exc))) from exc
    if isinstance(data, datasets.DatasetDict):
        split = next(iter(data))
        data = data[split]
    if column not in data.column_names:
        raise BadCorpus(Message("`{name}` has no column {column!r}; its columns are: {columns}.", name=path.name, column=column,
                                columns=", ".join(data.column_names)))
    return (lambda: ({"text": row[column]} for row in data)), len(data)


def open_corpus(spec: str, column: str = "text") -> Corpus:
    """The corpus named by spec; raises BadCorpus with a sentence saying what is wrong."""
    spec = (spec or "").strip()
    for name, make in BUILTINS.items():
        if spec == name or spec.startswith(name + ":"):
            count = spec.partition(":")[2] or str(BUILTIN_DEFAULT)
            if not count.isdigit() or int(count) < 1:
                raise BadCorpus(Message("`{spec}`: write {name}:N with N a positive number of texts, such as {name}:1000.", spec=spec,
                                        name=name))
            n = int(count)
            return Corpus(f"{name}:{n}", lambda make=make, n=n: make(n), n)
    path = Path(spec).expanduser()
    if not spec or not path.exists():
        raise BadCorpus(Message("The corpus `{spec}` does not exist: give a text file (one text a line), a .csv or .jsonl "
                                "file with --column, a datasets folder, builtin:N or builtin-zh:N.", spec=spec))
    if path.is_dir():
        read, total = _dataset(path, column)
        return Corpus(str(path), read, total)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return Corpus(str(path), lambda: _csv(path, column))
    if suffix in (".jsonl", ".ndjson"):
        return Corpus(str(path), lambda: _jsonl(path, column))
    return Corpus(str(path), lambda: _lines(path))
