"""Needle in a haystack: a sentence put at a chosen depth of a long text, a question at the end, greedy
generation, and each head's retrieval score as Wu et al. 2024 define it; the depth × length grid.

Retrieval score (Wu et al. 2024, "Retrieval Head Mechanistically Explains Long-Context Factuality", §2, and
`retrieval_calculate` in their code): at each generated token w, a head copies from the needle when its
top key j (argmax of its attention row) lies inside the needle and the token there is w. With k the needle's
tokens,

    retrieval score = (number of generation steps at which the head copies) / |k|

so a head that copies every token of a fully reproduced needle scores 1. `share` divides by the steps whose
token is a needle token at all (w ∈ k) instead: of the copied needle tokens, the share this head fetched.
The row that chose generated token t is query position prompt_length − 1 + t of the whole sequence; causal
attention gives it the same weights as the step that generated it, so one capture of prompt + answer has
every step's attention.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import torch

from attnviz.capture.api import capture
from attnviz.core.sentences import sentences
from attnviz.core.sources import AttentionSource
from attnviz.models.generate import greedy_ids
from attnviz.models.loading import LoadedModel
from attnviz.models.textbound import char_budget
from attnviz.models.tokens import Codec
from attnviz.i18n import Message, N_

RIGHT_RECALL = 0.5  # an answer is right when it holds more than half the expected words (ROUGE-1 recall > 0.5,
# the authors' threshold for a successful retrieval)
MAX_NEW = 24  # tokens generated per case unless asked otherwise
TOO_SHORT = N_("The length leaves no room for the haystack: {length} tokens asked, {needed} taken by the needle and question.")
CUT_BY_CAPTURE = N_("The capture kept {kept} of the {total} tokens of prompt and answer: raise the token limit.")
TOO_LONG = N_("The prompt has {length} tokens and the model reads {limit}: choose a shorter length.")
_WIDE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_WORDS = re.compile(r"[\u3400-\u9fff]|[^\W\u3400-\u9fff]+")


@dataclass(frozen=True)
class NeedleCase:
    """One prompt: the haystack with the needle inside, then the question."""

    text: str
    ids: list[int]
    needle: tuple[int, int]  # the needle's token positions in ids, [start, stop)
    needle_chars: tuple[int, int]
    depth: float  # asked: 0 at the start of the haystack, 1 at its end
    placed: float  # where it went: the share of the haystack's characters before the needle
    length: int  # prompt tokens


@dataclass(frozen=True)
class Retrieval:
    """Per [layer, head], over one answer's generation steps."""

    score: np.ndarray  # steps at which the head copied from the needle / needle tokens (Wu et al.)
    share: np.ndarray  # steps at which the head copied / steps whose token is a needle token (0 where none)
    hits: np.ndarray  # steps at which the head copied
    top: np.ndarray  # [layer, head, step]: each step's top key
    copied: int  # steps whose generated token is a needle token
    needle_tokens: int


@dataclass(frozen=True)
class NeedleRun:
    """A case run: what the model wrote, whether it holds the answer, and the heads' retrieval."""

    case: NeedleCase
    generated: list[int]
    answer: str
    recall: float
    right: bool
    retrieval: Retrieval


@dataclass(frozen=True)
class NeedleGrid:
    """The depth × length grid and the retrieval scores averaged over the cases answered right."""

    depths: list[float]
    lengths: list[int]
    right: np.ndarray  # [depth, length] bool
    recall: np.ndarray  # [depth, length]
    retrieval: np.ndarray  # [layer, head]: mean score over the right cases (zeros if none)
    runs: list[list[NeedleRun]]


def insert_needle(haystack: str, needle: str, depth: float) -> tuple[str, tuple[int, int], float]:
    """(text, the needle's character span, placed): the needle put at the sentence boundary nearest to
    `depth` of the haystack's characters (0: before the first sentence, 1: after the last)."""
    if not 0.0 <= depth <= 1.0:
        raise ValueError(f"depth must lie in [0, 1], got {depth}")
    bounds = sorted({0, len(haystack), *(b for _, b in sentences(haystack))})
    at = min(bounds, key=lambda b: (abs(b - depth * len(haystack)), b))
    before, after = haystack[:at].rstrip(), haystack[at:].lstrip()
    left = _join(before[-1:], needle[:1]) if before else ""
    right = _join(needle[-1:], after[:1]) if after else ""
    start = len(before) + len(left)
    text = before + left + needle + right + after
    return text, (start, start + len(needle)), len(before) / max(1, len(haystack))


