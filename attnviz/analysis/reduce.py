"""Reductions computed where the stack lives (its device): pooled overviews, aggregates, rollout, flow,
per-head statistics, head clustering and query–key projections. Each returns a small host array."""
from __future__ import annotations

import numpy as np
import torch

from attnviz.analysis import layer_pass
from attnviz.analysis.bins import pool_matrix
from attnviz.core.projection import pca_2d
from attnviz.core.sources import CHUNK_BYTES, AttentionSource, DenseSource, QKSource
from attnviz.core.types import AttentionCapture, kv_head
from attnviz.i18n import Message

# Query rows per block of an overview computed from queries and keys: small blocks stay in the CPU's cache
# and let a causal layer skip more of the keys it cannot see (128 rows: 2,048 tokens pooled 2.4× faster than
# 682-row blocks on a 2-core CPU); never more than CHUNK_BYTES of scores at once.
OVERVIEW_ROWS = 128
FLOW_MAX_TOKENS = 40  # max-flow solves one flow problem per (input, output) pair: keep it interactive


Attention = torch.Tensor | AttentionSource  # a stored stack, or a capture's source (stored or computed)


def as_source(stack: Attention) -> AttentionSource:
    """A stack `[layer, head, query_pos, key_pos]` or a source, read the same way."""
    return stack if isinstance(stack, AttentionSource) else DenseSource(stack)


