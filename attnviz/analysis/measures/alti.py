"""ALTI, Aggregation of Layer-wise Token-to-token Interactions (Ferrando, Gállego and Costa-jussà, "Measuring the
Mixing of Contextual Information in the Transformer", EMNLP 2022).

The attention block's output for token i (after the residual and, in a post-LN model, the layer norm) is split
into one vector per input token: T_i(x_j) = L_i(Σ_h α^h_ij·f_h(x_j) + [i = j]·x_i), f_h as in the norm measure and
L_i the layer norm as a linear map with its scale frozen at token i's input (biases go to neither token). Token
j's contribution is c_ij = max(0, ‖y_i‖₁ − ‖y_i − T_i(x_j)‖₁) with y_i the block's real output, each row
normalised to sum to 1; ALTI proper is the rollout of these maps across layers.

For pre-LN models (Llama, GPT-2, T5, the from-scratch models) the norm acts on each x_j before the values are
made, so L_i is the identity and y_i = x_i + Σ_j Σ_h α^h_ij·f_h(x_j) + b_O (as Ferrando et al. 2023 do for decoders).
"""
from __future__ import annotations

import torch

from attnviz.analysis.measures.norm import row_step, transformed_values
from attnviz.analysis.measures.rollout import normalise_rows
from attnviz.analysis.runs import run, sites_of
from attnviz.core.errors import MeasureUnavailable
from attnviz.core.types import KIND_LABELS
from attnviz.models.forward import Prompt
from attnviz.models.loading import LoadedModel
from attnviz.models.norms import freeze
from attnviz.models.taps import Tap
from attnviz.i18n import Message, N_

NO_RESIDUAL_FORM = (N_("{name}'s {kind} is not followed by a residual sum and a layer norm in either of the "
                    "two orders ALTI knows (norm before attention, or after the residual sum), so its output cannot "
                    "be split into each token's share."))
NOT_FOR_CROSS = (N_("ALTI splits a block's output among the tokens of one sequence; cross-attention adds the source's "
                 "tokens to the decoder's own, which needs ALTI+ (Ferrando et al. 2022), not offered here."))


def alti_values(model: LoadedModel, prompt: Prompt, kind: str = "self") -> torch.Tensor:
    """Per-layer ALTI contributions [layer, query_pos, key_pos], rows summing to 1. The caller holds the lock."""
    if kind == "cross":
        raise MeasureUnavailable(Message(NOT_FOR_CROSS))
    _, sites = sites_of(model, kind)
    for site in sites:
        if site.placement not in ("pre", "post"):
            raise MeasureUnavailable(Message(NO_RESIDUAL_FORM, name=model.info.name, kind=KIND_LABELS[kind]))
    tap = Tap(residual=True)
    run(model, prompt, tap)
    out = []
    for site in sites:
        record = tap.records[(kind, site.layer)]
        x = record.residual[0].float()  # [pos, d_model]: the residual stream the block adds to
        f = transformed_values(site, record)  # [head, key_pos, d_model]
        alpha = record.alpha[0].float()  # [head, query_pos, key_pos]
        bias = site.b_o()
        o = torch.einsum("hik,hke->ie", alpha, f) + (0 if bias is None else bias.float())  # [pos, d_model]
        frozen = freeze(site.norm, x + o) if site.placement == "post" else None
        y = frozen.full(x + o) if frozen is not None else x + o  # [pos, d_model]: the block's output
        y_l1 = y.abs().sum(dim=-1)  # [pos]
        n = x.shape[0]
        layer = torch.empty(n, n, device=x.device)
        step = row_step(n, x.shape[-1])
        for start in range(0, n, step):
            rows = torch.arange(start, min(n, start + step), device=x.device)
            parts = torch.einsum("hik,hke->ike", alpha[:, rows], f)  # [rows, key_pos, d_model]
            parts[torch.arange(len(rows)), rows] += x[rows]  # the residual belongs to token i itself
            if frozen is not None:
                frozen.part_(parts, frozen.scale[rows, None, None])
            distance = parts.neg_().add_(y[rows, None, :]).abs_().sum(dim=-1)  # ‖y_i − T_i(x_j)‖₁ [rows, key_pos]
            layer[rows] = (y_l1[rows, None] - distance).clamp(min=0)
        out.append(normalise_rows(layer))
    return torch.stack(out)