def build_case(codec: Codec, haystack: str, needle: str, question: str, depth: float, length: int) -> NeedleCase:
    """A prompt of about `length` tokens: the haystack (repeated when it is shorter, cut when longer) with the
    needle at `depth`, then the question on a line of its own."""
    def count(text: str) -> int:
        return sum(1 for s in codec.encode_with_offsets(text)[1] if s is not None)

    added = sum(1 for s in codec.encode_with_offsets("a")[1] if s is None)
    needed = count(needle) + count(question) + added + 2  # two tokens for the joins
    room = length - needed
    if room < 1:
        raise ValueError(Message(TOO_SHORT, length=length, needed=needed))
    hay = haystack.strip()
    while count(hay[:char_budget(room)]) < room and len(hay) < char_budget(room):
        hay = hay + "\n\n" + haystack.strip()  # a short haystack is read again, as the essays of the original test
    ids, spans = codec.encode_with_offsets(hay[:char_budget(room)])
    pieces = [s for s in spans if s is not None]
    if len(pieces) > room:
        hay = hay[:pieces[room - 1][1]]
    body, chars, placed = insert_needle(hay, needle, depth)
    text = body + "\n" + question
    ids, spans = codec.encode_with_offsets(text)
    inside = [t for t, s in enumerate(spans) if s is not None and chars[0] <= _first(text, s) < chars[1]]
    return NeedleCase(text, list(ids), (inside[0], inside[-1] + 1), chars, depth, placed, len(ids))


def retrieval_scores(src: AttentionSource, ids: list[int], prompt_length: int, needle: tuple[int, int]) -> Retrieval:
    """Wu et al.'s retrieval score of every head from the attention of the whole sequence (prompt + answer)."""
    n_layers, n_heads = src.shape[:2]
    steps = len(ids) - prompt_length
    n0, n1 = needle
    top = np.zeros((n_layers, n_heads, max(0, steps)), dtype=np.int64)
    if steps > 0:
        for layer in range(n_layers):
            rows = src.rows(layer, prompt_length - 1, len(ids) - 1)  # [head, step, key_pos]: the row that chose it
            top[layer] = torch.argmax(rows, dim=-1).cpu().numpy()  # ties: the earliest key
    seq = np.asarray(ids)
    written = seq[prompt_length:]  # [step]
    inside = (top >= n0) & (top < n1)
    hits = (inside & (seq[top] == written)).sum(-1)  # [layer, head]
    copied = int(np.isin(written, seq[n0:n1]).sum())
    share = hits / copied if copied else np.zeros(hits.shape)
    return Retrieval(hits / (n1 - n0), share, hits, top, copied, n1 - n0)


def recall(expected: str, answer: str) -> float:
    """ROUGE-1 recall: the share of the expected answer's words (Chinese: characters) found in the answer,
    counted with multiplicity, case-insensitive."""
    want, got = _words(expected), _words(answer)
    if not want:
        return 0.0
    left = dict.fromkeys(got, 0)
    for w in got:
        left[w] += 1
    found = 0
    for w in want:
        if left.get(w, 0) > 0:
            left[w] -= 1
            found += 1
    return found / len(want)


def run_case(model: LoadedModel, case: NeedleCase, expected: str, n_new: int = MAX_NEW,
             stop: set[int] | None = None, max_tokens: int | None = None) -> NeedleRun:
    """Generate greedily after the case's prompt (stopping after a special token such as </s>, unless `stop`
    says otherwise), capture prompt + answer, score the answer and every head."""
    limit = model.info.max_positions
    if limit and case.length >= limit:
        raise ValueError(Message(TOO_LONG, length=case.length, limit=limit))
    seq = greedy_ids(model, case.ids, n_new, stop=set(model.codec.special_ids()) if stop is None else stop)
    cap = capture(model, None, ids=seq, max_tokens=max_tokens)
    if len(cap.tokens) < len(seq):
        raise ValueError(Message(CUT_BY_CAPTURE, kept=len(cap.tokens), total=len(seq)))
    generated = seq[case.length:]
    answer = model.codec.decode(generated)
    r = recall(expected, answer)
    return NeedleRun(case, generated, answer, r, r > RIGHT_RECALL,
                     retrieval_scores(cap.source("self"), seq, case.length, case.needle))


def grid(model: LoadedModel, haystack: str, needle: str, question: str, expected: str, depths: list[float],
         lengths: list[int], n_new: int = MAX_NEW, stop: set[int] | None = None,
         max_tokens: int | None = None) -> NeedleGrid:
    """Every depth × length case run; retrieval scores averaged over the cases answered right (as the authors
    accumulate only successful retrievals)."""
    runs = [[run_case(model, build_case(model.codec, haystack, needle, question, d, n), expected, n_new, stop,
                      max_tokens) for n in lengths] for d in depths]
    return collect(depths, lengths, runs)


def collect(depths: list[float], lengths: list[int], runs: list[list[NeedleRun]]) -> NeedleGrid:
    """The grid of runs made one by one (`runs[depth][length]`, a page that times each case): right, recall and the
    retrieval scores averaged over the cases answered right."""
    flat = [r for row in runs for r in row]
    right = np.array([[r.right for r in row] for row in runs])
    good = [r.retrieval.score for r in flat if r.right]
    shape = flat[0].retrieval.score.shape
    return NeedleGrid(list(depths), list(lengths), right, np.array([[r.recall for r in row] for row in runs]),
                      np.mean(good, axis=0) if good else np.zeros(shape), runs)


def _join(left: str, right: str) -> str:
    """Nothing between Chinese (wide) characters, a space elsewhere."""
    return "" if _WIDE.match(left or " ") or _WIDE.match(right or " ") else " "


def _first(text: str, span: tuple[int, int]) -> int:
    """A token's first non-blank character (its start if it is all blank)."""
    a, b = span
    stripped = len(text[a:b]) - len(text[a:b].lstrip())
    return a + stripped if a + stripped < b else a


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())
