"""Which heads the output needs, drawn: head ablation and activation patching as clickable layer × head grids (signed,
centred on 0), direct logit attribution as sorted bars whose heads open into their source tokens."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from attnviz.analysis.causal import DLAResult, PatchResult
from attnviz.analysis.targets import NextToken, Similarity, Target
from attnviz.figures import words
from attnviz.figures.head_grid import head_grid
from attnviz.figures.plots import TICK_FONT, TITLE_FONT, position_labels, safe_label
from attnviz.i18n import N_, speaks, t

ABLATION_TITLES = {"zero": N_("Each head set to zero: change in {target}"),
                   "mean": N_("Each head set to its mean over positions: change in {target}")}
SENTENCE_CHARS = 40  # of a second sentence named in a title
TOP_PARTS = 16  # bars drawn by direct logit attribution; the rest are summed into one
POSITIVE, NEGATIVE = "#2166ac", "#b2182b"  # the ends of the grids' red–blue scale: for and against the target


def _quoted(text: str, limit: int = SENTENCE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@speaks
def target_label(target: Target, token: str | None = None, other: str | None = None) -> str:
    """The target in a few words: log p(“she”), logit(“she”) − logit(“he”), or similarity to “…”. `token` and
    `other` are the texts the person typed (the target itself keeps only their ids)."""
    if isinstance(target, Similarity):
        return t("similarity to “{sentence}”", sentence=_quoted(target.other.text))
    token = token if token is not None else f"#{target.token_id}"
    if isinstance(target, NextToken) and target.other_id is not None:
        other = other if other is not None else f"#{target.other_id}"
        return t("logit(“{token}”) − logit(“{other}”)", token=token, other=other)
    return t("log p(“{token}”)", token=token)


@speaks
def logit_label(token: str, other: str | None = None) -> str:
    """What direct logit attribution splits: the logit of “she”, or logit(“she”) − logit(“he”)."""
    if other is not None:
        return t("logit(“{token}”) − logit(“{other}”)", token=token, other=other)
    return t("the logit of “{token}”", token=token)


@speaks
def ablation_grid(delta: np.ndarray, target_words: str, how: str = "zero") -> go.Figure:
    """delta [layer, head] = ablated − clean target (analysis.causal.ablate_heads): red where removing the head
    lowers the target (the head helped it), blue where it raises it. A click opens the head (customdata)."""
    return head_grid(delta, t(ABLATION_TITLES[how], target=target_words), t("change"))


@speaks
def patching_grid(restored: np.ndarray, delta: np.ndarray, target_words: str) -> go.Figure:
    """The share of the change in the target from B to A that each head restores when patched alone from A into B
    (analysis.causal.patch_heads); where A and B give the same target there is no share, and the change itself is
    drawn. A click opens the head (customdata)."""
    if np.isnan(np.asarray(restored, dtype=np.float64)).all():
        return head_grid(delta, t("Each head patched from A into B: change in {target} (A and B give the same "
                                  "value, so there is no share to restore)", target=target_words), t("change"))
    reach = max(1.0, float(np.nanmax(np.abs(restored))))
    return head_grid(restored, t("Each head patched from A into B: share of the change in {target} it restores",
                                 target=target_words), t("share restored"), reach=reach)


@speaks
def patch_carriers(result: PatchResult, n: int = 3) -> str:
    """One sentence naming the heads that carry the difference: "The heads that carry the difference: L1 h2
    (47%), L2 h2 (38%), L0 h2 (29%)." (by the change itself where A and B give the same target)."""
    ranked = result.ranked()[:n]
    if not ranked:
        return t("No head was patched.")
    shares = not np.isnan(result.restored).all()
    heads = ", ".join(t("L{layer} h{head} ({value})", layer=layer, head=head,
                        value=f"{value:.0%}" if shares else f"{value:+.3f}") for layer, head, value in ranked)
    return t("The heads that carry the difference: {heads}.", heads=heads)


