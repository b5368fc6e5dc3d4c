"""Norm-based attention (Kobayashi, Kuribayashi, Yokoi and Inui, "Attention is Not Only a Weight: Analyzing
Transformers with Vector Norms", EMNLP 2020): what head h moves from token j to token i is the vector
α^h_ij·f_h(x_j), with f_h(x) = (x·W_V^h + b_V^h)·W_O^h (W_O^h: the rows of the output projection that read head h;
the output bias is left out); its length ‖α^h_ij·f_h(x_j)‖ is the measure. The layer-level version is
‖Σ_h α^h_ij·f_h(x_j)‖. The value vectors are the ones the model made (its value projection, after any norm
before attention), so f_h needs no knowledge of the family."""
from __future__ import annotations

import torch

from attnviz.analysis.runs import recorded
from attnviz.core.sources import CHUNK_BYTES
from attnviz.models.forward import Prompt
from attnviz.models.loading import LoadedModel
from attnviz.models.sites import Site
from attnviz.models.taps import SiteRecord


def transformed_values(site: Site, record: SiteRecord) -> torch.Tensor:
    """f_h(x_j) = v^h_j·W_O^h for every head and key: [head, key_pos, d_model] (grouped-query heads read their
    shared value head)."""
    v = record.value[0].float()  # [kv_head, key_pos, d_head]
    v = v.repeat_interleave(site.n_heads // v.shape[0], dim=0)  # [head, key_pos, d_head]
    return torch.einsum("hkd,hde->hke", v, site.w_o().float())


def row_step(n_keys: int, d_model: int) -> int:
    """Query rows per block when a [rows, key_pos, d_model] tensor is formed (CHUNK_BYTES of float32 at most)."""
    return max(1, CHUNK_BYTES // max(1, n_keys * d_model * 4))


def norm_values(model: LoadedModel, prompt: Prompt, kind: str = "self") -> torch.Tensor:
    """‖α^h_ij·f_h(x_j)‖ = α^h_ij·‖f_h(x_j)‖: [layer, head, query_pos, key_pos]. The caller holds the lock."""
    out = []
    for site, record in recorded(model, prompt, kind):
        lengths = transformed_values(site, record).norm(dim=-1)  # [head, key_pos]
        out.append(record.alpha[0].float() * lengths[:, None, :])
    return torch.stack(out)


def norm_layer_values(model: LoadedModel, prompt: Prompt, kind: str = "self") -> torch.Tensor:
    """‖Σ_h α^h_ij·f_h(x_j)‖: [layer, query_pos, key_pos]. The caller holds the lock."""
    out = []
    for site, record in recorded(model, prompt, kind):
        f = transformed_values(site, record)  # [head, key_pos, d_model]
        alpha = record.alpha[0].float()  # [head, query_pos, key_pos]
        n_q, n_k = alpha.shape[1:]
        layer = torch.empty(n_q, n_k, device=f.device)
        step = row_step(n_k, f.shape[-1])
        for start in range(0, n_q, step):
            summed = torch.einsum("hik,hke->ike", alpha[:, start:start + step], f)  # [rows, key_pos, d_model]
            layer[start:start + step] = summed.norm(dim=-1)
        out.append(layer)
    return torch.stack(out)
