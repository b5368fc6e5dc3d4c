"""`--engine ray`: the survey's pure per-batch step (survey_batch) run by Ray Data workers, one model each;
the driver writes the same Parquet parts and manifest as the single-process engine. Ray is imported here
only, inside functions: the single-machine path never needs it."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import numpy as np
import pyarrow as pa

from attnviz.core.errors import AttnvizError
from attnviz.models.loading import LoadedModel
from attnviz.survey.corpus import Corpus
from attnviz.survey.rows import Basis, survey_batch
from attnviz.survey.run import TABLES, Summary, batches, finish, part_name, prepare, progress_bar, write_part

RAY_PIN = "2.52.0"
INSTALL = f"pip install 'ray[data]=={RAY_PIN}'"
ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the attnviz package


def require_ray():
    """The ray module, or an AttnvizError that says how to install it."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # before the import: Ray reads these then
    os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")  # CPU workers are told device="cpu"
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise AttnvizError(f"--engine ray needs Ray Data, which is not installed here: {INSTALL} "
                           "(or leave out --engine ray to survey in this process).") from exc
    return ray


def _to_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _from_bytes(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


class SurveyWorker:
    """A Ray actor: loads the model once, then turns each batch row (one part's texts) into that part's tables."""

    def __init__(self, spec: str, device: str, mean: np.ndarray, components: np.ndarray, raw: bool,
                 threads: int) -> None:
        import torch

        from attnviz.models.loading import load_model

        torch.set_num_threads(max(1, threads))  # Ray gives each worker its CPUs; torch would take them all
        self.model = load_model(spec, device=device)
        self.basis = Basis(mean, components)
        self.raw = raw

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out: dict[str, list] = {"index": [], **{t: [] for t in TABLES}}
        for index, first_id, items in zip(batch["index"], batch["first_id"], batch["items"]):
            tables = survey_batch(self.model, json.loads(items), int(first_id), self.basis, self.raw)
            out["index"].append(int(index))
            for t in TABLES:
                out[t].append(_to_bytes(tables[t]) if t in tables else b"")
        return {"index": np.array(out["index"], dtype=np.int64),
                **{t: np.array(out[t], dtype=object) for t in TABLES}}


def start_local(ray, cpus: int) -> None:
    """Start a small, quiet, offline Ray on this machine: no dashboard, no usage report, a small object store,
    and workers that find this attnviz."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    # address="local": a new Ray even where `ray start` once ran here (ray.init() alone would join that one)
    ray.init(address="local", num_cpus=cpus, include_dashboard=False, logging_level=logging.WARNING,
             log_to_driver=False, object_store_memory=512 * 2**20,
             runtime_env={"env_vars": {"PYTHONPATH": path, "RAY_USAGE_STATS_ENABLED": "0"}})


def _connect(ray, address: str | None, cpus: int) -> bool:
    """Join the cluster at address, or start a local Ray; True if this call started (and must end) it.
    A Ray this process already runs (a notebook, a test) is used as it is and left running."""
    if ray.is_initialized():
        return False
    if address:
        # workers on other machines need attnviz: Ray ships this package to them (a few hundred KB)
        ray.init(address=address, runtime_env={"py_modules": [str(ROOT / "attnviz")]},
                 logging_level=logging.WARNING, log_to_driver=False)
    else:
        start_local(ray, cpus)
    return True


def _quiet(ray) -> None:
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the survey's own bar counts texts
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)  # per-dataset INFO lines and sizing advice


def run_survey_ray(model: LoadedModel, corpus: Corpus, out: str | Path, batch_size: int = 16, dims: int = 8,
                   raw: bool = False, progress: bool = True, workers: int = 2, cpus_per_worker: int = 1,
                   address: str | None = None, device: str = "auto") -> Summary:
    """Survey corpus into folder out with Ray Data: model (here, in the driver) checks the folder and fits the
    projection axes; `workers` Ray actors each load model.spec once on `device` (a GPU each where the cluster
    has them and device is not cpu) and compute the parts still missing, which the driver writes."""
    if workers < 1 or cpus_per_worker < 1:
        raise AttnvizError("--workers and --cpus-per-worker must be at least 1.")
    ray = require_ray()
    plan = prepare(model, corpus, out, batch_size, dims, raw)
    # one dataset row per missing part: the part is what resuming counts, so it is Ray's unit of work too
    todo, counts, done_texts = [], {}, 0
    for index, batch in enumerate(batches(corpus.items(), batch_size)):
        if part_name(index) in plan.kept:
            done_texts += len(batch)
        else:
            todo.append({"index": index, "first_id": index * batch_size, "items": json.dumps(batch)})
            counts[index] = len(batch)
    written = 0
    if todo:
        started = _connect(ray, address, workers * cpus_per_worker)
        try:
            _quiet(ray)
            gpus = ray.cluster_resources().get("GPU", 0) if device != "cpu" else 0
            if device == "cuda" and not gpus:
                raise AttnvizError("--device cuda, but the Ray cluster has no GPU.")
            if gpus:
                workers = min(workers, int(gpus))  # one GPU a worker: more workers than GPUs would wait forever
            bar = progress_bar(corpus.total, progress)
            bar.update(done_texts)
            dataset = ray.data.from_items(todo).map_batches(
                SurveyWorker, batch_size=1, batch_format="numpy", num_gpus=1 if gpus else 0,
                num_cpus=cpus_per_worker, concurrency=workers,
                fn_constructor_kwargs={"spec": model.spec, "device": "cuda" if gpus else "cpu",
                                       "mean": plan.basis.mean, "components": plan.basis.components,
                                       "raw": raw, "threads": cpus_per_worker})
            for result in dataset.iter_batches(batch_size=1, batch_format="numpy", prefetch_batches=1):
                index = int(result["index"][0])
                tables = {t: _from_bytes(result[t][0]) for t in TABLES if len(result[t][0])}
                write_part(plan.folder, part_name(index), tables)
                written += 1
                bar.update(counts[index])
            bar.close()
        finally:
            if started:
                ray.shutdown()
    return finish(plan, written, complete=True)