def dla_parts(result: DLAResult) -> pd.DataFrame:
    """Every part of the logit, one row each: part (its name), kind, layer, head (−1: not a head), value; the
    values add up to result.logit. Names: "embeddings", "L2 h5" (with the attention kind where a model has
    two), "L2 MLP", "L2 attention bias", "final biases"."""
    two = len(result.heads) > 1
    rows = [(t("embeddings"), "embeddings", -1, -1, result.embeddings)]
    for kind, heads in result.heads.items():
        for layer, head in np.ndindex(heads.shape):
            name = (t("L{layer} h{head} · {kind}", layer=layer, head=head, kind=words.kind(kind)) if two
                    else t("L{layer} h{head}", layer=layer, head=head))
            rows.append((name, kind, layer, head, float(heads[layer, head])))
        for layer, value in enumerate(result.attention_bias[kind]):
            name = (t("L{layer} attention bias · {kind}", layer=layer, kind=words.kind(kind)) if two
                    else t("L{layer} attention bias", layer=layer))
            rows.append((name, "attention bias", layer, -1, float(value)))
    rows += [(t("L{layer} MLP", layer=layer), "mlp", layer, -1, float(v)) for layer, v in enumerate(result.mlp)]
    rows.append((t("final biases"), "final biases", -1, -1, result.final_bias))
    return pd.DataFrame(rows, columns=["part", "kind", "layer", "head", "value"])


@speaks
def dla_chart(result: DLAResult, target_words: str, top: int = TOP_PARTS) -> go.Figure:
    """The parts of the target's logit as horizontal bars, largest |value| first, the rest summed into one bar;
    blue for the target, red against it. A head's bar is a point with customdata [layer, head, kind]: clicking it
    opens dla_sources_chart for that head; other bars carry [layer, −1, part]."""
    parts = dla_parts(result)
    order = parts["value"].abs().sort_values(ascending=False, kind="stable").index
    shown, rest = parts.loc[order[:top]], parts.loc[order[top:]]
    names, values = list(shown["part"]), list(shown["value"])
    custom = [[int(layer), int(head), kind] for layer, head, kind in zip(shown["layer"], shown["head"], shown["kind"])]
    if len(rest):
        names.append(t("{n} other parts", n=len(rest)))
        values.append(float(rest["value"].sum()))
        custom.append([-1, -1, "other"])
    fig = go.Figure(go.Bar(
        x=values, y=[safe_label(n) for n in names], orientation="h", customdata=custom,
        marker={"color": [POSITIVE if v >= 0 else NEGATIVE for v in values]},
        hovertemplate="%{y}: %{x:.4f}<extra></extra>"))
    fig.add_vline(x=0, line_width=1, line_color="#444")
    title = t("Direct logit attribution of {target} = {logit}, the sum of its parts", target=target_words,
              logit=f"{result.logit:.3f}")
    fig.update_layout(title={"text": safe_label(title), "font": TITLE_FONT}, height=max(300, 24 * len(names) + 110),
                      margin={"l": 10, "r": 10, "t": 60, "b": 40}, clickmode="event+select", dragmode=False,
                      xaxis={"title": {"text": t("part of the logit")}, "tickfont": TICK_FONT, "zeroline": False},
                      yaxis={"autorange": "reversed", "tickfont": TICK_FONT, "automargin": True})
    return fig


@speaks
def dla_sources_chart(shares: np.ndarray, key_tokens: list[str], layer: int, head: int, target_words: str,
                      kind: str | None = None) -> go.Figure:
    """One head's part of the logit split by source token: shares [key_pos] (DLAResult.per_source[kind][layer,
    head]), which add up to the head's bar in dla_chart."""
    shares = np.asarray(shares, dtype=np.float64)
    labels = position_labels(key_tokens)
    head_words = (t("L{layer} h{head} · {kind}", layer=layer, head=head, kind=words.kind(kind)) if kind
                  else t("L{layer} h{head}", layer=layer, head=head))
    fig = go.Figure(go.Bar(x=labels, y=shares, marker={"color": [POSITIVE if v >= 0 else NEGATIVE for v in shares]},
                           hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    title = t("{head}: its part of {target} ({total}), by source token", head=head_words, target=target_words,
              total=f"{shares.sum():.3f}")
    fig.update_layout(title={"text": safe_label(title), "font": TITLE_FONT}, height=360,
                      margin={"l": 10, "r": 10, "t": 60, "b": 10},
                      xaxis={"type": "category", "tickfont": TICK_FONT, "tickangle": -45 if len(labels) > 12 else 0},
                      yaxis={"title": {"text": t("part of the logit")}, "tickfont": TICK_FONT, "zeroline": True})
    return fig
