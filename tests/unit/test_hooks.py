import pytest
import torch
from torch import nn

from attnviz.core.hooks import HookPoint, hook_names, hooks, name_hook_points, record_into


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)
        self.hook_a = HookPoint()
        self.inner = nn.Sequential(HookPoint())
        name_hook_points(self)

    def forward(self, x):
        return self.inner(self.hook_a(self.lin(x)))


def test_names_follow_the_module_tree():
    m = Tiny()
    assert hook_names(m) == ["hook_a", "inner.0"]
    assert m.hook_a.name == "hook_a"


def test_record_and_replace_then_hooks_are_gone():
    m = Tiny()
    store = {}
    x = torch.randn(3, 2)
    with hooks(m, {"hook_a": record_into(store), "inner.0": lambda t, name: t * 0}):
        y = m(x)
    assert torch.allclose(store["hook_a"], m.lin(x))
    assert torch.equal(y, torch.zeros(3, 2))
    assert not m.hook_a._forward_hooks and not m.inner[0]._forward_hooks
    assert not torch.equal(m(x), torch.zeros(3, 2))


def test_hooks_removed_when_forward_raises():
    m = Tiny()

    def boom(t, name):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        with hooks(m, {"hook_a": boom}):
            m(torch.randn(1, 2))
    assert not m.hook_a._forward_hooks


def test_unknown_hook_name_is_refused():
    with pytest.raises(KeyError, match="no hook point"):
        with hooks(Tiny(), {"lin": record_into({})}):
            pass
