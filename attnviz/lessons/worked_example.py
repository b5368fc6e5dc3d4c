"""The worked example: attention by hand on small matrices, with every intermediate kept.

Rows are tokens. X [pos, d_model], W_* [d_model, d_model] (h heads of d_k = d_model / h each),
Q = (X + PE)·W_Q, weights = softmax(Q·Kᵀ/√d_k + mask) by rows, output = weights·V.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from attnviz.core.positional import sinusoidal
from attnviz.i18n.catalogue import DEFAULT, lookup

MASKS = ("none", "causal", "padding")
# preset -> the article it comes from; what each says lives in the catalogues (toy.example.*, toy.article.*)
EXAMPLES = {"seed-001": "history", "seed-000": "mapping"}
# Common mistakes, each as made in one of the articles (toy.mistake.* in the catalogues names it and its article)
MISTAKES = ("np_softmax", "scale_d_model", "no_scale", "v_times_weights")
_NOTES = {"seed-000": 4, "seed-001": 3}  # how many toy.note.<preset>.<i> sentences each preset has


def article(key: str, lang: str = DEFAULT) -> str:
    """An article as a teacher can look it up: its published title (and, in English, a translation)."""
    return lookup(lang, f"toy.article.{key}")


def mistake_label(mistake: str, lang: str = DEFAULT) -> str:
    """A mistake in words, naming the article it is taken from."""
    return lookup(lang, f"toy.mistake.{mistake}")


def source(name: str, lang: str = DEFAULT) -> str:
    """Where a preset comes from, as one sentence for the page (empty for the user's own example)."""
    if name not in EXAMPLES:
        return ""
    return lookup(lang, "toy.source", what=lookup(lang, f"toy.example.{name}"), article=article(EXAMPLES[name], lang))


MAX_TOKENS, MAX_DIM = 12, 16


@dataclass
class ToySpec:
    """What the worked example starts from: either X (and PE) with weights, or Q, K, V given."""

    tokens: list[str]
    X: np.ndarray | None = None
    PE: np.ndarray | None = None
    W_Q: np.ndarray | None = None
    W_K: np.ndarray | None = None
    W_V: np.ndarray | None = None
    W_O: np.ndarray | None = None
    Q: np.ndarray | None = None
    K: np.ndarray | None = None
    V: np.ndarray | None = None
    n_heads: int = 1
    mask: str = "none"
    n_padding: int = 0  # the last n tokens are padding (mask = "padding")
    scale: bool = True

    @property
    def given_qkv(self) -> bool:
        return self.Q is not None

    def check(self, lang: str = DEFAULT) -> list[str]:
        """Problems that stop the computation, each a sentence a person can act on (in `lang`)."""
        def say(key: str, **fmt) -> None:
            problems.append(lookup(lang, f"toy.problem.{key}", **fmt))

        problems: list[str] = []
        n = len(self.tokens)
        if not 1 <= n <= MAX_TOKENS:
            say("tokens", most=MAX_TOKENS, n=n)
        if self.given_qkv:
            shapes = {name: getattr(self, name).shape for name in ("Q", "K", "V")}
            if shapes["Q"][0] != n or shapes["K"][0] != shapes["V"][0]:
                say("qkv_rows", n=n, q=shapes["Q"], k=shapes["K"], v=shapes["V"])
            if shapes["Q"][1] != shapes["K"][1]:
                say("qk_width", q=shapes["Q"][1], k=shapes["K"][1])
        else:
            d = self.X.shape[1]
            if self.X.shape[0] != n:
                say("x_rows", n=n, got=self.X.shape[0])
            if not 1 <= d <= MAX_DIM:
                say("dims", most=MAX_DIM, d=d)
            if self.PE is not None and self.PE.shape != self.X.shape:
                say("pe_shape", x=self.X.shape, pe=self.PE.shape)
            for name in ("W_Q", "W_K", "W_V"):
                if getattr(self, name).shape != (d, d):
                    say("w_shape", name=name, d=d, shape=getattr(self, name).shape)
            if d % self.n_heads:
                say("heads", heads=self.n_heads, d=d)
            if self.n_heads > 1 and self.W_O is not None and self.W_O.shape != (d, d):
                say("w_shape", name="W_O", d=d, shape=self.W_O.shape)
        if self.mask == "padding" and not 0 <= self.n_padding < n:
            say("padding", pad=self.n_padding, n=n)
        return problems


@dataclass
class HeadSteps:
    Q: np.ndarray
    K: np.ndarray
    V: np.ndarray
    scores: np.ndarray  # Q·Kᵀ
    scaled: np.ndarray  # Q·Kᵀ/√d_k (or unscaled)
    masked: np.ndarray  # scaled + mask
    weights: np.ndarray  # softmax by rows
    output: np.ndarray  # weights·V


@dataclass
class ToyResult:
    spec: ToySpec
    d_k: int
    mask: np.ndarray  # [query_pos, key_pos] of 0 and -inf
    steps: dict[str, np.ndarray] = field(default_factory=dict)  # in order, named as in the JSON
    heads: list[HeadSteps] = field(default_factory=list)


def softmax_rows(scores: np.ndarray) -> np.ndarray:
    """Softmax of each row; a row whose every key is masked is all zeros."""
    out = np.zeros_like(scores, dtype=np.float64)
    for i, row in enumerate(scores):
        finite = np.isfinite(row)
        if finite.any():
            e = np.where(finite, np.exp(row - row[finite].max()), 0.0)
            out[i] = e / e.sum()
    return out


def mask_matrix(n: int, kind: str, n_padding: int = 0) -> np.ndarray:
    """Additive mask [query_pos, key_pos]: 0 where a query may look, -inf where it may not."""
    open_ = np.ones((n, n), dtype=bool)
    if kind == "causal":
        open_ = np.tril(open_)
    elif kind == "padding" and n_padding:
        open_[:, n - n_padding:] = False
    return np.where(open_, 0.0, -np.inf)


def _head_steps(Q, K, V, d_k: int, scale_by: float | None, mask: np.ndarray) -> HeadSteps:
    scores = Q @ K.T
    scaled = scores / math.sqrt(scale_by) if scale_by else scores.copy()
    masked = scaled + mask
    weights = softmax_rows(masked)
    return HeadSteps(Q, K, V, scores, scaled, masked, weights, weights @ V)


def run_toy(spec: ToySpec, scale_by: str = "d_k") -> ToyResult:
    """Every intermediate of attention on the spec. scale_by: "d_k" (right), "d_model" or "none"."""
    problems = spec.check()
    if problems:
        raise ValueError(" ".join(problems))
    n = len(spec.tokens)
    mask = mask_matrix(n, spec.mask, spec.n_padding)
    steps: dict[str, np.ndarray] = {}
    if spec.given_qkv:
        Q, K, V = (np.asarray(m, dtype=np.float64) for m in (spec.Q, spec.K, spec.V))
        d_model = Q.shape[1]
    else:
        X = np.asarray(spec.X, dtype=np.float64)
        steps["X"] = X
        if spec.PE is not None:
            steps["PE"] = np.asarray(spec.PE, dtype=np.float64)
            X = X + steps["PE"]
            steps["X_plus_PE"] = X
        for name in ("W_Q", "W_K", "W_V"):
            steps[name] = np.asarray(getattr(spec, name), dtype=np.float64)
        Q, K, V = X @ steps["W_Q"], X @ steps["W_K"], X @ steps["W_V"]
        d_model = X.shape[1]
    steps.update(Q=Q, K=K, V=V)
    h = spec.n_heads if not spec.given_qkv else 1
    d_k = Q.shape[1] // h
    if not spec.scale or scale_by == "none":
        divisor = None
    else:
        divisor = d_model if scale_by == "d_model" else d_k
    heads = [_head_steps(Q[:, i * d_k:(i + 1) * d_k], K[:, i * d_k:(i + 1) * d_k], V[:, i * d_k:(i + 1) * d_k],
                         d_k, divisor, mask) for i in range(h)]
    steps.update(scores=heads[0].scores, scaled_scores=heads[0].scaled, mask=mask,
                 masked_scores=heads[0].masked, weights=heads[0].weights, output=heads[0].output)
    if h > 1:
        concat = np.concatenate([hs.output for hs in heads], axis=1)
        W_O = np.asarray(spec.W_O if spec.W_O is not None else np.eye(d_model), dtype=np.float64)
        steps.update(concat=concat, W_O=W_O, final=concat @ W_O)
    return ToyResult(spec=spec, d_k=d_k, mask=mask, steps=steps, heads=heads)


@dataclass
class ToyCell:
    """One weight and one output row worked out term by term."""

    head: int
    query: int
    key: int
    q: np.ndarray
    k: np.ndarray
    dot: float
    divisor: float
    scaled: float
    row: np.ndarray  # masked, scaled scores of the query's row
    exps: np.ndarray  # e^(s - max) for the row (0 where masked)
    weight: float
    output_terms: np.ndarray  # [key_pos, d_k]: w_ij · v_j
    output: np.ndarray


def explain_toy_cell(result: ToyResult, query: int, key: int, head: int = 0) -> ToyCell:
    hs = result.heads[head]
    row = hs.masked[query]
    finite = np.isfinite(row)
    exps = np.where(finite, np.exp(row - (row[finite].max() if finite.any() else 0.0)), 0.0)
    divisor = hs.scores[query, key] / hs.scaled[query, key] if hs.scaled[query, key] else (
        math.sqrt(result.d_k) if result.spec.scale else 1.0)
    return ToyCell(head=head, query=query, key=key, q=hs.Q[query], k=hs.K[key], dot=float(hs.scores[query, key]),
                   divisor=float(divisor), scaled=float(hs.scaled[query, key]), row=row, exps=exps,
                   weight=float(hs.weights[query, key]), output_terms=hs.weights[query][:, None] * hs.V,
                   output=hs.output[query])


# ---- presets -------------------------------------------------------------------------------------

SEED_001_TOKENS = ["Transformer", "is", "powerful"]
SEED_001_X = np.array([[0.5, 0.1, 0.3], [0.2, 0.6, 0.1], [0.3, 0.4, 0.7]])
SEED_001_PE = np.array([[0.0, 0.1, 0.2], [0.3, 0.4, 0.5], [0.6, 0.7, 0.8]])

SEED_000_Q = np.array([[0.5, 1.0], [1.0, 0.5]])
SEED_000_K = np.array([[1.0, 0.0], [0.5, 1.0]])
SEED_000_V = np.array([[0.5, 1.0], [0.0, 0.5]])
# What the article behind seed-000 claims: three weights of 1/2 for the first query, and "h" as 2×2 matrices.
SEED_000_CLAIMED = {
    "alpha_11": 0.5, "alpha_12": 0.5, "alpha_13": 0.5,
    "h_1": np.array([[0.25, 0.25], [0.25, 0.25]]),
    "h_2": np.array([[0.5, 0.5], [0.5, 0.5]]),
    "h_3": np.array([[0.75, 0.75], [0.75, 0.75]]),
}


def random_weights(d: int, seed: int, n: int = 3) -> list[np.ndarray]:
    """n seeded standard-normal d×d matrices (W_Q, W_K, W_V, ...), the same for the same seed."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((d, d)) for _ in range(n)]


def preset(name: str, weights: str = "identity", seed: int = 0, n_heads: int = 1,
           n_tokens: int = 4, d_model: int = 4) -> ToySpec:
    """seed-001 ("Transformer is powerful"), seed-000 (Q, K, V given) or custom (random X, sinusoidal PE)."""
    if name == "seed-000":
        return ToySpec(tokens=["x₁", "x₂"], Q=SEED_000_Q.copy(), K=SEED_000_K.copy(), V=SEED_000_V.copy())
    if name == "seed-001":
        tokens, X, PE = list(SEED_001_TOKENS), SEED_001_X.copy(), SEED_001_PE.copy()
    elif name == "custom":
        if not (1 <= n_tokens <= MAX_TOKENS and 1 <= d_model <= MAX_DIM):
            raise ValueError(f"Use 1 to {MAX_TOKENS} tokens and 1 to {MAX_DIM} dimensions.")
        tokens = [f"t{i}" for i in range(n_tokens)]
        X = np.round(np.random.default_rng(seed + 1000).uniform(-1, 1, (n_tokens, d_model)), 2)
        PE = np.round(sinusoidal(n_tokens, d_model).astype(np.float64), 4)
    else:
        raise ValueError(f"unknown preset {name!r}; choose seed-000, seed-001 or custom")
    d = X.shape[1]
    if weights == "identity":
        W = [np.eye(d) for _ in range(4)]
    elif weights == "random":
        W = random_weights(d, seed, 4)
    else:
        raise ValueError(f"weights must be identity or random, got {weights!r}")
    return ToySpec(tokens=tokens, X=X, PE=PE, W_Q=W[0], W_K=W[1], W_V=W[2], W_O=W[3], n_heads=n_heads)


def seed_notes(name: str, lang: str = DEFAULT) -> list[str]:
    """Where the article behind a preset goes wrong, in sentences the page shows beside the right numbers."""
    return [lookup(lang, f"toy.note.{name}.{i}") for i in range(_NOTES.get(name, 0))]


def mistake_effect(spec: ToySpec, mistake: str, lang: str = DEFAULT) -> dict:
    """What a common mistake does to the numbers: the wrong weights/output, or the error it raises (notes in `lang`)."""
    right = run_toy(spec)
    if mistake == "np_softmax":
        try:
            np.softmax(right.steps["scaled_scores"], axis=-1)
        except AttributeError as exc:
            return {"error": f"AttributeError: {exc}", "right": right}
        return {"error": None, "right": right}
    if mistake in ("scale_d_model", "no_scale"):
        wrong = run_toy(spec, scale_by="d_model" if mistake == "scale_d_model" else "none")
        same = np.allclose(wrong.steps["weights"], right.steps["weights"])
        note = lookup(lang, "toy.mistake_note.one_head") if same and mistake == "scale_d_model" else None
        return {"right": right, "weights": wrong.steps["weights"], "output": wrong.steps["output"],
                "max_change": float(np.abs(wrong.steps["weights"] - right.steps["weights"]).max()), "note": note}
    if mistake == "v_times_weights":
        A, V = right.steps["weights"], right.steps["V"]
        if V.shape[1] != A.shape[1]:
            return {"right": right, "error": lookup(lang, "toy.mistake_error.shape", v_rows=V.shape[0],
                                                    v_cols=V.shape[1], a_rows=A.shape[1], a_cols=A.shape[0])}
        wrong = V @ A.T
        return {"right": right, "output": wrong, "max_change": float(np.abs(wrong - right.steps["output"]).max()),
                "note": lookup(lang, "toy.mistake_note.wrong_axis")}
    raise ValueError(f"unknown mistake {mistake!r}")


def softmax_peakedness(d_values: list[int], n_keys: int = 16, trials: int = 200, seed: int = 0) -> dict[str, np.ndarray]:
    """Mean largest weight and entropy of softmax(q·k) rows for random q, k ~ N(0, 1), with and without √d_k."""
    rng = np.random.default_rng(seed)
    out = {name: np.zeros(len(d_values)) for name in ("max_scaled", "max_unscaled", "entropy_scaled", "entropy_unscaled")}
    for i, d in enumerate(d_values):
        q = rng.standard_normal((trials, d))
        k = rng.standard_normal((trials, n_keys, d))
        raw = np.einsum("td,tkd->tk", q, k)
        for label, scores in (("scaled", raw / math.sqrt(d)), ("unscaled", raw)):
            w = softmax_rows(scores)
            out[f"max_{label}"][i] = w.max(axis=1).mean()
            out[f"entropy_{label}"][i] = (-(w * np.log(np.clip(w, 1e-300, None))).sum(axis=1)).mean()
    out["d_k"] = np.array(d_values)
    out["uniform_entropy"] = np.full(len(d_values), math.log(n_keys))
    return out


def to_json(result: ToyResult) -> dict:
    """Every intermediate by name, as lists (infinities as the strings "-inf"/"inf")."""
    def plain(a: np.ndarray):
        return [[("-inf" if v == -np.inf else "inf" if v == np.inf else round(float(v), 10)) for v in row]
                for row in np.atleast_2d(a)]

    data = {"tokens": result.spec.tokens, "d_k": result.d_k, "n_heads": len(result.heads),
            "mask_kind": result.spec.mask, "scaled": result.spec.scale}
    data.update({name: plain(value) for name, value in result.steps.items()})
    if len(result.heads) > 1:
        data["heads"] = [{name: plain(getattr(hs, name)) for name in
                          ("Q", "K", "V", "scores", "scaled", "masked", "weights", "output")} for hs in result.heads]
    return data