def pooled(stack: Attention, size: int = 32, rows: tuple[int, int] | None = None) -> np.ndarray:
    """[layer, head, query_pos, key_pos] averaged into at most size × size cells per head, on the device.

    Thumbnails of long inputs are built here, a block of query rows at a time, so neither the browser nor
    memory ever holds the whole stack. `rows` (start, stop) keeps only those query rows (a focused token).
    """
    src = as_source(stack)
    n_layers, n_heads, n_q, n_k = src.shape
    if isinstance(src, QKSource) and rows is None:  # the whole overview: the one pass that also gives the statistics
        return layer_pass.current(src, size).thumbs  # (or its first look from a sample of rows, on a long input)
    r0, r1 = rows if rows is not None else (0, n_q)
    key = ("pooled", size, r0, r1)
    if key in src.memo:  # a capture is read-only: its overview is computed once
        return src.memo[key]
    q_size, k_size = min(r1 - r0, size), min(n_k, size)
    if isinstance(src, DenseSource):
        block = src.stack[:, :, r0:r1].float().reshape(-1, 1, r1 - r0, n_k)
        out = torch.nn.functional.adaptive_avg_pool2d(block, (q_size, k_size)).reshape(n_layers, n_heads, q_size, k_size)
    else:
        # averaging over a rectangle of cells = averaging rows, then columns: R · A · C with pooling matrices
        rpool = pool_matrix(r1 - r0, q_size, src.device)  # [q_size, rows]
        cpool = pool_matrix(n_k, k_size, src.device).T  # [key_pos, k_size]
        out = torch.zeros(n_layers, n_heads, q_size, k_size, device=src.device)
        even = n_k % k_size == 0  # equal bins: a reshaped mean instead of a matrix product over every key
        if even and isinstance(src, QKSource):  # binned straight from the scores, in cache-sized row blocks
            width, step = n_k // k_size, max(1, min(OVERVIEW_ROWS, CHUNK_BYTES // (n_heads * n_k * 4)))
            for layer in range(n_layers):
                for start in range(r0, r1, step):
                    stop = min(r1, start + step)
                    out[layer] += rpool[:, start - r0:stop - r0] @ src.qk.binned(layer, start, stop, width).div_(width)
            return _remember(src, key, out.cpu().numpy())
        for layer in range(n_layers):
            for start, stop, block in _row_blocks(src, layer, r0, r1):
                cols = block.reshape(*block.shape[:2], k_size, n_k // k_size).mean(-1) if even else block @ cpool
                out[layer] += rpool[:, start - r0:stop - r0] @ cols
    return _remember(src, key, out.cpu().numpy())


def _remember(src: AttentionSource, key: tuple, value: np.ndarray) -> np.ndarray:
    """Keep a small result on the source, read-only: every session reading this capture gets it at once."""
    value.setflags(write=False)
    src.memo[key] = value
    return value


def _row_blocks(src: AttentionSource, layer: int, r0: int, r1: int):
    """Blocks of query rows r0:r1 of a layer, bounded in memory."""
    step = max(1, CHUNK_BYTES // max(1, src.shape[1] * src.shape[3] * 4))
    for start in range(r0, r1, step):
        stop = min(r1, start + step)
        yield start, stop, src.rows(layer, start, stop)


def restrict(pattern: np.ndarray, rows: list[int], cols: list[int], renormalise: bool) -> np.ndarray:
    """Query rows `rows` and key columns `cols` of a [..., query_pos, key_pos] pattern; each row rescaled
    to sum to 1 over the kept keys if asked (a row that kept no weight stays zero)."""
    out = pattern[..., rows, :][..., :, cols]
    if renormalise:
        total = out.sum(axis=-1, keepdims=True)
        out = np.divide(out, total, out=np.zeros_like(out), where=total > 0)
    return out


def aggregate(stack: Attention, how: str = "mean", layer: int | None = None) -> np.ndarray:
    """The mean or max over heads: [layer, query_pos, key_pos], or [query_pos, key_pos] of one `layer`."""
    src = as_source(stack)
    layers = range(src.shape[0]) if layer is None else [layer % src.shape[0]]
    out = []
    for i in layers:
        blocks = [b.mean(dim=0) if how == "mean" else b.amax(dim=0) for _, _, b in src.chunks(i)]
        out.append(torch.cat(blocks).cpu().numpy())
    return np.stack(out) if layer is None else out[0]


def _head_means(src: AttentionSource) -> torch.Tensor:
    """Per layer, the mean over heads [layer, query_pos, key_pos], float32 on the device."""
    return torch.stack([torch.cat([b.mean(dim=0) for _, _, b in src.chunks(i)]) for i in range(src.shape[0])])


def rollout(stack: Attention, residual: bool = True) -> np.ndarray:
    """Attention rollout (Abnar & Zuidema 2020): per layer, Ã_l = (mean over heads + I) / 2 with rows
    renormalised, then R_l = Ã_l · R_{l−1}. Returns [layer, query_pos, key_pos]: how much each output
    position at layer l draws on each input token."""
    src = as_source(stack)
    n = src.shape[-1]
    eye = torch.eye(n, device=src.device)
    out, r = [], eye
    for layer in range(src.shape[0]):
        a = torch.cat([b.mean(dim=0) for _, _, b in src.chunks(layer)])  # [q, k]
        if residual:
            a = 0.5 * a + 0.5 * eye
            a = a / a.sum(dim=-1, keepdim=True)
        r = a @ r
        out.append(r.cpu().numpy())
    return np.stack(out)




def flow(stack: Attention, residual: bool = True, scale: float = 1e6, normalise: bool = False) -> np.ndarray:
    """Attention flow (Abnar & Zuidema 2020): the max flow from each input token to each output position
    through the layered graph whose edge capacities are the (residual-mixed) head-averaged weights.
    Returns [query_pos, key_pos] for the last layer. Raw max-flow values (the default) are not a distribution:
    a row can sum to more than 1, since each input token's flow is solved on its own. normalise=True divides
    each output position's row by its sum, as the authors' code does (compute_flows in their repository).
    Raises ValueError past FLOW_MAX_TOKENS tokens (its message a Message: said in the page's language)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    src = as_source(stack)
    layers, n = src.shape[0], src.shape[-1]
    if n > FLOW_MAX_TOKENS:
        raise ValueError(Message("Attention flow solves {problems} max-flow problems over {edges} edges; it is limited to {limit} tokens here (this text has {n}). Use rollout, or shorten the text or the window.", problems=n * n, edges=layers * n * n,
                                limit=FLOW_MAX_TOKENS, n=n))
    a = _head_means(src).cpu()
    if residual:
        a = 0.5 * a + 0.5 * torch.eye(n)
        a = a / a.sum(dim=-1, keepdim=True)
    caps = (a.cpu().numpy() * scale).astype(np.int64)
    # node (l, i): token i after layer l, l = 0 (input) .. layers; edge (l, j) -> (l + 1, i) with capacity a_l[i, j]
    size = (layers + 1) * n
    rows, cols, vals = [], [], []
    for layer in range(layers):
        for i in range(n):
            for j in range(n):
                if caps[layer, i, j] > 0:
                    rows.append(layer * n + j)
                    cols.append((layer + 1) * n + i)
                    vals.append(caps[layer, i, j])
    graph = csr_matrix((np.array(vals, dtype=np.int32 if max(vals, default=0) < 2**31 else np.int64),
                        (rows, cols)), shape=(size, size))
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = maximum_flow(graph, j, layers * n + i).flow_value / scale
    if normalise:
        total = out.sum(axis=-1, keepdims=True)
        out = np.divide(out, total, out=np.zeros_like(out), where=total > 0)
    return out


def head_statistics(cap: AttentionCapture, kind: str = "self",
                    source: AttentionSource | None = None) -> dict[str, np.ndarray]:
    """Per [layer, head]: entropy (nats), mean attended distance, attention to the first token, to special
    tokens, to the token itself and to the previous token (Clark et al. 2019), means over the query rows that
    have what is measured; computed on the device in the one pass that also gives the model view
    (`layer_pass.summarise`), every head of a layer at once, and kept on the capture. `source`: other rows that sum
    to 1 on the capture's tokens (a measure's shares). On a long input whose page made a first look from a sample of
    rows (`layer_pass.current`), the means over those rows until the exact pass has run."""
    src = cap.source(kind) if source is None else source
    summary = layer_pass.current(src)
    key = ("stats", summary.stride)
    if key not in src.memo:
        special = cap.special if kind == "self" and cap.special else None
        src.memo[key] = layer_pass.statistics(summary, special, cross=kind == "cross")
    return dict(src.memo[key])


def max_difference(a: Attention, b: Attention) -> float:
    """The largest |a − b| over every layer, head and cell of two captures of the same shape, a block at a time."""
    sa, sb = as_source(a), as_source(b)
    worst = 0.0
    for layer in range(sa.shape[0]):
        for start, stop, block in sa.chunks(layer):
            worst = max(worst, float((block - sb.rows(layer, start, stop)).abs().max()))
    return worst


def head_similarity(stack: Attention, size: int = 32) -> np.ndarray:
    """Cosine similarity between every two heads' (pooled) patterns: [layer·head, layer·head]."""
    shape = as_source(stack).shape
    flat = torch.tensor(pooled(stack, size)).reshape(shape[0] * shape[1], -1)  # a copy: the pooled view is read-only
    flat = flat - flat.mean(dim=1, keepdim=True)
    flat = flat / flat.norm(dim=1, keepdim=True).clamp_min(1e-12)
    return (flat @ flat.T).numpy()


def cluster_order(similarity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Average-linkage clustering of heads: (leaf order, cluster label per head at a 0.5 distance cut)."""
    from scipy.cluster.hierarchy import fcluster, leaves_list, linkage
    from scipy.spatial.distance import squareform

    dist = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    if len(dist) < 2:
        return np.arange(len(dist)), np.ones(len(dist), dtype=int)
    link = linkage(squareform(dist, checks=False), method="average")
    return leaves_list(link), fcluster(link, t=0.5, criterion="distance")


def projection_methods() -> list[str]:
    """PCA always; t-SNE where scikit-learn is installed, UMAP where umap-learn is."""
    import importlib.util

    methods = ["PCA"]
    if importlib.util.find_spec("sklearn") is not None:
        methods.append("t-SNE")
    if importlib.util.find_spec("umap") is not None:
        methods.append("UMAP")
    return methods


def qk_projection(cap: AttentionCapture, kind: str, layer: int, head: int,
                  method: str = "PCA") -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The head's query and key vectors projected together to 2-D (PCA, or t-SNE / UMAP where installed).

    Returns (queries [query_pos, 2], keys [key_pos, 2], explained variance ratio [2] for PCA, else None).
    """
    stack = cap.qk[kind]
    kv = kv_head(head, stack.q.shape[1], stack.k.shape[1])
    q = stack.q[layer, head].double().cpu().numpy()
    k = stack.k[layer, kv].double().cpu().numpy()
    both = np.vstack([q, k])
    if method != "PCA":
        if method not in projection_methods():
            raise ValueError(Message("{method} is not installed here; available: {available}", method=method,
                                   available=", ".join(projection_methods())))
        if method == "t-SNE":
            from sklearn.manifold import TSNE
            xy = TSNE(n_components=2, perplexity=min(30.0, max(2.0, (len(both) - 1) / 3)), init="pca",
                      random_state=0).fit_transform(both)
        else:
            import umap
            xy = umap.UMAP(n_components=2, n_neighbors=min(15, len(both) - 1), random_state=0).fit_transform(both)
        return xy[: len(q)], xy[len(q):], None
    xy, ratio = pca_2d(both)
    return xy[: len(q)], xy[len(q):], ratio
