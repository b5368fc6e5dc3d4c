"""A layer norm with its scale frozen at the input it saw: LN(Σ parts) = Σ γ ⊙ centre(part) / σ + β, so each part
of a sum that a norm reads gets its own share (LayerNorm centres and divides by the standard deviation, RMSNorm
only divides by the root mean square). The form is checked against the module's own output, never assumed."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from attnviz.core.errors import MeasureUnavailable
from attnviz.i18n import Message, N_

NORM_UNKNOWN = (N_("This model's layer norm ({name}) is neither a LayerNorm nor an RMSNorm that attnviz can write "
                "as a linear map, so its inputs cannot be split into each token's share."))


@dataclass
class FrozenNorm:
    """y = γ ⊙ centre(u) / scale + β, with scale [pos] fixed at the input u the norm saw."""

    gamma: torch.Tensor  # [d_model]
    beta: torch.Tensor | None  # [d_model]
    scale: torch.Tensor  # [pos]: σ(u) (LayerNorm) or rms(u) (RMSNorm), eps included
    centred: bool  # LayerNorm subtracts each vector's mean first

    def part(self, v: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
        """The share of a piece v [..., d_model] of the input; scale broadcasts against v[..., :1]."""
        if self.centred:
            v = v - v.mean(dim=-1, keepdim=True)
        return self.gamma * v / scale

    def part_(self, v: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
        """part(), written into v (no copy of a large block of parts)."""
        if self.centred:
            v.sub_(v.mean(dim=-1, keepdim=True))
        return v.mul_(self.gamma).div_(scale)

    def full(self, u: torch.Tensor) -> torch.Tensor:
        """The norm of the whole input u [pos, d_model] (equal to the module's output)."""
        out = self.part(u, self.scale[:, None])
        return out if self.beta is None else out + self.beta


def _eps(norm: nn.Module) -> float:
    for name in ("eps", "variance_epsilon", "epsilon"):
        value = getattr(norm, name, None)
        if isinstance(value, (int, float)):
            return float(value)
    return 1e-6


def freeze(norm: nn.Module, u: torch.Tensor, out: torch.Tensor | None = None) -> FrozenNorm:
    """The norm's linear form at input u [pos, d_model] (out: its output there, computed if not given).
    Raises MeasureUnavailable when neither form reproduces the module's output."""
    dtype = next(norm.parameters(), u).dtype
    u = u.float()
    with torch.no_grad():
        out = (norm(u.to(dtype)) if out is None else out).float()
    relative = max(1e-3, 20 * torch.finfo(dtype).eps)  # a half-precision model rounds more
    d_model = u.shape[-1]
    weight = getattr(norm, "weight", None)
    weight = torch.ones(d_model, device=u.device) if weight is None else weight.detach().float()
    u, out = u.detach(), out.detach()
    bias = getattr(norm, "bias", None)
    beta = bias.detach().float() if isinstance(bias, torch.Tensor) else None
    eps = _eps(norm)
    tolerance = relative * float(out.abs().max()) + 1e-5
    for centred in (isinstance(norm, nn.LayerNorm) or beta is not None, not (isinstance(norm, nn.LayerNorm)
                                                                           or beta is not None)):
        centre = u - u.mean(dim=-1, keepdim=True) if centred else u
        scale = torch.sqrt(centre.pow(2).mean(dim=-1) + eps)  # [pos]
        for gamma in (weight, 1 + weight):  # Gemma's RMSNorm scales by (1 + weight)
            frozen = FrozenNorm(gamma, beta, scale, centred)
            if float((frozen.full(u) - out).abs().max()) <= tolerance:
                return frozen
    raise MeasureUnavailable(Message(NORM_UNKNOWN, name=type(norm).__name__))
