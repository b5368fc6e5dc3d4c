"""A tapped forward pass, shared by the measures and the causal tools: the model's sites, the tokens of each
attention kind, and a run with a tap attached. The callers hold the model's lock."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch import nn

from attnviz.core.errors import MeasureUnavailable
from attnviz.core.types import KIND_LABELS
from attnviz.models.forward import Output, Prompt, forward
from attnviz.models.loading import LoadedModel
from attnviz.models.sites import Site, Sites, find_sites
from attnviz.models.taps import SiteRecord, Tap, tapped
from attnviz.i18n import Message, N_

NO_KIND = N_("{name} has no {kind}.")


def sites_of(model: LoadedModel, kind: str) -> tuple[Sites, list[Site]]:
    """The model's sites and those of `kind`, in layer order (MeasureUnavailable if it has none)."""
    sites = find_sites(model)
    chosen = sites.of(kind)
    if not chosen:
        raise MeasureUnavailable(Message(NO_KIND, name=model.info.name, kind=KIND_LABELS.get(kind, kind)))
    return sites, chosen


def tokens(model: LoadedModel, prompt: Prompt, kind: str) -> tuple[list[str], list[str]]:
    """(query tokens, key tokens) of attention `kind`: cross-attention's keys are the encoder's tokens."""
    shown = model.codec.display(list(prompt.ids))
    if kind == "self":
        return shown, shown
    decoder = model.codec.display(list(prompt.decoder_ids or ()))
    return decoder, (shown if kind == "cross" else decoder)


def run(model: LoadedModel, prompt: Prompt, tap: Tap, batch: int = 1, grad: bool = False) -> Output:
    """One forward pass of `batch` copies of the prompt with `tap` at every site."""
    sites = find_sites(model)
    with contextlib.ExitStack() as stack:
        stack.enter_context(torch.enable_grad() if grad else torch.no_grad())
        if grad:
            stack.enter_context(_graph_from_embeddings(model))
        stack.enter_context(tapped(model, sites, tap))
        return forward(model, prompt, batch)


def recorded(model: LoadedModel, prompt: Prompt, kind: str) -> list[tuple[Site, SiteRecord]]:
    """One run of the model with a tap on: each attention site of `kind`, with what the tap recorded there."""
    _, sites = sites_of(model, kind)
    tap = Tap()
    run(model, prompt, tap)
    return [(site, tap.records[(kind, site.layer)]) for site in sites]


def _input_embeddings(model: LoadedModel) -> list[nn.Module]:
    net = model.module
    if model.backend == "scratch":
        return [side["embed"].tokens for side in (getattr(net, "encoder", None), getattr(net, "decoder", None))
                if side is not None]
    return [net.get_input_embeddings()]


@contextlib.contextmanager
def _graph_from_embeddings(model: LoadedModel) -> Iterator[None]:
    """Make the token embeddings require a gradient, so that the graph exists even when the weights are frozen."""
    def start(_module, _inputs, output):
        return output if output.requires_grad else output.detach().requires_grad_()
    handles = [m.register_forward_hook(start) for m in _input_embeddings(model)]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()
