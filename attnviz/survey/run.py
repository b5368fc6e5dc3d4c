"""Stream a corpus through a model in batches and write each batch's rows as Parquet parts:
resumable (finished parts are kept), and nothing is ever written half (a temporary name, then a rename)."""
from __future__ import annotations

import itertools
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from attnviz.core.errors import AttnvizError
from attnviz.i18n import Message
from attnviz.models.loading import LoadedModel
from attnviz.survey.corpus import BadCorpus, Corpus
from attnviz.survey.rows import Basis, fit_basis, survey_batch

MANIFEST = "manifest.json"
BASIS = "basis.npz"
# texts last: a part counts as done once its texts file exists. qk is written only with a basis or --raw;
# probes only with the parts that hold the first texts (rows.SURVEY_PROBES), and only since head types.
TABLES = ("stats", "tokens", "qk", "probes", "texts")
CALIBRATION_TEXTS = 64  # texts the projection axes are fitted on (the first ones of the corpus)


class SurveyMismatch(AttnvizError):
    """An existing survey folder that holds another model, corpus or settings."""


@dataclass
class Summary:
    folder: Path
    texts: int
    tokens: int
    truncated: int
    parts_written: int
    parts_kept: int


def _atomic(path: Path, write) -> None:
    """Write through `write(tmp_path)` then rename: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def _write_json(path: Path, data: dict) -> None:
    _atomic(path, lambda tmp: tmp.write_text(json.dumps(data, indent=1)))


def read_manifest(folder: Path) -> dict:
    """The manifest of a survey folder; AttnvizError if the folder is not one."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise AttnvizError(Message("`{name}` is not a survey folder (it has no {manifest}).", name=Path(folder).name, manifest=MANIFEST))
    return json.loads(path.read_text())


def done_parts(folder: Path) -> list[str]:
    """Names of the finished parts (those whose texts file exists), in order."""
    return sorted(p.stem for p in (Path(folder) / "texts").glob("part-*.parquet"))


def batches(items: Iterator[dict], size: int) -> Iterator[list[dict]]:
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _settings(model: LoadedModel, corpus: Corpus, batch_size: int, dims: int, raw: bool) -> dict:
    return {"model": model.info.name, "model_spec": model.spec, "corpus": corpus.source, "batch_size": batch_size,
            "dims": dims, "raw": raw, "n_layers": model.info.n_layers, "n_heads": model.info.n_heads,
            "causal": model.info.causal}


def _check_existing(folder: Path, wanted: dict) -> dict | None:
    """The manifest of a survey to resume here, None for a fresh folder; SurveyMismatch if it is another's."""
    if not folder.exists():
        return None
    if not folder.is_dir():
        raise SurveyMismatch(f"`{folder}` is a file: give a folder for --out.")
    if not (folder / MANIFEST).is_file():
        if any(folder.iterdir()):
            raise SurveyMismatch(f"`{folder}` is not empty and is not a survey folder: give a new or empty folder.")
        return None
    found = read_manifest(folder)
    for key, label in (("model", "model"), ("corpus", "corpus"), ("dims", "--dims"), ("raw", "--raw"),
                       ("batch_size", "--batch-size")):
        if found.get(key) != wanted[key]:
            raise SurveyMismatch(f"`{folder.name}` holds a survey with {label} {found.get(key)!r}, not "
                                 f"{wanted[key]!r}: resume it with the same {label}, or choose another --out.")
    return found


@dataclass
class Plan:
    """A survey folder made ready to write: its settings, the parts already finished, and the projection axes."""

    folder: Path
    settings: dict
    kept: set[str]
    basis: Basis


