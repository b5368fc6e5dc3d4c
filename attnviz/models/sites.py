"""Where attention happens in a loaded model: for each (kind, layer), the attention module, the output projection
W_O that reads its heads, the block (layer) it sits in, and where its layer norm stands.

From-scratch models are read from their module tree. Hugging Face models are probed once with a short forward
pass through attnviz's recording attention function: W_O is the projection whose input is exactly the heads'
concatenated output, and a norm is "pre" when its output is the attention's input, "post" when its input is the
attention's input plus W_O's output (the residual sum), "sandwich" when it renormalises W_O's output first.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import torch
from torch import nn

from attnviz.core.errors import MeasureUnavailable
from attnviz.core.hooks import attention_kind
from attnviz.core.types import KIND_LABELS
from attnviz.models.loading import LoadedModel
from attnviz.i18n import Message, N_

SiteKey = tuple[str, int]  # (attention kind, layer)

NO_RECORDING = (N_("{name}'s attention does not run through attnviz's recording attention function, so attnviz cannot "
                "reach its heads' values and outputs to compute this."))
NO_OUT_PROJ = (N_("{name} has no output projection that reads the heads of its {kind} one by one (W_O), so "
               "one head's output cannot be separated from the others'."))
_CACHE: weakref.WeakKeyDictionary[nn.Module, Sites] = weakref.WeakKeyDictionary()
_PROBE_IDS = (5, 6, 7, 8, 9, 10)  # any ids a vocabulary has: the probe only needs the modules to run


@dataclass
class Site:
    """One attention call site: (kind, layer) and the modules around it."""

    kind: str
    layer: int
    attention: nn.Module  # the module that makes q, k and v
    out_proj: nn.Module | None  # W_O (None: no projection reads the heads separately)
    block: nn.Module  # the layer (block) it sits in: value zeroing runs it again
    placement: str  # "pre" (norm before attention), "post" (after the residual sum), "sandwich", "none"
    norm: nn.Module | None  # pre: the norm whose input is the residual stream; post: the norm after the sum
    n_heads: int
    n_kv_heads: int
    d_head: int
    model_name: str = ""

    def w_o(self) -> torch.Tensor:
        """W_O as one matrix per head: [head, d_head, d_model] (the rows of x·W_O that read head h)."""
        if self.out_proj is None:
            raise MeasureUnavailable(Message(NO_OUT_PROJ, name=self.model_name, kind=KIND_LABELS[self.kind]))
        weight = self.out_proj.weight.detach()
        matrix = weight.t() if isinstance(self.out_proj, nn.Linear) else weight  # [head·d_head, d_model]
        return matrix.reshape(self.n_heads, self.d_head, -1)

    def b_o(self) -> torch.Tensor | None:
        """W_O's bias [d_model] (None if it has none)."""
        bias = getattr(self.out_proj, "bias", None)
        return bias.detach() if isinstance(bias, torch.Tensor) else None

    def head_outputs(self, z: torch.Tensor) -> torch.Tensor:
        """Each head's output z_h·W_O^h: z [..., head, d_head] -> [..., head, d_model]."""
        return torch.einsum("...hd,hde->...he", z, self.w_o().to(z.dtype))


@dataclass
class Sites:
    """Every attention site of a model, by (kind, layer)."""

    by_key: dict[SiteKey, Site]  # in the order a forward pass calls them
    # id(attention module) -> its keys in call order: one module serves every layer where weights are shared (ALBERT)
    _keys: dict[int, list[SiteKey]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._keys = {}
        for key, site in self.by_key.items():
            self._keys.setdefault(id(site.attention), []).append(key)

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(kind for kind, _ in self.by_key))

    def of(self, kind: str) -> list[Site]:
        """The sites of one kind, in layer order."""
        return sorted((s for (k, _), s in self.by_key.items() if k == kind), key=lambda s: s.layer)

    def key_of(self, module: nn.Module, occurrence: int = 0) -> SiteKey | None:
        """The site of a module's `occurrence`-th call in a forward pass (None: not an attention site)."""
        keys = self._keys.get(id(module))
        return None if not keys else keys[occurrence % len(keys)]

    def occurrence(self, key: SiteKey) -> int:
        """Which call of its module a site is (0 unless layers share one module)."""
        return self._keys[id(self.by_key[key].attention)].index(key)


def find_sites(model: LoadedModel) -> Sites:
    """The model's attention sites (probed once per model and kept). The caller holds the model's lock."""
    found = _CACHE.get(model.module)
    if found is None:
        found = _scratch_sites(model) if model.backend == "scratch" else _probe(model)
        _CACHE[model.module] = found
    return found


def _scratch_sites(model: LoadedModel) -> Sites:
    net, info = model.module, model.info
    h, d = info.n_heads, info.d_head
    out: dict[SiteKey, Site] = {}
    sides = []
    if info.architecture in ("encoder", "encoder-decoder"):
        sides.append(("self", net.encoder["layers"], "self_attn", "norm1"))
    if info.architecture == "decoder":
        sides.append(("self", net.decoder["layers"], "self_attn", "norm1"))
    if info.architecture == "encoder-decoder":
        sides += [("decoder_self", net.decoder["layers"], "self_attn", "norm1"),
                  ("cross", net.decoder["layers"], "cross_attn", "norm2")]
    for kind, layers, attn_name, norm_name in sides:
        for i, layer in enumerate(layers):
            attn = getattr(layer, attn_name)
            out[(kind, i)] = Site(kind, i, attn, attn.o_proj, layer, "pre", getattr(layer, norm_name), h, h, d,
                                  info.name)
    return Sites(out)


