"""The pieces the measures are built from: rank agreement, rollout, a layer norm frozen at its input, head
edits, W_O per head, a block run again on copies."""
import numpy as np
import pytest
import torch
from scipy.stats import spearmanr
from torch import nn

from attnviz.analysis.causal.heads import edits_for, replace_heads
from attnviz.analysis.measures.agreement import agreement, average_ranks, row_spearman
from attnviz.analysis.measures.rollout import normalise_rows, rollout
from attnviz.core.errors import MeasureUnavailable
from attnviz.models.blocks import BlockCall, rerun
from attnviz.models.norms import freeze
from attnviz.models.sites import Site


def test_row_spearman_is_scipys_over_the_open_keys_with_ties_and_skips():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 4, size=(5, 7)).astype(float)  # ties
    y = rng.normal(size=(5, 7))
    open_keys = np.ones((5, 7), bool)
    open_keys[1, 4:] = False  # a causal-like row
    open_keys[2, 1:] = False  # one open key: no correlation
    x[3] = 1.0  # no spread: no correlation
    rho = row_spearman(torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(open_keys)).numpy()
    for row in (0, 4):
        assert rho[row] == pytest.approx(spearmanr(x[row], y[row]).statistic)
    assert rho[1] == pytest.approx(spearmanr(x[1, :4], y[1, :4]).statistic)
    assert np.isnan(rho[2]) and np.isnan(rho[3])
    assert np.array_equal(average_ranks(torch.tensor([[3.0, 1.0, 3.0, 2.0]])).numpy(), [[3.5, 1.0, 3.5, 2.0]])


def test_agreement_per_head_and_per_layer():
    alpha = torch.tensor([[[[1.0, 0.0], [0.3, 0.7]], [[1.0, 0.0], [0.6, 0.4]]]])  # [layer, head, query, key], causal
    same = agreement(alpha, alpha)
    assert same.shape == (1, 2) and np.allclose(same, 1.0)  # row 0 (one open key) is skipped
    reversed_ = agreement(alpha.flip(-1) * (alpha > 0), alpha)  # closed keys stay closed
    assert np.allclose(reversed_, -1.0)
    layer_level = torch.tensor([[[1.0, 0.0], [0.9, 0.1]]])  # ranked against the heads' mean row (0.45, 0.55)
    assert agreement(layer_level, alpha).tolist() == [-1.0]


def test_rollout_multiplies_the_layers_and_refuses_two_sequences():
    c = normalise_rows(torch.rand(3, 4, 4))
    rolled = rollout(c)
    assert torch.allclose(rolled[2], c[2] @ c[1] @ c[0])
    assert torch.allclose(rolled.sum(-1), torch.ones(3, 4))
    with pytest.raises(MeasureUnavailable):
        rollout(torch.rand(2, 3, 5), "cross")
    rows = normalise_rows(torch.tensor([[0.0, 0.0], [1.0, 3.0]]))
    assert rows.tolist() == [[0.0, 0.0], [0.25, 0.75]]


class GemmaLikeNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight, self.eps = nn.Parameter(torch.randn(d)), 1e-6

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * (1 + self.weight)


def test_a_norm_frozen_at_its_input_splits_it_into_parts():
    from transformers.models.llama.modeling_llama import LlamaRMSNorm

    torch.manual_seed(0)
    layer_norm = nn.LayerNorm(6)
    nn.init.normal_(layer_norm.weight)
    nn.init.normal_(layer_norm.bias)
    rms = LlamaRMSNorm(6)
    nn.init.normal_(rms.weight)
    parts = torch.randn(3, 4, 6)  # three parts of the input of four tokens
    u = parts.sum(0)
    for norm, centred in ((layer_norm, True), (rms, False), (GemmaLikeNorm(6), False)):
        frozen = freeze(norm, u)
        assert frozen.centred == centred
        total = frozen.part(parts, frozen.scale[None, :, None]).sum(0) + (0 if frozen.beta is None else frozen.beta)
        assert torch.allclose(total, norm(u), atol=1e-5)
    with pytest.raises(MeasureUnavailable, match="Tanh"):
        freeze(nn.Tanh(), u)


