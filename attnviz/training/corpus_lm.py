"""Train a from-scratch causal decoder on a corpus of paragraphs (next-character prediction), with
held-out loss in nats and bits per character beside a unigram baseline."""
from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import torch

from attnviz.models.scratch import ScratchConfig, ScratchTransformer
from attnviz.models.tokens import CharCodec
from attnviz.training.tasks import IGNORE


@dataclass
class LMConfig:
    d_model: int = 96
    n_heads: int = 6
    n_layers: int = 3
    d_ff: int = 384
    positional: str = "rotary"
    context: int = 128  # characters a training window holds
    max_len: int = 256  # positions the model takes (rotary: more than it trained on still runs)
    batch_size: int = 24
    steps: int = 1500
    repeat_share: float = 0.1  # windows in which an earlier phrase comes back (so that copying it pays)
    repeat_max: int = 24  # characters of that phrase, at most (at least 6)
    lr: float = 3e-3
    min_lr: float = 3e-4
    warmup: int = 100
    weight_decay: float = 0.01
    eval_every: int = 250
    seed: int = 0
    keep_best: bool = True  # end with the weights of the best evaluation (else the last)


@dataclass
class LMHistory:
    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    eval_loss: list[float] = field(default_factory=list)  # nats per character, held out
    seconds: float = 0.0


def encode_paragraphs(codec: CharCodec, paragraphs: list[str]) -> list[list[int]]:
    return [codec.encode(p) for p in paragraphs if p]


def windows(paragraphs: list[list[int]], context: int, rng: random.Random, size: int,
            space: int, repeat_share: float = 0.0, repeat_max: int = 24) -> list[list[int]]:
    """`size` windows of context + 1 ids: each starts at a paragraph's start and runs on into the next
    paragraphs (joined by a space), so position 0 is a text's first character, as in the app. In a share
    of them a phrase of the window comes back a little later (see repeat_phrase)."""
    out = []
    for _ in range(size):
        i = rng.randrange(len(paragraphs))
        ids: list[int] = []
        while len(ids) < context + 1:
            ids += paragraphs[i % len(paragraphs)] + [space]
            i += 1
        if rng.random() < repeat_share:
            ids = repeat_phrase(ids, rng, repeat_max)
        out.append(ids[: context + 1])
    return out


def repeat_phrase(ids: list[int], rng: random.Random, longest: int = 24) -> list[int]:
    """ids with a copy of one of its phrases (6 to `longest` ids from the first half) inserted further on: text
    repeats itself (a term, a command, a refrain), and this makes it happen often enough to learn from."""
    n = rng.randint(6, longest)
    if len(ids) < 4 * n:
        return ids
    start = rng.randrange(0, len(ids) // 2 - n)
    at = rng.randrange(start + n, len(ids) - n)
    return ids[:at] + ids[start:start + n] + ids[at:]


def _targets(ids: torch.Tensor, unk: int) -> torch.Tensor:
    """Next-character labels; an unknown character is not a target (the model is not asked to predict <unk>)."""
    labels = ids[:, 1:].clone()
    labels[labels == unk] = IGNORE
    return labels


def lm_loss(model: ScratchTransformer, ids: torch.Tensor, unk: int) -> tuple[torch.Tensor, int]:
    """(summed cross-entropy in nats, number of predicted characters) of ids [batch, pos]."""
    logits = model(ids[:, :-1])  # [batch, pos - 1, vocab]
    labels = _targets(ids, unk)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1),
                                             ignore_index=IGNORE, reduction="sum")
    return loss, int((labels != IGNORE).sum())


@torch.no_grad()
def heldout_loss(model: ScratchTransformer, codec: CharCodec, texts: list[str], context: int,
                 batch_size: int = 32) -> float:
    """Mean nats per predicted character over texts, each read in windows of up to `context` + 1 characters
    from the text's start (every character but a text's first is predicted once)."""
    model.eval()
    unk = codec.id("<unk>")
    chunks = []
    for text in texts:
        ids = codec.encode(text)
        chunks += [ids[s: s + context + 1] for s in range(0, max(1, len(ids) - 1), context)]
    chunks = sorted((c for c in chunks if len(c) >= 2), key=len)
    total, count = 0.0, 0
    for i in range(0, len(chunks), batch_size):
        group = chunks[i: i + batch_size]
        width = max(len(c) for c in group)
        ids = torch.tensor([c + [unk] * (width - len(c)) for c in group])  # padding: <unk> is never a target
        loss, n = lm_loss(model, ids, unk)
        total, count = total + float(loss), count + n
    model.train()
    return total / max(count, 1)


def unigram_loss(train: list[str], test: list[str], codec: CharCodec) -> float:
    """Nats per character of the training text's character frequencies (add-one over the vocabulary) on test,
    counting the characters the model is scored on (every character but a text's first, <unk> left out)."""
    unk = codec.id("<unk>")
    counts = torch.ones(codec.vocab_size, dtype=torch.float64)
    for text in train:
        counts += torch.bincount(torch.tensor(codec.encode(text) or [0]), minlength=codec.vocab_size).double() \
            if text else 0
    for special in codec.special_ids():
        counts[special] = 0
    logp = torch.log(counts / counts.sum())
    total, n = 0.0, 0
    for text in test:
        ids = torch.tensor(codec.encode(text)[1:], dtype=torch.long)
        ids = ids[ids != unk]
        total -= float(logp[ids].sum())
        n += len(ids)
    return total / max(n, 1)


