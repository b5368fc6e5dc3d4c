"""Toy tasks whose solution is an attention pattern: copy, reverse, sort, shift, induction, addition, translation.

Each task makes (source, target) strings of characters; `batch` lays them out for an architecture:
- encoder: one label per source position (the target must be as long as the source);
- decoder: "source=target", the loss on the target's characters (next-token prediction);
- encoder-decoder: the encoder reads the source, the decoder "<bos>target" and predicts "target<eos>".
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING
from collections.abc import Callable

from attnviz.i18n import Message
from attnviz.models.tokens import CharCodec

if TYPE_CHECKING:  # torch loads when a batch is made: `attnviz train --help` stays light
    import torch

DIGITS = "0123456789"
LETTERS = "abcdefghijklmnop"
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SEP = "="
IGNORE = -100  # label value the loss skips


@dataclass(frozen=True)
class Task:
    name: str
    about: str  # a Keyed: English on the command line, the page's language on the page
    make: Callable[[random.Random, int], tuple[str, str]]  # (rng, length) -> (source, target)
    default_architecture: str
    default_length: int
    probe: tuple[str, str]  # a fixed (source, target) whose attention is snapshotted
    same_length: bool = True  # target as long as source: an encoder alone can solve it
    sep: str = SEP  # between source and target for a decoder
    default_steps: int = 800


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(DIGITS) for _ in range(n))


def _map_digits(fn: Callable[[str], str]) -> Callable[[random.Random, int], tuple[str, str]]:
    def make(rng: random.Random, n: int) -> tuple[str, str]:
        source = _digits(rng, n)
        return source, fn(source)
    return make


def _induction(rng: random.Random, n: int) -> tuple[str, str]:
    # The length varies (n/2 .. n) so that "look back a fixed number of places" cannot solve it: only
    # "find the earlier copy of this token and read what followed it" can, which takes two layers.
    half = "".join(rng.choice(LETTERS) for _ in range(rng.randint(max(2, n // 2), n)))
    return half, half  # laid out as "half|half": after the marker, each token predicts the one that followed it


def _addition(rng: random.Random, n: int) -> tuple[str, str]:
    a, b = rng.randrange(10 ** n), rng.randrange(10 ** n)
    return f"{a:0{n}d}+{b:0{n}d}", f"{(a + b) % 10 ** n:0{n}d}"


def _translate(rng: random.Random, n: int) -> tuple[str, str]:
    digits = _digits(rng, n)
    return digits, " ".join(WORDS[int(d)] for d in digits)


# the tasks' names as a person reads them (the keys stay English: they are in links and checkpoints)
TASK_NAMES = {"copy": Message("copy"), "reverse": Message("reverse"), "sort": Message("sort"),
              "shift": Message.in_context("task", "shift"), "induction": Message("induction"),
              "addition": Message("addition"), "translate": Message("translate")}

TASKS: dict[str, Task] = {t.name: t for t in (
    Task("copy", Message("write the input again"), _map_digits(lambda s: s), "encoder", 8, ("31415926", "31415926")),
    Task("reverse", Message("write the input backwards"), _map_digits(lambda s: s[::-1]), "encoder", 8,
         ("31415926", "62951413")),
    Task("sort", Message("write the input's digits in order"), _map_digits(lambda s: "".join(sorted(s))),
         "encoder", 8, ("31415926", "11234569")),
    Task("shift", Message("write the input moved one place left (the first digit goes to the end)"),
         _map_digits(lambda s: s[1:] + s[:1]), "encoder", 8, ("31415926", "14159263")),
    Task("induction", Message("after the marker |, repeat the sequence seen before it (an induction head's job)"),
         _induction, "decoder", 8, ("hbknacfe", "hbknacfe"), same_length=False, sep="|"),
    Task("addition", Message("add two numbers modulo 10ⁿ (n digits each)"), _addition, "decoder", 2, ("47+38", "85"),
         same_length=False, default_steps=4000),
    Task("translate", Message("digit strings to number words (the encoder-decoder's task)"), _translate,
         "encoder-decoder", 3, ("407", "four zero seven"), same_length=False),
)}


def check(task: Task, architecture: str) -> str | None:
    """Why this task cannot be trained with this architecture, or None."""
    if architecture == "encoder" and not task.same_length:
        return Message("The {task} task's answer is not one label per input position, so an encoder alone cannot learn it: choose a decoder or an encoder-decoder.", task=TASK_NAMES[task.name])
    return None


def layout(task: Task, architecture: str, source: str, target: str, codec: CharCodec):
    """(input ids, decoder ids or None, labels) for one example."""
    enc = codec.encode
    if architecture == "encoder":
        return enc(source), None, enc(target)
    if architecture == "decoder":
        ids = enc(source + task.sep + target)
        labels = [IGNORE] * (len(source) + 1) + enc(target)
        return ids[:-1], None, labels[1:]  # position t predicts token t + 1
    bos, eos = codec.id("<bos>"), codec.id("<eos>")
    return enc(source), [bos] + enc(target), enc(target) + [eos]


def _pad(rows: list[list[int]], value: int) -> torch.Tensor:
    import torch

    width = max(len(r) for r in rows)
    return torch.tensor([r + [value] * (width - len(r)) for r in rows])


def batch(task: Task, architecture: str, rng: random.Random, size: int, length: int, codec: CharCodec,
          device: torch.device | str = "cpu"):
    """A batch: (ids [batch, pos], decoder ids [batch, pos] or None, labels [batch, pos], source key mask)."""
    rows = [layout(task, architecture, *task.make(rng, length), codec) for _ in range(size)]
    pad = codec.id("<pad>")
    ids = _pad([r[0] for r in rows], pad).to(device)
    dec = _pad([r[1] for r in rows], pad).to(device) if architecture == "encoder-decoder" else None
    labels = _pad([r[2] for r in rows], IGNORE).to(device)
    key_mask = (ids != pad) if architecture != "decoder" else None
    return ids, dec, labels, key_mask


def sample_input(task: Task, architecture: str) -> tuple[str, str]:
    """(text, decoder text) that shows a trained model at work: the task's probe, laid out as it was trained.

    A decoder reads "source<sep>target" (its attention over the answer is the interesting part); an
    encoder-decoder reads the source and its decoder the target; an encoder the source alone.
    """
    source, answer = task.probe
    if architecture == "decoder":
        return source + task.sep + answer, ""
    if architecture == "encoder-decoder":
        return source, answer
    return source, ""