def test_replace_heads_edits_only_the_assigned_copies_heads_and_positions():
    z = torch.randn(3, 5, 2, 4)  # [batch, query_pos, head, d_head]
    replacement = torch.randn(5, 2, 4)
    where = torch.tensor([False, True, True, False, False])
    out = replace_heads([(0, 1), (2, 0)], replacement, where, 3)(z)
    assert torch.equal(out[0, 1:3, 1], replacement[1:3, 1]) and torch.equal(out[2, 1:3, 0], replacement[1:3, 0])
    changed = torch.zeros(3, 5, 2, dtype=torch.bool)
    changed[0, 1:3, 1] = changed[2, 1:3, 0] = True
    assert torch.equal(out[~changed], z[~changed])
    edits = edits_for([(0, 1), (1, 0), (0, 0)], "self", lambda layer: torch.zeros(5, 2, 4), None)
    assert set(edits) == {("self", 0), ("self", 1)}
    assert torch.equal(edits[("self", 0)](z)[2, :, 0], torch.zeros(5, 4))
    assert torch.equal(edits[("self", 0)](z)[1], z[1])


def test_w_o_per_head_for_linear_and_conv1d():
    from transformers.pytorch_utils import Conv1D

    linear = nn.Linear(6, 5)  # head·d_head = 6 = 2 heads × 3
    conv = Conv1D(5, 6)  # GPT-2's: weight [in, out]
    z = torch.randn(4, 2, 3)  # [pos, head, d_head]
    for proj in (linear, conv):
        site = Site("self", 0, nn.Identity(), proj, nn.Identity(), "pre", None, 2, 2, 3)
        heads = site.head_outputs(z)  # [pos, head, d_model]
        assert torch.allclose(heads.sum(1) + proj.bias, proj(z.reshape(4, 6)), atol=1e-6)
    with pytest.raises(MeasureUnavailable, match="output projection"):
        Site("self", 0, nn.Identity(), None, nn.Identity(), "pre", None, 2, 2, 3, "m").w_o()


def test_a_block_runs_again_on_copies_of_its_inputs():
    class Block(nn.Module):
        def forward(self, hidden_states, mask, angles=None):
            hidden_states += 1  # in place: the copies must be real copies
            return (hidden_states * mask + angles.sum(), None)

    # batch-1 tensors of three or more dimensions become copies; the two-dimensional angles stay as they are
    call = BlockCall((torch.ones(1, 3, 2), torch.full((1, 3, 2), 2.0)), {"angles": torch.ones(3, 2)},
                     torch.zeros(1, 3, 2))
    out = rerun(Block(), call, 4)
    assert torch.equal(out, torch.full((4, 3, 2), 10.0))  # (1 + 1)·2 + 6
    assert torch.equal(call.args[0], torch.ones(1, 3, 2))  # the recorded input is left as it was


def test_replayed_blocks_hand_back_their_clean_outputs_and_are_put_back():
    from attnviz.analysis.causal.heads import chunks
    from attnviz.models.blocks import block_calls, replayed

    layers = nn.ModuleList(nn.Linear(2, 2) for _ in range(3))

    def model(x):
        for layer in layers:
            x = layer(x)
        return x
    x = torch.randn(1, 4, 2)
    with block_calls(list(layers)) as calls:
        clean = model(x)
    with torch.no_grad():
        layers[1].weight.zero_()  # changes nothing while layer 1 is replayed
    with replayed([layers[0], layers[1]], calls[:2], 3):
        replay = model(torch.zeros(3, 4, 2))  # the input is not even read
    assert replay.shape == (3, 4, 2) and torch.allclose(replay, clean.expand(3, 4, 2))
    assert "forward" not in layers[0].__dict__ and not torch.allclose(model(x), clean)  # put back
    assert chunks([(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)], 2) == [[(0, 0), (0, 1)], [(0, 2)], [(1, 0), (1, 1)]]
