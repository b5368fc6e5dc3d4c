"""Words on figures and notes: heads compared with heads, and grouped-query sharing in plain English."""
import dataclasses

import numpy as np

from attnviz.figures.plots import head_heatmap, head_similarity_map
from attnviz.app.widgets.pickers import kv_sharing


def test_similarity_map_compares_heads_with_heads():
    fig = head_similarity_map(np.eye(3), ["L0h0", "L0h1", "L1h0"], title="cosine similarity")
    assert fig.layout.xaxis.title.text == "head" and fig.layout.yaxis.title.text == "head"
    assert fig.data[0].colorbar.title.text == "cosine similarity"
    assert list(fig.layout.xaxis.ticktext) == ["L0h0", "L0h1", "L1h0"]


def test_attention_heatmap_keeps_query_and_key():
    fig = head_heatmap(np.full((2, 2), 0.5), ["a", "b"], ["a", "b"])
    assert fig.layout.yaxis.title.text == "query (attending)" and fig.layout.xaxis.title.text == "key (attended to)"
    assert fig.data[0].colorbar.title.text == "weight"


def test_grouped_query_note(glass):
    two = kv_sharing(glass.info, 0)  # glassllm: 4 query heads, 2 key/value heads
    assert "Query head 0 reads key/value head 0, and so does query head 1:" in two
    four = dataclasses.replace(glass.info, n_heads=8, n_kv_heads=2)
    assert "Query head 5 reads key/value head 1, and so do query heads 4, 6 and 7:" in kv_sharing(four, 5)
    assert kv_sharing(dataclasses.replace(glass.info, n_kv_heads=4), 0) is None
