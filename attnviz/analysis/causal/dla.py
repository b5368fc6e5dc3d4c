"""Direct logit attribution: the target token's logit at one position written as a sum over what each part of
the model adds to the residual stream there — the embeddings, each head's output z_h·W_O^h = Σ_j α_ij·v_j·W_O^h
(expandable per source token j), each attention output bias, each MLP (a block's output less its input less
its attention) — read through the final layer norm with its scale frozen at the clean run and onto the token's
unembedding (or the difference of two tokens'), plus the norm's and the unembedding's biases. The parts sum to
the model's logit. Only pre-LN models have a residual stream that adds up like this; a head's direct effect
leaves out what it does through later layers (ablation and patching see that)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from attnviz.analysis.measures.norm import transformed_values
from attnviz.analysis.runs import run, tokens
from attnviz.analysis.targets import NextToken
from attnviz.core.errors import MeasureUnavailable
from attnviz.core.types import KIND_LABELS
from attnviz.models.blocks import block_calls
from attnviz.models.forward import Prompt
from attnviz.models.loading import LoadedModel
from attnviz.models.norms import freeze
from attnviz.models.sites import find_sites
from attnviz.models.taps import Tap
from attnviz.i18n import Message, N_

NO_UNEMBEDDING = N_("{name} has no unembedding (language-model head), so there is no logit to attribute.")
NOT_PRE_LN = (N_("{name}'s {kind} adds to its residual stream {placement}, so the parts of the stream do not add up "
              "to what the unembedding reads; direct logit attribution needs a pre-LN model (GPT-2, Llama, T5, "
              "glassllm, the from-scratch models)."))
PLACEMENTS = {"post": Message("before a layer norm that renormalises the sum"),
              "sandwich": Message("through a layer norm of its own"),
              "none": Message("in a way attnviz does not recognise"), "pre": Message("directly")}
NOT_ADDITIVE = (N_("{name}'s layers do not add up to the stream its final norm reads, so direct logit attribution "
                "cannot split its logit."))


@dataclass
class DLAResult:
    """Each part's share of the target logit at `position` of the decoder side (or the only side)."""

    tokens: list[str]
    target: NextToken
    position: int
    logit: float  # the model's logit of the target (or the logit difference)
    embeddings: float
    heads: dict[str, np.ndarray]  # kind -> [layer, head]
    per_source: dict[str, np.ndarray]  # kind -> [layer, head, key_pos]: the heads' shares by source token
    attention_bias: dict[str, np.ndarray]  # kind -> [layer]
    mlp: np.ndarray  # [layer]
    final_bias: float  # the final norm's bias and the unembedding's bias, through the unembedding
    key_tokens: dict[str, list[str]] = field(default_factory=dict)

    def total(self) -> float:
        """The sum of every part (equal to `logit` up to rounding)."""
        return float(self.embeddings + sum(h.sum() for h in self.heads.values())
                     + sum(b.sum() for b in self.attention_bias.values()) + self.mlp.sum() + self.final_bias)

    def to_json(self) -> dict:
        return {"tokens": list(self.tokens), "target": self.target.to_json(), "position": self.position,
                "logit": self.logit, "embeddings": self.embeddings, "final_bias": self.final_bias,
                "mlp": self.mlp.tolist(), "heads": {k: v.tolist() for k, v in self.heads.items()},
                "attention_bias": {k: v.tolist() for k, v in self.attention_bias.items()},
                "per_source": {k: v.tolist() for k, v in self.per_source.items()}}


def _readout(model: LoadedModel, blocks: list[nn.Module]) -> tuple[nn.Module, nn.Module]:
    """(final norm, unembedding): the norm after the last block and the linear layer that makes the logits."""
    net = model.module
    if model.backend == "scratch":
        side = net.decoder if model.info.architecture != "encoder" else net.encoder
        return side["norm"], net.lm_head
    unembed = net.get_output_embeddings()
    inside = {id(m) for b in blocks for m in b.modules()}
    norms = [m for m in net.modules() if (isinstance(m, nn.LayerNorm) or "norm" in type(m).__name__.lower())
             and id(m) not in inside and not list(m.children())]
    if not norms:
        raise MeasureUnavailable(Message(NOT_ADDITIVE, name=model.info.name))
    return norms[-1], unembed


def _input(call) -> torch.Tensor:
    return call.args[0] if call.args else call.kwargs["hidden_states"]


def _rounding(model: LoadedModel) -> float:
    """How close two ways of computing the same number must come in the model's precision."""
    return max(1e-3, 20 * torch.finfo(model.dtype).eps)


def _close(a: torch.Tensor, b: torch.Tensor, rtol: float) -> bool:
    return a.shape == b.shape and bool(torch.allclose(a.float(), b.float(), atol=rtol * 0.1, rtol=rtol))


def dla_kinds(model: LoadedModel) -> list[str]:
    """The attention kinds that write into the stream the unembedding reads."""
    return ["decoder_self", "cross"] if model.info.architecture == "encoder-decoder" else ["self"]


