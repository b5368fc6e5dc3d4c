"""Train a small Transformer on a toy task, with attention snapshots of a fixed probe every N steps."""
from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch

from attnviz.i18n import Message
from attnviz.models.tokens import CharCodec
from attnviz.core.device import resolve_device
from attnviz.core.hooks import attention_kind, hook_names, hooks, record_into
from attnviz.models.generate import decode_loop
from attnviz.models.scratch import ScratchConfig, ScratchTransformer
from attnviz.training.tasks import IGNORE, TASKS, batch, check, layout

# a setting's name in a message (the form's labels say them in full)
FIELD_NAMES = {"steps": Message("steps"), "batch_size": Message("batch size"), "n_layers": Message("n layers"),
               "n_heads": Message("n heads"), "d_model": Message("d model"), "snapshot_every": Message("snapshot every"),
               "eval_every": Message("eval every"), "length": Message("length")}


@dataclass
class TrainConfig:
    task: str = "reverse"
    architecture: str | None = None  # None: the task's own default
    positional: str = "sinusoidal"
    n_layers: int = 2
    n_heads: int = 4
    d_model: int = 64
    length: int | None = None  # None: the task's default length
    steps: int | None = None  # None: the task's default
    batch_size: int = 64
    lr: float = 3e-3
    snapshot_every: int = 50
    eval_every: int = 100
    seed: int = 0
    device: str = "auto"

    def resolved(self) -> TrainConfig:
        task = TASKS.get(self.task)
        if task is None:
            raise ValueError(Message("Unknown task {task!r}: choose one of {tasks}.", task=self.task, tasks=", ".join(TASKS)))
        return TrainConfig(**{**asdict(self), "architecture": self.architecture or task.default_architecture,
                              "length": task.default_length if self.length is None else self.length,
                              "steps": task.default_steps if self.steps is None else self.steps})

    def problems(self) -> list[str]:
        """Settings that cannot train, each as a sentence saying what to change (Keyed: the page translates it)."""
        out = []
        if self.task not in TASKS:
            return [Message("Unknown task {task!r}: choose one of {tasks}.", task=self.task, tasks=", ".join(TASKS))]
        cfg = self.resolved()
        for name in ("steps", "batch_size", "n_layers", "n_heads", "d_model", "snapshot_every", "eval_every", "length"):
            if int(getattr(cfg, name)) <= 0:
                out.append(Message("{name} must be at least 1 (got {value}).", name=FIELD_NAMES[name], value=getattr(cfg, name)))
        if cfg.n_heads > 0 and cfg.d_model % cfg.n_heads:
            out.append(Message("{heads} heads do not divide d_model = {d_model}: pick a head count that divides it.", heads=cfg.n_heads, d_model=cfg.d_model))
        elif cfg.positional == "rotary" and cfg.n_heads > 0 and (cfg.d_model // cfg.n_heads) % 2:
            out.append(Message("Rotary positions need an even d_head (d_model / heads)."))
        if not 0 < cfg.lr < 1:
            out.append(Message("The learning rate should be between 0 and 1 (got {lr}).", lr=cfg.lr))
        problem = check(TASKS[cfg.task], cfg.architecture)
        if problem:
            out.append(problem)
        if cfg.length > 40:
            out.append(Message("Keep the length at 40 or less: these are toy tasks for a small model."))
        return out


@dataclass
class Snapshot:
    step: int
    attention: dict[str, np.ndarray]  # kind -> [layer, head, query_pos, key_pos]


@dataclass
class History:
    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)  # token accuracy on the training batch
    eval_steps: list[int] = field(default_factory=list)
    eval_accuracy: list[float] = field(default_factory=list)  # token accuracy on held-out examples
    seconds: float = 0.0