def grow_vocabulary(model: ScratchTransformer, vocab_size: int, like: int, seed: int = 0) -> ScratchTransformer:
    """A copy of model with vocab_size tokens: the new ones read like token `like` (its embedding, plus a little
    noise so that they differ) and are predicted like it (its output row), until training teaches them more."""
    from dataclasses import replace

    old = model.cfg.vocab_size
    grown = ScratchTransformer(replace(model.cfg, vocab_size=vocab_size))
    state = model.state_dict()
    generator = torch.Generator().manual_seed(seed)
    for name, weight in state.items():
        if weight.shape[:1] == (old,) and name.endswith(("tokens.weight", "lm_head.weight")):
            extra = weight[like].expand(vocab_size - old, -1).clone()  # [new tokens, d_model]
            if name.endswith("tokens.weight"):
                extra += 0.1 * weight.std() * torch.randn(extra.shape, generator=generator)
            state[name] = torch.cat([weight, extra])
    grown.load_state_dict(state)
    return grown


def bits(nats: float) -> float:
    return nats / math.log(2)


class CorpusLMTrainer:
    """A causal character decoder, its optimiser and its data: run() trains for config.steps."""

    def __init__(self, config: LMConfig, codec: CharCodec, train: list[str], heldout: list[str],
                 model: ScratchTransformer | None = None) -> None:
        """model: weights to go on training (a later phase); by default new ones, seeded."""
        self.config, self.codec = config, codec
        self.train_ids = encode_paragraphs(codec, train)
        self.heldout = heldout
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            self.model = model if model is not None else ScratchTransformer(ScratchConfig(
                architecture="decoder", vocab_size=codec.vocab_size, d_model=config.d_model, n_heads=config.n_heads,
                n_layers=config.n_layers, d_ff=config.d_ff, max_len=config.max_len, positional=config.positional))
        decay = [p for n, p in self.model.named_parameters() if p.dim() >= 2]
        rest = [p for n, p in self.model.named_parameters() if p.dim() < 2]
        self.optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": config.weight_decay},
                                            {"params": rest, "weight_decay": 0.0}], lr=config.lr)
        self.rng = random.Random(config.seed)
        self.step_count = 0
        self.history = LMHistory()
        self.best: tuple[float, dict] | None = None  # (held-out loss, weights) of the best evaluation

    def lr_at(self, step: int) -> float:
        """Linear warm-up, then a cosine from lr down to min_lr at the last step."""
        c = self.config
        if step < c.warmup:
            return c.lr * (step + 1) / c.warmup
        t = (step - c.warmup) / max(1, c.steps - c.warmup)
        return c.min_lr + 0.5 * (c.lr - c.min_lr) * (1 + math.cos(math.pi * min(t, 1.0)))

    def step(self) -> float:
        c = self.config
        self.model.train()
        ids = torch.tensor(windows(self.train_ids, c.context, self.rng, c.batch_size, self.codec.id(" "),
                                   c.repeat_share, c.repeat_max))
        loss, n = lm_loss(self.model, ids, self.codec.id("<unk>"))
        loss = loss / max(n, 1)
        for group in self.optimizer.param_groups:
            group["lr"] = self.lr_at(self.step_count)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.step_count += 1
        self.history.steps.append(self.step_count)
        self.history.loss.append(float(loss.detach()))
        return float(loss.detach())

    def evaluate(self) -> float:
        loss = heldout_loss(self.model, self.codec, self.heldout, self.config.context)
        self.history.eval_steps.append(self.step_count)
        self.history.eval_loss.append(loss)
        if self.best is None or loss < self.best[0]:
            self.best = (loss, {k: v.detach().clone() for k, v in self.model.state_dict().items()})
        return loss

    def run(self, log: Callable[[str], None] = print) -> float:
        """Train to config.steps, evaluating every eval_every steps; keeps the weights of the best evaluation."""
        c = self.config
        start = time.perf_counter()
        while self.step_count < c.steps:
            loss = self.step()
            if self.step_count % 25 == 0:
                log(f"step {self.step_count} loss {loss:.3f} lr {self.lr_at(self.step_count):.2e} "
                    f"{time.perf_counter() - start:.0f}s")
            if self.step_count % c.eval_every == 0 or self.step_count == c.steps:
                held = self.evaluate()
                log(f"step {self.step_count} held-out {held:.4f} nats/char = {bits(held):.3f} bits/char")
        self.history.seconds += time.perf_counter() - start
        if c.keep_best:
            self.model.load_state_dict(self.best[1])
            return self.best[0]
        return self.history.eval_loss[-1]

    def summary(self) -> dict:
        return {"lm_config": asdict(self.config), "steps_trained": self.step_count,
                "seconds": round(self.history.seconds, 1),
                "history": {"eval_steps": self.history.eval_steps, "eval_loss": self.history.eval_loss}}
