"""The worked example: attention by hand on small matrices, with every intermediate kept.

Rows are tokens. X [pos, d_model], W_* [d_model, d_model] (h heads of d_k = d_model / h each),
Q = (X + PE)·W_Q, weights = softmax(Q·Kᵀ/√d_k + mask) by rows, output = weights·V.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from attnviz.core.positional import sinusoidal
from attnviz.lessons.cells import step_number
from attnviz.i18n import Message, N_, speaks, t

MASKS = ("none", "causal", "padding")
# preset -> the article it comes from
EXAMPLES = {"seed-001": "history", "seed-000": "mapping"}
# Common mistakes, each as made in one of the articles (MISTAKE_NAMES names it and its article)
MISTAKES = ("np_softmax", "scale_d_model", "no_scale", "v_times_weights")
# the articles, the examples taken from them, the mistakes they make, and where each preset's article goes wrong
ARTICLES = {
    "history": N_("the article “Transformer注意力机制的发展历程与里程碑” (The development and milestones of Transformer attention)"),
    "mapping": N_("the article “一切皆是映射：序列模型和注意力机制” (Everything is a mapping: sequence models and attention)"),
    "sequence": N_("an untitled article on sequence modelling, from RNNs to self-attention"),
    "softmax": N_("the article “注意力机制：理解softmax和位置编码器” (Attention: understanding softmax and positional encoders)"),
}
EXAMPLE_NAMES = {
    "seed-001": N_("“Transformer is powerful”: three words with their embeddings and positional encodings"),
    "seed-000": N_("Two tokens with Q, K and V given (d_k = 2)"),
}
MISTAKE_NAMES = {
    "np_softmax": N_("softmax from NumPy (np.softmax, as in “The development and milestones of Transformer attention”)"),
    "scale_d_model": N_("scaling by √d_model instead of √d_k (as in an article on sequence modelling)"),
    "no_scale": N_("no scaling at all (as in “Attention: understanding softmax and positional encoders”)"),
    "v_times_weights": N_("V·Aᵀ instead of A·V (as in “Attention: understanding softmax and positional encoders”)"),
}
SEED_NOTES = {
    "seed-000": [
        N_("The article feeds x = [1, 2, 3] (three tokens) but its Q, K and V have two rows each, so there are only two tokens to attend over; the page uses the two rows it gives."),
        N_("Its α₁₁ multiplies Q₁ = [0.5, 1] with [1, 0.5], which is not K₁ = [1, 0]: the right dot product is 0.5·1 + 1·0 = 0.5, and with K₂ = [0.5, 1] it is 0.5·0.5 + 1·1 = 1.25."),
        N_("It gives three weights of ½ for one query: weights in a softmax row sum to 1, and equal weights would only arise from equal scores, which these are not (0.354 and 0.884 after scaling)."),
        N_("It writes each output hᵢ as a 2×2 matrix; an output is one vector of d_v numbers per token, the weighted sum of V's rows."),
    ],
    "seed-001": [
        N_("`np.softmax` does not exist: NumPy has no softmax, so the article's code stops with an AttributeError. The page computes e^(s − max) / Σ e^(s − max) by rows."),
        N_("`np.random.randn` without a seed gives different W_Q, W_K, W_V on every run, so nobody can reproduce its numbers; the page's random weights use a seed you can see and change."),
        N_("Its positional encodings [[0, 0.1, 0.2], [0.3, 0.4, 0.5], [0.6, 0.7, 0.8]] are not the sinusoidal formula the same article gives; the page shows both."),
    ],
}
PROBLEMS = {
    "tokens": N_("Use 1 to {most} tokens (got {n})."),
    "qkv_rows": N_("Q needs one row per token ({n}); K and V need the same number of rows (got Q {q}, K {k}, V {v})."),
    "qk_width": N_("Q and K need the same width d_k to be multiplied (got {q} and {k})."),
    "x_rows": N_("X needs one row per token ({n} rows, got {got})."),
    "dims": N_("Use 1 to {most} dimensions (got {d})."),
    "pe_shape": N_("PE must have the shape of X {x} (got {pe})."),
    "w_shape": N_("{name} must be {d}×{d} (got {shape})."),
    "heads": N_("{heads} heads do not divide d_model = {d}: pick a head count that divides it."),
    "padding": N_("Padding must leave at least one real token (padding {pad} of {n})."),
}




@speaks
def article(key: str) -> str:
    """An article as a teacher can look it up: its published title (and, in English, a translation)."""
    return t(ARTICLES[key])




@speaks
def mistake_label(mistake: str) -> str:
    """A mistake in words, naming the article it is taken from."""
    return t(MISTAKE_NAMES[mistake])




@speaks
def source(name: str) -> str:
    """Where a preset comes from, as one sentence for the page (empty for the user's own example)."""
    if name not in EXAMPLES:
        return ""
    return t("{what}. Taken from {article}.", what=t(EXAMPLE_NAMES[name]), article=article(EXAMPLES[name]))


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


    @speaks
    def check(self) -> list[str]:
        """Problems that stop the computation, each a sentence a person can act on (in the active language)."""
        def say(key: str, **fmt) -> None:
            problems.append(t(PROBLEMS[key], **fmt))

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
            raise ValueError(Message("Use 1 to {most} tokens and 1 to {dims} dimensions.", most=MAX_TOKENS, dims=MAX_DIM))
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




@speaks
def seed_notes(name: str) -> list[str]:
    """Where the article behind a preset goes wrong, in sentences the page shows beside the right numbers."""
    return [t(note) for note in SEED_NOTES.get(name, [])]




@speaks
def mistake_effect(spec: ToySpec, mistake: str) -> dict:
    """What a common mistake does to the numbers: the wrong weights/output, or the error it raises (notes in the active language)."""
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
        note = t("With one head d_k = d_model, so this mistake changes nothing here; use 2 or more heads to see it.") if same and mistake == "scale_d_model" else None
        return {"right": right, "weights": wrong.steps["weights"], "output": wrong.steps["output"],
                "max_change": float(np.abs(wrong.steps["weights"] - right.steps["weights"]).max()), "note": note}
    if mistake == "v_times_weights":
        A, V = right.steps["weights"], right.steps["V"]
        if V.shape[1] != A.shape[1]:
            return {"right": right, "error": t("shape error: V is {v_rows}×{v_cols} and Aᵀ is {a_rows}×{a_cols}; V·Aᵀ only multiplies when d_v equals the number of tokens, and even then it mixes dimensions instead of tokens.", v_rows=V.shape[0],
                                                    v_cols=V.shape[1], a_rows=A.shape[1], a_cols=A.shape[0])}
        wrong = V @ A.T
        return {"right": right, "output": wrong, "max_change": float(np.abs(wrong - right.steps["output"]).max()),
                "note": t("d_v equals the number of tokens, so V·Aᵀ multiplies, but it mixes the wrong axis.")}
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


# what the "Q, K, V given" article writes for its attention weights and outputs (its α and h), as printed there
SEED_000_CLAIMS = ("α₁₁ = 0.5", "α₁₂ = 0.5", "α₁₃ = 0.5", "h₁ = [[0.25, 0.25], [0.25, 0.25]]",
                   "h₂ = [[0.5, 0.5], [0.5, 0.5]]", "h₃ = [[0.75, 0.75], [0.75, 0.75]]")


@speaks
def claims_checked(name: str, result: ToyResult) -> list[tuple[str, str]]:
    """(what the preset's article claims, what the computation gives) row by row; empty where the page has no
    claim to check. The recomputed side says its words in the active language."""
    if name != "seed-000":
        return []
    w, out = result.steps["weights"], result.steps["output"]
    recomputed = [f"α₁₁ = {step_number(w[0, 0])}", f"α₁₂ = {step_number(w[0, 1])}",
                  t("no third key (two rows given)"),
                  f"o₁ = [{', '.join(step_number(x) for x in out[0])}]",
                  f"o₂ = [{', '.join(step_number(x) for x in out[1])}]", t("no third token")]
    return list(zip(SEED_000_CLAIMS, recomputed))