def prepare(model: LoadedModel, corpus: Corpus, out: str | Path, batch_size: int, dims: int, raw: bool) -> Plan:
    """Check (or start) the survey folder out, fit (or reload) the projection axes: everything both engines
    do before the first batch."""
    if batch_size < 1 or dims < 1:
        raise AttnvizError("--batch-size and --dims must be at least 1.")
    folder = Path(out).expanduser()
    wanted = _settings(model, corpus, batch_size, dims, raw)
    previous = _check_existing(folder, wanted)
    first = list(itertools.islice(corpus.items(), CALIBRATION_TEXTS))
    if not first:
        raise BadCorpus(Message("The corpus `{source}` has no texts (every line or row is empty).", source=corpus.source))
    for table in TABLES:
        (folder / table).mkdir(parents=True, exist_ok=True)
    if previous is None:
        _write_json(folder / MANIFEST, {**wanted, "complete": False})
    basis = _load_or_fit_basis(folder, model, [item["text"] for item in first], dims)
    return Plan(folder, wanted, set(done_parts(folder)), basis)


def part_name(index: int) -> str:
    return f"part-{index:06d}"


def write_part(folder: Path, name: str, tables: dict[str, pa.Table]) -> None:
    """Write one batch's tables, texts last (a part counts as done once its texts file exists)."""
    for table in TABLES:
        if table in tables:
            _atomic(folder / table / f"{name}.parquet", lambda tmp, t=tables[table], name=table: _write_parquet(t, tmp, name))


def finish(plan: Plan, written: int, complete: bool) -> Summary:
    """Count what the folder holds; mark the manifest complete when every batch is written."""
    totals = _totals(plan.folder)
    if complete:
        _write_json(plan.folder / MANIFEST, {**plan.settings, "complete": True, **totals})
    return Summary(plan.folder, totals["n_texts"], totals["n_tokens"], totals["n_truncated"], written, len(plan.kept))


def run_survey(model: LoadedModel, corpus: Corpus, out: str | Path, batch_size: int = 16, dims: int = 8,
               raw: bool = False, progress: bool = True, max_parts: int | None = None) -> Summary:
    """Survey corpus with model into folder out (resuming what is there). max_parts stops after that many
    new parts (an interruption, for tests)."""
    plan = prepare(model, corpus, out, batch_size, dims, raw)
    written = 0
    bar = progress_bar(corpus.total, progress)
    for index, batch in enumerate(batches(corpus.items(), batch_size)):
        name = part_name(index)
        if name not in plan.kept:
            if max_parts is not None and written >= max_parts:
                bar.close()
                return finish(plan, written, complete=False)
            write_part(plan.folder, name, survey_batch(model, batch, index * batch_size, plan.basis, raw))
            written += 1
        bar.update(len(batch))
    bar.close()
    return finish(plan, written, complete=True)


def _write_parquet(table: pa.Table, path: Path, kind: str) -> None:
    # qk rows are sorted by layer, head: one row group per layer lets a reader of one head skip the rest
    layers = int(pa.compute.max(table["layer"]).as_py()) + 1 if kind == "qk" and len(table) else 1
    pq.write_table(table, path, row_group_size=max(1, -(-len(table) // layers)))


def _load_or_fit_basis(folder: Path, model: LoadedModel, texts: list[str], dims: int) -> Basis:
    path = folder / BASIS
    if path.is_file():
        with np.load(path) as data:
            return Basis(data["mean"], data["components"])
    basis = fit_basis(model, texts, dims)

    def write(tmp: Path) -> None:
        with tmp.open("wb") as f:
            np.savez(f, mean=basis.mean, components=basis.components)
    _atomic(path, write)
    return basis


def _totals(folder: Path) -> dict:
    files = [folder / "texts" / f"{p}.parquet" for p in done_parts(folder)]
    if not files:
        return {"n_texts": 0, "n_tokens": 0, "n_truncated": 0}
    table = pa.concat_tables([pq.read_table(f, columns=["n_tokens", "truncated_from"]) for f in files])
    return {"n_texts": len(table), "n_tokens": int(pa.compute.sum(table["n_tokens"]).as_py() or 0),
            "n_truncated": len(table) - table["truncated_from"].null_count}


def progress_bar(total: int | None, show: bool):
    from tqdm import tqdm

    return tqdm(total=total, unit="text", desc="survey", disable=not show, file=sys.stderr)
