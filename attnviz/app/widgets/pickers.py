"""Shared widgets: model facts, and the attention-kind / layer / head pickers."""
from __future__ import annotations

import streamlit as st

from attnviz.models.loading import LoadedModel
from attnviz.core.types import AttentionCapture, ModelInfo
from attnviz.figures import words
from attnviz.core.types import ARCHITECTURE_WORDS, FAMILY_WORDS
from attnviz.i18n import fixed, say, t, tc, tn
from attnviz.app.shell import messages as errors
from attnviz.app.state.base import Pickers
from attnviz.app.widgets.fit import fit_choice, fit_int
from attnviz.app.widgets.literal import code


def human_count(n: int) -> str:
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)


def _family(family: str) -> str:
    """The model's family in the page's language (a family the catalogue does not name: as it is)."""
    return say(FAMILY_WORDS[family]) if family in FAMILY_WORDS else family


def model_facts(model: LoadedModel) -> None:
    """The model's architecture, sizes and positional encoding, and where it runs."""
    info = model.info
    heads = f"{info.n_heads}" if info.n_kv_heads == info.n_heads else t("{q} query, {kv} key/value", q=info.n_heads,
                                                                          kv=info.n_kv_heads)
    layers = f"{info.n_layers} + {info.decoder_layers}" if info.decoder_layers else str(info.n_layers)
    facts = [(t("Architecture"), say(ARCHITECTURE_WORDS[info.architecture])), (t("Layers"), layers), (tc("count", "Heads"), heads),
             ("d_model", str(info.d_model)), ("d_head", str(info.d_head)),
             (t("Positional encoding"), errors.note(info.positional_text)), (t("Parameters"), human_count(info.n_params))]
    st.markdown("| " + " | ".join(label for label, _ in facts) + " |\n"
                "|" + "---|" * len(facts) + "\n"
                "| " + " | ".join(f"**{value}**" for _, value in facts) + " |")
    dtype = str(model.dtype).replace("torch.", "")
    st.caption(t("{name} · {family} · model type {model_type} · max positions {max_positions} · runs on **{device}** in **{dtype}**", name=code(info.name), family=_family(info.family), model_type=code(info.model_type),
                 max_positions=info.max_positions or t("unbounded"), device=model.device, dtype=dtype))


def megabytes(n: int) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 10 * 2**20 else f"{n / 2**20:.2g} MB"


def model_bytes(model: LoadedModel) -> int:
    """Memory of the model's weights and buffers."""
    tensors = [*model.module.parameters(), *model.module.buffers()]
    return sum(t.numel() * t.element_size() for t in tensors)


def memory_caption(model: LoadedModel, cap: AttentionCapture) -> None:
    """One line: what the model and this capture hold in memory, and how the capture keeps its attention."""
    from attnviz.core import settings
    from attnviz.app.pipeline.cache import shared_captures

    whole = sum(cap.source(kind).dense_nbytes() for kind in cap.kinds)
    how = t("every weight stored (eager)") if cap.mode == "eager" else t("queries and keys, each head computed on demand (the whole stack would be {whole})", whole=megabytes(whole))
    st.caption(t("Memory: model {model} on {device} · this capture {capture}, {how} · captures cached for every visitor {cached} of {limit}", model=megabytes(model_bytes(model)), device=model.device,
                 capture=megabytes(cap.nbytes()), how=how, cached=megabytes(shared_captures().nbytes),
                 limit=megabytes(settings.current().capture_cache_mb * 2**20)))


def kv_sharing(info: ModelInfo, head: int) -> str | None:
    """A sentence on grouped-query attention for one query head, or None when heads do not share."""
    if info.n_kv_heads == info.n_heads:
        return None
    others = [str(h) for h in info.heads_sharing_kv(head) if h != head]
    if info.n_kv_heads == 1:
        return t("Multi-query attention: all {n} query heads read one key/value head; their patterns differ only through their queries.", n=info.n_heads)
    if not others:
        return t("Grouped-query attention: {n} query heads share {kv} key/value heads. Query head {head} reads key/value head {group}.", n=info.n_heads, kv=info.n_kv_heads, head=head, group=info.kv_group(head))
    names = others[0] if len(others) == 1 else t("{first} and {last}", first=", ".join(others[:-1]), last=others[-1])
    return tn("Grouped-query attention: {n} query heads share {kv} key/value heads. Query head {head} reads key/value "
              "head {group}, and so does query head {names}: their patterns differ only through their queries.",
              "Grouped-query attention: {n} query heads share {kv} key/value heads. Query head {head} reads key/value "
              "head {group}, and so do query heads {names}: their patterns differ only through their queries.",
              len(others), n=info.n_heads, kv=info.n_kv_heads, head=head, group=info.kv_group(head), names=names)


def kind_layer_head(cap: AttentionCapture, pickers: Pickers, show_layer: bool = True,
                    show_head: bool = True, columns: list | None = None,
                    name_kind: bool = True) -> tuple[str, int, int]:
    """Pickers for attention kind, layer and head, with the page's keys (its state module's Pickers).

    A picker that does not apply to what is shown is not drawn (show_layer, show_head); its value is kept where its
    key says so (keep="page").
    columns: three columns to draw them in (default: a new row), so a caller can add to the first one.
    name_kind: say which kind it is when there is only one (no need where the figure's title says it).
    """
    kinds = cap.kinds
    cols = columns or st.columns([2, 3, 3])
    kind = kinds[0]
    fit_choice(pickers.kind, kinds, "attention kind")
    if len(kinds) > 1:
        kind = cols[0].radio(t("Attention"), kinds, format_func=lambda k, tr=fixed(): words.kind(k),
                             key=pickers.kind, persist_state=pickers.kind.keep)
    elif name_kind:
        cols[0].markdown(t("**{kind}**", kind=words.kind(kind)))
    n_layers, n_heads = cap.shape(kind)[:2]
    fit_int(pickers.layer, 0, n_layers - 1, "layer")
    fit_int(pickers.head, 0, n_heads - 1, "head")
    layer = (cols[1].slider(t("Layer"), 0, n_layers - 1, key=pickers.layer, persist_state=pickers.layer.keep)
             if n_layers > 1 and show_layer else int(st.session_state.get(pickers.layer, 0)))
    head = (cols[2].slider(t("Head"), 0, n_heads - 1, key=pickers.head, persist_state=pickers.head.keep)
            if n_heads > 1 and show_head else int(st.session_state.get(pickers.head, 0)))
    return kind, min(layer, n_layers - 1), min(head, n_heads - 1)


def head_chip_colours(key: str, heads: range | list[int], label=lambda h: f"head {h}") -> None:
    """Give each chip of a head multiselect (labelled label(h), e.g. "head N") the colour its lines have in the figure."""
    from attnviz.figures.plots import head_colour

    # A chip is the span whose child carries the label as its title (Streamlit 1.67's multiselect).
    rules = "".join(f'.st-key-{key} [data-testid="stMultiSelectTagsContainer"] span:has(> span[title="{label(h)}"])'
                    f"{{background-color:{head_colour(h)};color:#fff}}" for h in heads)
    st.html(f"<style>{rules}</style>")