def check_dla(model: LoadedModel) -> None:
    """Raise MeasureUnavailable (with the reason) where this model's logit cannot be split into parts: no
    unembedding, a norm on the residual stream, no separable W_O. The caller holds the model's lock."""
    name = model.info.name
    net = model.module
    if model.backend != "scratch" and (model.info.architecture == "encoder" or not isinstance(
            getattr(net, "get_output_embeddings", lambda: None)(), nn.Linear)):
        raise MeasureUnavailable(Message(NO_UNEMBEDDING, name=name))
    sites = find_sites(model)
    main = sites.of(dla_kinds(model)[0])
    if len({id(s.block) for s in main}) < len(main):  # layers that share one block: no stream per layer
        raise MeasureUnavailable(Message(NOT_ADDITIVE, name=name))
    for site in (s for k in dla_kinds(model) for s in sites.of(k)):
        if site.placement != "pre":
            raise MeasureUnavailable(Message(NOT_PRE_LN, name=name, kind=KIND_LABELS[site.kind],
                                                      placement=PLACEMENTS[site.placement]))
        site.w_o()  # raises where no projection reads the heads separately


def direct_logit_attribution(model: LoadedModel, prompt: Prompt, target: NextToken) -> DLAResult:
    """Split the target's logit at `target.position` into the parts of the residual stream."""
    name = model.info.name
    kinds = dla_kinds(model)
    with model.lock:
        check_dla(model)
        sites = find_sites(model)
        blocks = list(dict.fromkeys(s.block for s in sites.of(kinds[0])))
        norm, unembed = _readout(model, blocks)
        seen: dict[str, torch.Tensor] = {}
        handles = [norm.register_forward_hook(lambda m, a, o: seen.update(norm_in=a[0], norm_out=o)),
                   unembed.register_forward_pre_hook(lambda m, a: seen.update(unembed_in=a[0]))]
        n = len(prompt.side(kinds[0]))
        p = target.position % n
        tap = Tap(row=p)  # the target's row of each head: its weights and output, not every row's
        try:
            with block_calls(blocks) as calls:
                out = run(model, prompt, tap)
        finally:
            for handle in handles:
                handle.remove()
        stream_in = [_input(c[0])[0, p].float() for c in calls]  # [d_model] each
        stream_out = [c[0].output[0, p].float() for c in calls]
        final = seen["norm_in"][0, p].float()
        rtol = _rounding(model)
        if not (all(_close(a, b, rtol) for a, b in zip(stream_out[:-1], stream_in[1:]))
                and _close(stream_out[-1], final, rtol)):
            raise MeasureUnavailable(Message(NOT_ADDITIVE, name=name))
        normed, read = seen["norm_out"][0, p].float(), seen["unembed_in"][0, p].float()
        scale = float(read @ normed / (normed @ normed))  # T5 scales by d_model^-1/2 before a tied unembedding
        if not _close(read, scale * normed, rtol):
            raise MeasureUnavailable(Message(NOT_ADDITIVE, name=name))
        frozen = freeze(norm, final[None], normed[None])
        weight = unembed.weight.detach().float()
        direction = weight[target.token_id] - (weight[target.other_id] if target.other_id is not None else 0)
        bias = getattr(unembed, "bias", None)
        bias_term = 0.0
        if isinstance(bias, torch.Tensor):
            bias_term = float(bias[target.token_id] - (bias[target.other_id] if target.other_id is not None else 0))

        def project(v: torch.Tensor) -> torch.Tensor:  # [..., d_model] -> [...]: its share of the logit
            return scale * frozen.part(v, frozen.scale[0]) @ direction

        heads, per_source, att_bias = {}, {}, {}
        mlp = np.zeros(len(blocks))
        attention_out = [torch.zeros_like(final) for _ in blocks]
        for kind in kinds:
            layer_heads, layer_sources, layer_bias = [], [], []
            for site in sites.of(kind):
                record = tap.records[(kind, site.layer)]
                f = transformed_values(site, record)  # [head, key_pos, d_model]
                alpha = record.alpha[0, :, 0].float()  # [head, key_pos]: the row kept, the target's
                outputs = site.head_outputs(record.z[0, 0].float())  # [head, d_model]
                b_o = site.b_o()
                b_o = torch.zeros_like(final) if b_o is None else b_o.float()
                layer_heads.append(project(outputs))
                layer_sources.append(alpha * project(f))
                layer_bias.append(project(b_o))
                attention_out[blocks.index(site.block)] += outputs.sum(dim=0) + b_o
            heads[kind] = torch.stack(layer_heads).cpu().numpy()
            per_source[kind] = torch.stack(layer_sources).cpu().numpy()
            att_bias[kind] = torch.stack(layer_bias).cpu().numpy()
        for i in range(len(blocks)):
            mlp[i] = float(project(stream_out[i] - stream_in[i] - attention_out[i]))
        beta = 0.0 if frozen.beta is None else float(scale * frozen.beta @ direction)
        logits = out.logits[0, p].float()
        logit = float(logits[target.token_id] - (logits[target.other_id] if target.other_id is not None else 0))
    query = tokens(model, prompt, kinds[0])[0]
    key_tokens = {kind: tokens(model, prompt, kind)[1] for kind in kinds}
    result = DLAResult(query, target, p, logit, float(project(stream_in[0])), heads, per_source, att_bias, mlp,
                       beta + bias_term, key_tokens)
    if abs(result.total() - logit) > rtol * (1 + abs(logit)):
        raise MeasureUnavailable(Message(NOT_ADDITIVE, name=name))
    return result
