"""Reductions computed where the stack lives (its device): pooled overviews, aggregates, rollout, flow,
per-head statistics, head clustering and query–key projections. Each returns a small host array."""
from __future__ import annotations

import numpy as np
import torch

from attnviz.core.projection import pca_2d
from attnviz.core.types import AttentionCapture, kv_head

FLOW_MAX_TOKENS = 40  # max-flow solves one flow problem per (input, output) pair: keep it interactive


def pooled(stack: torch.Tensor, size: int = 32) -> np.ndarray:
    """[layer, head, query_pos, key_pos] averaged into at most size × size cells per head, on the device.

    Thumbnails of long inputs are built here so the browser never receives the whole stack.
    """
    q, k = stack.shape[-2:]
    if q <= size and k <= size:
        return stack.float().cpu().numpy()
    flat = stack.float().reshape(-1, 1, q, k)
    out = torch.nn.functional.adaptive_avg_pool2d(flat, (min(q, size), min(k, size)))
    return out.reshape(*stack.shape[:2], *out.shape[-2:]).cpu().numpy()


def restrict(pattern: np.ndarray, rows: list[int], cols: list[int], renormalise: bool) -> np.ndarray:
    """Query rows `rows` and key columns `cols` of a [..., query_pos, key_pos] pattern; each row rescaled
    to sum to 1 over the kept keys if asked (a row that kept no weight stays zero)."""
    out = pattern[..., rows, :][..., :, cols]
    if renormalise:
        total = out.sum(axis=-1, keepdims=True)
        out = np.divide(out, total, out=np.zeros_like(out), where=total > 0)
    return out


def aggregate(stack: torch.Tensor, how: str = "mean") -> np.ndarray:
    """Per layer, the mean or max over heads: [layer, query_pos, key_pos]."""
    s = stack.float()
    return (s.mean(dim=1) if how == "mean" else s.amax(dim=1)).cpu().numpy()


def rollout(stack: torch.Tensor, residual: bool = True) -> np.ndarray:
    """Attention rollout (Abnar & Zuidema 2020): per layer, Ã_l = (mean over heads + I) / 2 with rows
    renormalised, then R_l = Ã_l · R_{l−1}. Returns [layer, query_pos, key_pos]: how much each output
    position at layer l draws on each input token."""
    a = stack.float().mean(dim=1)  # [layer, q, k]
    n = a.shape[-1]
    if residual:
        a = 0.5 * a + 0.5 * torch.eye(n, device=a.device)
        a = a / a.sum(dim=-1, keepdim=True)
    out, r = [], torch.eye(n, device=a.device)
    for layer in range(a.shape[0]):
        r = a[layer] @ r
        out.append(r)
    return torch.stack(out).cpu().numpy()


def flow(stack: torch.Tensor, residual: bool = True, scale: float = 1e6, normalise: bool = False) -> np.ndarray:
    """Attention flow (Abnar & Zuidema 2020): the max flow from each input token to each output position
    through the layered graph whose edge capacities are the (residual-mixed) head-averaged weights.
    Returns [query_pos, key_pos] for the last layer. Raw max-flow values (the default) are not a distribution:
    a row can sum to more than 1, since each input token's flow is solved on its own. normalise=True divides
    each output position's row by its sum, as the authors' code does (compute_flows in their repository).
    Raises ValueError past FLOW_MAX_TOKENS tokens."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    a = stack.float().mean(dim=1)
    layers, n, _ = a.shape
    if n > FLOW_MAX_TOKENS:
        raise ValueError(f"Attention flow solves {n * n} max-flow problems over {layers * n * n} edges; it is "
                         f"limited to {FLOW_MAX_TOKENS} tokens here (this text has {n}). Use rollout, or shorten "
                         "the text or the window.")
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


def head_statistics(cap: AttentionCapture, kind: str = "self") -> dict[str, np.ndarray]:
    """Per [layer, head]: entropy (nats), mean attended distance, attention to the first token, to special
    tokens, to the token itself and to the previous token (Clark et al. 2019), computed on the device."""
    a = cap.attention[kind].float()  # [layer, head, q, k]
    nq, nk = a.shape[-2:]
    dev = a.device
    entropy = -(a * torch.log(a.clamp_min(1e-12))).sum(-1).mean(-1)
    qpos = torch.arange(nq, device=dev, dtype=torch.float32)[:, None]
    kpos = torch.arange(nk, device=dev, dtype=torch.float32)[None, :]
    distance = (a * (qpos - kpos).abs()).sum(-1).mean(-1)
    stats = {"entropy": entropy, "mean distance": distance, "first token": a[..., 0].mean(-1)}
    if kind != "cross":
        diag = torch.arange(min(nq, nk), device=dev)
        stats["self"] = a[..., diag, diag].mean(-1)
        prev = torch.arange(1, min(nq, nk), device=dev)
        stats["previous token"] = a[..., prev, prev - 1].mean(-1) if len(prev) else torch.zeros_like(entropy)
    if kind == "self" and cap.special and any(cap.special):
        mask = torch.tensor(cap.special, device=dev, dtype=torch.float32)
        stats["special tokens"] = (a * mask).sum(-1).mean(-1)
    return {name: value.cpu().numpy() for name, value in stats.items()}


def head_similarity(stack: torch.Tensor, size: int = 32) -> np.ndarray:
    """Cosine similarity between every two heads' (pooled) patterns: [layer·head, layer·head]."""
    flat = torch.from_numpy(pooled(stack, size)).reshape(stack.shape[0] * stack.shape[1], -1)
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
            raise ValueError(f"{method} is not installed here; available: {', '.join(projection_methods())}")
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