def _is_norm(module: nn.Module) -> bool:
    return isinstance(module, nn.LayerNorm) or "norm" in type(module).__name__.lower()


def _is_projection(module: nn.Module) -> bool:
    return isinstance(module, nn.Linear) or type(module).__name__ == "Conv1D"


def _hidden_input(args: tuple, kwargs: dict) -> torch.Tensor | None:
    value = args[0] if args else kwargs.get("hidden_states")
    return value if isinstance(value, torch.Tensor) else None


def _block_of(name: str, modules: dict[str, nn.Module]) -> nn.Module:
    """The outermost element of a ModuleList above `name` (a layer of the encoder or decoder)."""
    parts = name.split(".")
    for cut in range(1, len(parts)):
        if isinstance(modules.get(".".join(parts[:cut - 1])), nn.ModuleList):
            return modules[".".join(parts[:cut])]
    return modules[name]


def _probe(model: LoadedModel) -> Sites:
    from attnviz.models.forward import Prompt, forward
    from attnviz.models.recording import eager_attention, installed, tapping

    net, info = model.module, model.info
    if not installed(net):
        raise MeasureUnavailable(Message(NO_RECORDING, name=info.name))
    calls: list[tuple[nn.Module, torch.Tensor, int, int, int]] = []

    def tap(module, query, key, value, attention_mask, **kwargs):
        out, weights = eager_attention(module, query, key, value, attention_mask, **kwargs)
        calls.append((module, out, weights.shape[1], value.shape[1], value.shape[-1]))
        return out, weights

    seen: dict[int, list[tuple[tuple, dict, object]]] = {}  # id(module) -> (args, kwargs, output) of each call

    def keep(module, args, kwargs, output):
        seen.setdefault(id(module), []).append((args, kwargs, output))

    handles = [m.register_forward_hook(keep, with_kwargs=True) for _, m in net.named_modules()]
    vocab = getattr(net.config, "vocab_size", 16) or 16
    ids = tuple(i % vocab for i in _PROBE_IDS)
    start = getattr(net.config, "decoder_start_token_id", None)
    prompt = Prompt(ids, (start if start is not None else 0, *ids[:3]) if info.architecture == "encoder-decoder"
                    else None)
    try:
        with torch.no_grad(), tapping(tap):
            forward(model, prompt)
    finally:
        for handle in handles:
            handle.remove()
    modules = dict(net.named_modules())
    names = {id(m): n for n, m in modules.items()}
    projections = [(m, call) for m in modules.values() if _is_projection(m) for call in seen.get(id(m), [])]
    norms = [(m, call) for m in modules.values() if _is_norm(m) for call in seen.get(id(m), [])]
    counts: dict[str, int] = {}
    occurrences: dict[int, int] = {}  # calls of each attention module so far (layers may share one)
    out: dict[SiteKey, Site] = {}
    for module, z, n_heads, n_kv, d_head in calls:
        name = names.get(id(module), "")
        kind = attention_kind(name, info.architecture)
        layer = counts[kind] = counts.get(kind, -1) + 1
        nth = occurrences[id(module)] = occurrences.get(id(module), -1) + 1
        flat = z.reshape(*z.shape[:2], -1)  # [batch, query_pos, head·d_head]
        proj, o = next(((m, output) for m, (args, _, output) in projections
                        if args and args[0].shape == flat.shape and torch.equal(args[0], flat)), (None, None))
        own = seen.get(id(module), [])
        hidden = _hidden_input(*own[nth][:2]) if nth < len(own) else None
        placement, norm = _placement(hidden, o, norms)
        out[(kind, layer)] = Site(kind, layer, module, proj, _block_of(name, modules), placement, norm, n_heads,
                                  n_kv, d_head, info.name)
    expected = {"encoder-decoder": {"self", "decoder_self", "cross"}}.get(info.architecture, {"self"})
    if not expected <= set(counts):
        raise MeasureUnavailable(Message(NO_RECORDING, name=info.name))
    return Sites(out)


def _placement(hidden: torch.Tensor | None, o: torch.Tensor | None,
               norms: list[tuple[nn.Module, tuple]]) -> tuple[str, nn.Module | None]:
    """Where the layer norm of one attention site stands, read from what the norms saw in the probe."""
    if hidden is None or not isinstance(o, torch.Tensor):
        return "none", None
    for norm, (args, _, _) in norms:
        if args and torch.equal(args[0], o):
            return "sandwich", norm
    total = hidden + o  # post-LN first: there the attention's input is itself the previous norm's output
    for norm, (args, _, _) in norms:
        if args and args[0].shape == total.shape and torch.allclose(args[0], total, atol=1e-5, rtol=1e-4):
            return "post", norm
    for norm, (_, _, output) in norms:
        if isinstance(output, torch.Tensor) and torch.equal(output, hidden):
            return "pre", norm
    return "none", None