class Trainer:
    """One model, its optimiser, its data stream, its probe and its history; step() advances by one batch."""

    def __init__(self, config: TrainConfig) -> None:
        problems = config.problems()
        if problems:
            raise ValueError(" ".join(problems))
        self.config = cfg = config.resolved()
        self.task = TASKS[cfg.task]
        self.codec = CharCodec()
        self.device = resolve_device(cfg.device)
        # the seed decides the starting weights without touching the process's own random state (a server
        # builds trainers for many visitors; the weights are made on the CPU, so only its generator is forked)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(cfg.seed)
            model = ScratchTransformer(ScratchConfig(
                architecture=cfg.architecture, vocab_size=self.codec.vocab_size, d_model=cfg.d_model,
                n_heads=cfg.n_heads, n_layers=cfg.n_layers, d_ff=4 * cfg.d_model, positional=cfg.positional,
                max_len=max(64, 4 * cfg.length + 8)))
        self.model = model.to(self.device)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr)
        self.rng = random.Random(cfg.seed)
        self.step_count = 0
        self.history = History()
        self.snapshots: list[Snapshot] = []
        self.heldout = batch(self.task, cfg.architecture, random.Random(10_000 + cfg.seed), 512, cfg.length,
                             self.codec, self.device)
        self.probe_tokens = self._probe_tokens()
        self.snapshot()

    # ---- data and probe ---------------------------------------------------------------------------
    def _probe_layout(self):
        return layout(self.task, self.config.architecture, *self.task.probe, self.codec)

    def _probe_tokens(self) -> dict[str, tuple[list[str], list[str]]]:
        """kind -> (query tokens, key tokens) of the probe."""
        ids, dec, _ = self._probe_layout()
        src = self.codec.display(ids)
        if self.config.architecture == "encoder-decoder":
            tgt = self.codec.display(dec)
            return {"self": (src, src), "decoder_self": (tgt, tgt), "cross": (tgt, src)}
        return {"self": (src, src)}

    @torch.no_grad()
    def snapshot(self) -> Snapshot:
        """The probe's attention now, kept on the host (a few KB)."""
        self.model.eval()
        ids, dec, _ = self._probe_layout()
        store: dict[str, torch.Tensor] = {}
        names = [n for n in hook_names(self.model) if n.endswith("hook_pattern")]
        with hooks(self.model, {n: record_into(store) for n in names}):
            self.model(torch.tensor([ids], device=self.device),
                       target_ids=None if dec is None else torch.tensor([dec], device=self.device))
        kinds: dict[str, list[np.ndarray]] = {}
        for name in names:
            kind = attention_kind(name, self.config.architecture)
            kinds.setdefault(kind, []).append(store[name][0].float().cpu().numpy())
        snap = Snapshot(self.step_count, {k: np.stack(v) for k, v in kinds.items()})
        self.snapshots.append(snap)
        self.model.train()
        return snap

    # ---- training --------------------------------------------------------------------------------
    def _loss(self, ids, dec, labels, key_mask):
        logits = self.model(ids, target_ids=dec, key_mask=key_mask)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1),
                                                 ignore_index=IGNORE)
        return loss, logits

    @staticmethod
    def _accuracy(logits, labels) -> float:
        keep = labels != IGNORE
        return float(((logits.argmax(-1) == labels) & keep).sum()) / max(int(keep.sum()), 1)

    def step(self) -> tuple[float, float]:
        """One optimiser step on a fresh batch; returns (loss, batch token accuracy)."""
        self.model.train()
        ids, dec, labels, key_mask = batch(self.task, self.config.architecture, self.rng, self.config.batch_size,
                                           self.config.length, self.codec, self.device)
        loss, logits = self._loss(ids, dec, labels, key_mask)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.step_count += 1
        acc = self._accuracy(logits.detach(), labels)
        h = self.history
        h.steps.append(self.step_count)
        h.loss.append(float(loss.detach()))
        h.accuracy.append(acc)
        if self.step_count % self.config.snapshot_every == 0:
            self.snapshot()
        if self.step_count % self.config.eval_every == 0:
            self.evaluate()
        return float(loss.detach()), acc

    @torch.no_grad()
    def evaluate(self) -> float:
        """Token accuracy on 512 held-out examples (a data stream the training never sees)."""
        self.model.eval()
        ids, dec, labels, key_mask = self.heldout
        _, logits = self._loss(ids, dec, labels, key_mask)
        acc = self._accuracy(logits, labels)
        self.model.train()
        if not self.history.eval_steps or self.history.eval_steps[-1] != self.step_count:
            self.history.eval_steps.append(self.step_count)
            self.history.eval_accuracy.append(acc)
        return acc

    def run(self, steps: int | None = None, stop=None, progress=None) -> float:
        """Train for `steps` more steps (default: up to config.steps); returns held-out accuracy.

        stop: anything with is_set() (a threading.Event) that ends the run early when set.
        """
        target = self.step_count + steps if steps is not None else self.config.steps
        start = time.perf_counter()
        while self.step_count < target and not (stop is not None and stop.is_set()):
            self.step()
            if progress is not None:
                progress(self)
        self.history.seconds += time.perf_counter() - start
        return self.evaluate()

    @torch.no_grad()
    def predict(self, source: str) -> str:
        """The model's answer for one source string (greedy for decoders)."""
        self.model.eval()
        cfg, codec = self.config, self.codec
        ids = codec.encode(source)
        try:
            if cfg.architecture == "encoder":
                logits = self.model(torch.tensor([ids], device=self.device))
                return codec.decode(logits[0].argmax(-1).tolist())
            if cfg.architecture == "decoder":
                n_out = len(self.task.make(random.Random(0), cfg.length)[1])
                seq = decode_loop(lambda s: self.model(torch.tensor([s], device=self.device))[0, -1],
                                  ids + codec.encode(self.task.sep), n_out)
                return codec.decode(seq[len(ids) + 1:])
            x, eos = torch.tensor([ids], device=self.device), codec.id("<eos>")
            out = decode_loop(lambda s: self.model(x, target_ids=torch.tensor([s], device=self.device))[0, -1],
                              [codec.id("<bos>")], 8 * cfg.length, eos=eos)
            return codec.decode(out[1:-1] if out[-1] == eos else out[1:])
        finally:
            self.model.train()

    # ---- state, for the worker process -------------------------------------------------------------
    def state(self) -> dict:
        """Everything training needs to go on elsewhere, on the host and picklable: weights, optimiser,
        data stream position, history and snapshots."""
        return {"config": asdict(self.config), "step_count": self.step_count, "rng": self.rng.getstate(),
                "model": {k: v.detach().cpu() for k, v in self.model.state_dict().items()},
                "optimizer": _to_cpu(self.optimizer.state_dict()),
                "history": self.history, "snapshots": list(self.snapshots)}

    def load_state(self, state: dict) -> None:
        """Take over a state() from another Trainer of the same config (the worker's, or the page's)."""
        self.config = TrainConfig(**state["config"])
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])  # moves the moments to the parameters' device
        self.rng.setstate(state["rng"])
        self.step_count = state["step_count"]
        self.history = state["history"]
        self.snapshots = list(state["snapshots"])

    def save(self, folder: str | Path, extra: dict | None = None) -> Path:
        """A checkpoint: safetensors weights and JSON config (model, tokenizer, task, training, history, and
        anything in `extra`, such as the owner's tag)."""
        h = self.history
        return self.model.save(folder, extra={**(extra or {}),
            "codec": self.codec.to_json(), "task": self.config.task, "train_config": asdict(self.config),
            "steps_trained": self.step_count, "seconds": h.seconds,
            "heldout_accuracy": h.eval_accuracy[-1] if h.eval_accuracy else None,
            "probe": list(self.task.probe),
        })


def induction_scores(attention: np.ndarray, half: int) -> np.ndarray:
    """Per [layer, head]: mean attention from each token of the repeat to the token after its first occurrence.

    For "x₀…x₇|x₀…x₇" the query at the repeat's x_j (position half + 1 + j) should look at x_{j+1}
    (position j + 1): the shifted diagonal of an induction head. attention: [layer, head, pos, pos].
    """
    queries = np.arange(half + 1, 2 * half)  # the repeated tokens x_0 .. x_{half-2} that have a successor
    keys = queries - half  # x_{j+1} in the first half
    keys = keys[queries < attention.shape[-2]]
    queries = queries[: len(keys)]
    return attention[:, :, queries, keys].mean(axis=-1)


def _to_cpu(value):
    """A nested optimiser state with every tensor moved to the host (so it pickles without the GPU)."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, dict):
        return {k: _to_cpu(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_cpu(v) for v in value)
    return value
