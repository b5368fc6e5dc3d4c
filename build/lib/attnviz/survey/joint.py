"""The joint query–key view of one head over many tokens (AttentionViz): its queries and keys from a survey,
laid out together in two dimensions."""
from __future__ import annotations

import numpy as np
import pandas as pd

from attnviz.analysis.reduce import projection_methods
from attnviz.core.projection import pca_2d
from attnviz.survey.query import Survey


def layout_2d(vectors: np.ndarray, method: str = "PCA") -> np.ndarray:
    """[rows, dims] -> [rows, 2]: PCA always; t-SNE or UMAP where installed."""
    if method == "PCA" or len(vectors) < 4:
        return pca_2d(vectors)[0]
    if method not in projection_methods():
        raise ValueError(f"{method} is not installed here; available: {', '.join(projection_methods())}")
    if method == "t-SNE":
        from sklearn.manifold import TSNE
        return TSNE(n_components=2, perplexity=min(30.0, (len(vectors) - 1) / 3), init="pca",
                    random_state=0).fit_transform(vectors)
    import umap
    return umap.UMAP(n_components=2, n_neighbors=min(15, len(vectors) - 1), random_state=0).fit_transform(vectors)


def joint_points(survey: Survey, layer: int, head: int, max_tokens: int = 10_000, method: str = "PCA") -> pd.DataFrame:
    """One head's queries and keys with x, y (joint layout) and `context`: the token in brackets among its
    neighbours, for the hover."""
    points = survey.joint_points(layer, head, max_tokens)
    if points.empty:
        return points.assign(x=[], y=[], context=[])
    xy = layout_2d(np.stack(points["vector"].to_numpy()).astype(np.float64), method)
    before, after = points["before"].fillna(""), points["after"].fillna("")
    context = (before + " [" + points["token"] + "] " + after).str.strip()
    return points.drop(columns=["vector", "before", "after"]).assign(x=xy[:, 0], y=xy[:, 1], context=context)
