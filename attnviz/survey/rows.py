"""The pure per-batch step of a survey: texts in, rows out (per text × layer × head statistics and head-type
scores, tokens, each token's query and key projected on a fixed basis for the joint view, and the induction
probes' scores)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import torch

from attnviz.analysis.headtypes.measure import OFFSET_AT, text_scores
from attnviz.analysis.headtypes.probe import make_probe, probe_scores
from attnviz.analysis.patterns import punctuation_scores, word_of_tokens, word_scores
from attnviz.analysis.reduce import head_statistics
from attnviz.capture.batch import capture_batch, encode_all
from attnviz.core.types import AttentionCapture
from attnviz.models.loading import LoadedModel

# column name -> the explorer's statistic (reduce.head_statistics), then the survey's own two
STATISTICS = {"entropy": "entropy", "mean_distance": "mean distance", "first_token": "first token",
              "self": "self", "previous_token": "previous token", "special_tokens": "special tokens"}
EXTRA = {"induction": "induction", "to_target": "to target", "punctuation": "punctuation", "word": "word"}
LABELS = {**STATISTICS, **EXTRA}
# head-type scores (attnviz.analysis.headtypes), one column each; the first-token type is `first_token` above.
# Surveys written before these columns existed lack them: every reader must treat them as optional.
TYPE_COLUMNS = {"previous_token": "type_previous_token", "duplicate_token": "type_duplicate_token",
                "delimiter": "type_delimiter", "local": "type_local", "broad": "type_broad", "offset": "type_offset",
                OFFSET_AT: "type_offset_at", "first_token": "first_token"}
# induction probes (repeated random token sequences) per survey: probe i runs with the batch that holds text
# i, so the first batches carry them whatever the batch size; 8 give a median and a spread for a few % of the
# time of a 1,000-text survey
SURVEY_PROBES = 8


@dataclass
class Basis:
    """Per head, the axes its queries and keys are projected on: mean [layer, head, d_head] and
    components [layer, head, dims, d_head] (the joint PCA of a calibration sample)."""

    mean: np.ndarray
    components: np.ndarray


def _keys_per_query_head(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """k [..., kv_head, pos, d] repeated so that query head h has its own key head (grouped-query attention)."""
    group = q.shape[-3] // k.shape[-3]
    return k.repeat_interleave(group, dim=-3) if group > 1 else k


def fit_basis(model: LoadedModel, texts: list[str], dims: int) -> Basis:
    """Joint PCA of queries and keys over these texts, per head: the axes every later batch is projected on."""
    ids, _ = encode_all(model, texts)
    cap = capture_batch(model, ids)
    if cap.q is None:
        raise ValueError("this model gives no queries and keys")
    k = _keys_per_query_head(cap.q, cap.k)
    both = torch.cat([torch.cat([cap.q[b, :, :, :n], k[b, :, :, :n]], dim=-2)
                      for b, n in enumerate(cap.lengths)], dim=-2).double()  # [layer, head, tokens, d_head]
    mean = both.mean(dim=-2)
    _, _, vt = torch.linalg.svd(both - mean[..., None, :], full_matrices=False)
    comps = vt[..., :dims, :]  # [layer, head, ≤dims, d_head]
    # a principal axis has no sign of its own: fix it so the same data gives the same coordinates
    sign = torch.sign(comps.gather(-1, comps.abs().argmax(-1, keepdim=True)))
    comps = comps * torch.where(sign == 0, torch.ones_like(sign), sign)
    out = torch.zeros(*comps.shape[:2], dims, comps.shape[-1], dtype=torch.float64)
    out[..., : comps.shape[-2], :] = comps
    return Basis(mean.float().numpy(), out.float().numpy())


def _find(tokens: list[str], word: str | None, occurrence: int = 0) -> int | None:
    """Position of the occurrence-th token that reads `word` (case-insensitive), or None."""
    if not word:
        return None
    hits = [i for i, t in enumerate(tokens) if t.lower() == word.lower()]
    if occurrence < 0:
        occurrence += len(hits)
    return hits[occurrence] if 0 <= occurrence < len(hits) else None


def induction(a: torch.Tensor, ids: list[int]) -> np.ndarray:
    """Per [layer, head]: attention from a token to the tokens that followed its earlier occurrences (the
    previous position excepted), averaged over the tokens that occurred before (NaN where none did).
    a: [layer, head, pos, pos]."""
    t = torch.tensor(ids, device=a.device)
    n = len(ids)
    prev = torch.cat([t.new_full((1,), -1), t[:-1]])  # token before each key position
    pos = torch.arange(n, device=a.device)
    # keys before the previous token only: where the previous token also follows an earlier copy (", x , y"),
    # a previous-token head would otherwise score as an induction head
    match = (prev[None, :] == t[:, None]) & (pos[None, :] < pos[:, None] - 1)
    rows = match.any(-1)
    if not rows.any():
        return np.full(a.shape[:2], np.nan, dtype=np.float32)
    score = (a.float() * match).sum(-1)[..., rows].mean(-1)
    return score.cpu().numpy()


def _word(model: LoadedModel, item: dict, a: torch.Tensor) -> np.ndarray:
    """The word statistic of a text whose words are known (its `segments`); NaN for other texts."""
    segments = item.get("segments")
    encode = getattr(model.codec, "encode_with_offsets", None)
    if not segments or encode is None:
        return np.full(tuple(a.shape[:2]), np.nan, dtype=np.float32)
    _, spans = encode(item["text"])
    return word_scores(a, word_of_tokens(spans[: a.shape[-1]], segments), model.info.causal)


def survey_batch(model: LoadedModel, items: list[dict], first_id: int, basis: Basis | None,
                 raw: bool = False) -> dict[str, pa.Table]:
    """Rows for one batch of texts (ids first_id, first_id + 1, ...): tables texts, stats, tokens and qk."""
    ids, truncated = encode_all(model, [item["text"] for item in items])
    cap = capture_batch(model, ids, with_qk=basis is not None or raw)
    layers, heads = cap.attention.shape[1:3]
    special = model.codec.special_ids()
    stats, texts, tokens, qk = [], [], [], []
    for b, item in enumerate(items):
        n, text_id = cap.lengths[b], first_id + b
        shown = model.codec.display(ids[b])
        a = cap.attention[b, :, :, :n, :n]  # [layer, head, query_pos, key_pos]: the padding cut away
        one = AttentionCapture(tokens=shown, attention={"self": a}, positional=None, model=model.info.name,
                               device=str(model.device), dtype=str(model.dtype), mode="survey",
                               special=[i in special for i in ids[b]])
        values = head_statistics(one)
        row = {col: values.get(name, np.full((layers, heads), np.nan)) for col, name in STATISTICS.items()}
        row["induction"] = induction(a, ids[b])
        types = text_scores(one, ids=ids[b], causal=model.info.causal)
        row.update({col: types[name] for name, col in TYPE_COLUMNS.items() if col not in row})
        row["punctuation"] = punctuation_scores(a, shown, model.info.causal)
        row["word"] = _word(model, item, a)
        src = _find(shown, item.get("target_from"), int(item.get("from_occurrence", -1)))
        dst = _find(shown, item.get("target_to"), int(item.get("to_occurrence", 0)))
        row["to_target"] = (a[:, :, src, dst].float().cpu().numpy() if src is not None and dst is not None
                            else np.full((layers, heads), np.nan))
        stats.append(row)
        texts.append({"text_id": text_id, "text": item["text"], "template": item.get("template"),
                      "n_tokens": n, "truncated_from": truncated[b],
                      "target_from": src, "target_to": dst})
        tokens.append((text_id, shown, ids[b], [i in special for i in ids[b]]))
        if cap.q is not None:
            k = _keys_per_query_head(cap.q[b], cap.k[b])
            qk.append((cap.q[b, :, :, :n].float().cpu().numpy(), k[:, :, :n].float().cpu().numpy()))
    out = {"texts": _texts_table(texts), "stats": _stats_table(stats, first_id, layers, heads),
           "tokens": _tokens_table(tokens)}
    seeds = [i for i in range(first_id, first_id + len(items)) if i < SURVEY_PROBES]
    if seeds:
        out["probes"] = probes_table(model, seeds)
    if qk:
        out["qk"] = _qk_table(qk, tokens, basis, raw)
    return out


def _texts_table(texts: list[dict]) -> pa.Table:
    return pa.table({
        "text_id": pa.array([row["text_id"] for row in texts], pa.int64()),
        "text": pa.array([row["text"] for row in texts], pa.string()),
        "template": pa.array([row["template"] for row in texts], pa.string()),
        "n_tokens": pa.array([row["n_tokens"] for row in texts], pa.int32()),
        "truncated_from": pa.array([row["truncated_from"] for row in texts], pa.int32()),
        "target_from": pa.array([row["target_from"] for row in texts], pa.int32()),
        "target_to": pa.array([row["target_to"] for row in texts], pa.int32()),
    })


def _stats_table(stats: list[dict], first_id: int, layers: int, heads: int) -> pa.Table:
    n = len(stats)
    grid_layer, grid_head = np.meshgrid(np.arange(layers), np.arange(heads), indexing="ij")
    cols = {"text_id": pa.array(np.repeat(np.arange(first_id, first_id + n), layers * heads), pa.int64()),
            "layer": pa.array(np.tile(grid_layer.ravel(), n), pa.int16()),
            "head": pa.array(np.tile(grid_head.ravel(), n), pa.int16())}
    for col in [*LABELS, *(c for c in TYPE_COLUMNS.values() if c not in LABELS)]:
        values = np.concatenate([np.asarray(s[col], dtype=np.float32).ravel() for s in stats])
        cols[col] = pa.array(values, pa.float32(), mask=np.isnan(values))  # NaN: does not apply (null)
    return pa.table(cols)


def probes_table(model: LoadedModel, seeds: list[int]) -> pa.Table:
    """Each head's induction (prefix-matching) score on repeated random token sequences of the model's own
    vocabulary, one per seed (the text id it runs with: a resumed survey writes the same rows)."""
    probes = [make_probe(model, seed=seed) for seed in seeds]
    cap = capture_batch(model, [p.ids for p in probes], with_qk=False)  # equal lengths: no padding
    scores = np.stack([probe_scores(cap.attention[i], p) for i, p in enumerate(probes)])  # [probe, layer, head]
    n, layers, heads = scores.shape
    grid_layer, grid_head = np.meshgrid(np.arange(layers), np.arange(heads), indexing="ij")
    return pa.table({"probe": pa.array(np.repeat(np.array(seeds), layers * heads), pa.int64()),
                     "layer": pa.array(np.tile(grid_layer.ravel(), n), pa.int16()),
                     "head": pa.array(np.tile(grid_head.ravel(), n), pa.int16()),
                     "induction": pa.array(scores.reshape(-1).astype(np.float32), pa.float32())})


def _tokens_table(tokens: list[tuple]) -> pa.Table:
    return pa.table({
        "text_id": pa.array([t[0] for t in tokens for _ in t[1]], pa.int64()),
        "pos": pa.array([p for t in tokens for p in range(len(t[1]))], pa.int32()),
        "token": pa.array([tok for t in tokens for tok in t[1]], pa.string()),
        "token_id": pa.array([i for t in tokens for i in t[2]], pa.int64()),
        "special": pa.array([s for t in tokens for s in t[3]], pa.bool_()),
    })


def _vectors(values: np.ndarray) -> pa.FixedSizeListArray:
    """[rows, d] float32 -> a fixed-size list column."""
    return pa.FixedSizeListArray.from_arrays(pa.array(values.reshape(-1).astype(np.float32)), values.shape[-1])


def _qk_table(qk: list[tuple], tokens: list[tuple], basis: Basis | None, raw: bool) -> pa.Table:
    """One row per layer × head × token (sorted by layer, head: a head's rows sit together in the file)."""
    q = np.concatenate([x[0] for x in qk], axis=2)  # [layer, head, tokens, d_head]
    k = np.concatenate([x[1] for x in qk], axis=2)
    layers, heads, count, _ = q.shape
    text_ids = np.array([t[0] for t in tokens for _ in t[1]], dtype=np.int64)
    pos = np.array([p for t in tokens for p in range(len(t[1]))], dtype=np.int32)
    cols = {"layer": pa.array(np.repeat(np.arange(layers), heads * count), pa.int16()),
            "head": pa.array(np.tile(np.repeat(np.arange(heads), count), layers), pa.int16()),
            "text_id": pa.array(np.tile(text_ids, layers * heads), pa.int64()),
            "pos": pa.array(np.tile(pos, layers * heads), pa.int32())}
    if basis is not None:
        for name, v in (("q", q), ("k", k)):
            proj = np.einsum("lhnd,lhcd->lhnc", v - basis.mean[:, :, None], basis.components)
            cols[name] = _vectors(proj.reshape(-1, proj.shape[-1]))
    if raw:
        cols["q_raw"] = _vectors(q.reshape(-1, q.shape[-1]))
        cols["k_raw"] = _vectors(k.reshape(-1, k.shape[-1]))
    return pa.table(cols)
