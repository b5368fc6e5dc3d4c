"""The from-scratch Transformer: encoder, causal decoder or encoder-decoder, with named hook points."""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import torch
from torch import nn

from attnviz.core.attention import attention_scores, causal_mask, masked_softmax
from attnviz.core.hooks import HookPoint, attention_kind, hook_name, name_hook_points
from attnviz.core.positional import apply_rotary, rotary_angles, sinusoidal

CONFIG_FILE = "attnviz_config.json"
WEIGHTS_FILE = "model.safetensors"


@dataclass(frozen=True)
class ScratchConfig:
    architecture: Literal["encoder", "decoder", "encoder-decoder"] = "encoder"
    vocab_size: int = 128
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    d_ff: int = 256
    max_len: int = 128
    positional: Literal["sinusoidal", "learned", "rotary", "none"] = "sinusoidal"
    bias: bool = True

    def __post_init__(self) -> None:
        for name in ("vocab_size", "d_model", "n_heads", "n_layers", "d_ff", "max_len"):
            if int(getattr(self, name)) <= 0:
                raise ValueError(f"{name} must be a positive whole number, got {getattr(self, name)}")
        if self.d_model % self.n_heads:
            raise ValueError(f"{self.n_heads} heads do not divide d_model = {self.d_model}: "
                             "pick a head count that divides it")
        if self.positional == "rotary" and (self.d_model // self.n_heads) % 2:
            raise ValueError("rotary positions need an even d_head (d_model / n_heads)")
        if self.architecture not in ("encoder", "decoder", "encoder-decoder"):
            raise ValueError(f"unknown architecture {self.architecture!r}")
        if self.positional not in ("sinusoidal", "learned", "rotary", "none"):
            raise ValueError(f"unknown positional encoding {self.positional!r}")

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads


class MultiHeadAttention(nn.Module):
    """Multi-head attention with hook points (TransformerLens's names) at q, k, v, the rotated q and k
    (rotary self-attention), scores, pattern and z (each head's mix of values)."""

    def __init__(self, cfg: ScratchConfig, causal: bool = False, cross: bool = False) -> None:
        super().__init__()
        self.n_heads, self.d_head, self.causal = cfg.n_heads, cfg.d_head, causal
        self.rotary = cfg.positional == "rotary" and not cross  # cross-attention keys sit in another sequence
        self.q_proj = nn.Linear(cfg.d_model, cfg.d_model, bias=cfg.bias)
        self.k_proj = nn.Linear(cfg.d_model, cfg.d_model, bias=cfg.bias)
        self.v_proj = nn.Linear(cfg.d_model, cfg.d_model, bias=cfg.bias)
        self.o_proj = nn.Linear(cfg.d_model, cfg.d_model, bias=cfg.bias)
        self.hook_q, self.hook_k, self.hook_v = HookPoint(), HookPoint(), HookPoint()
        if self.rotary:
            self.hook_rot_q, self.hook_rot_k = HookPoint(), HookPoint()
        self.hook_attn_scores, self.hook_pattern, self.hook_z = HookPoint(), HookPoint(), HookPoint()

    def split_heads(self, x: torch.Tensor) -> torch.Tensor:
        batch, pos, _ = x.shape
        return x.view(batch, pos, self.n_heads, self.d_head).transpose(1, 2)  # [batch, head, pos, d_head]

    def forward(self, x: torch.Tensor, source: torch.Tensor | None = None,
                key_mask: torch.Tensor | None = None, angles: torch.Tensor | None = None) -> torch.Tensor:
        """x: [batch, query_pos, d_model]; source (cross-attention): [batch, key_pos, d_model];
        key_mask: [batch, key_pos] True for real tokens; angles: rotary [pos, d_head/2]."""
        kv_input = x if source is None else source
        q = self.split_heads(self.q_proj(x))
        k = self.split_heads(self.k_proj(kv_input))
        v = self.split_heads(self.v_proj(kv_input))
        q, k, v = self.hook_q(q), self.hook_k(k), self.hook_v(v)  # before any rotation
        if self.rotary and angles is not None:
            q = self.hook_rot_q(apply_rotary(q, angles[: q.shape[-2]]))
            k = self.hook_rot_k(apply_rotary(k, angles[: k.shape[-2]]))
        scores = self.hook_attn_scores(attention_scores(q, k))  # [batch, head, query_pos, key_pos]
        mask = None
        if key_mask is not None:
            mask = key_mask.bool()[:, None, None, :]  # [batch, 1, 1, key_pos]
        if self.causal:
            causal = causal_mask(q.shape[-2], k.shape[-2], device=x.device)
            mask = causal if mask is None else mask & causal
        pattern = self.hook_pattern(masked_softmax(scores, mask))
        z = self.hook_z((pattern @ v).transpose(1, 2))  # [batch, query_pos, head, d_head]
        return self.o_proj(z.reshape(x.shape))  # [batch, query_pos, d_model]


class FeedForward(nn.Module):
    def __init__(self, cfg: ScratchConfig) -> None:
        super().__init__()
        self.up = nn.Linear(cfg.d_model, cfg.d_ff)
        self.down = nn.Linear(cfg.d_ff, cfg.d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(torch.nn.functional.gelu(self.up(x)))


class EncoderLayer(nn.Module):
    """Pre-norm: x + attention(norm(x)), then x + feed-forward(norm(x))."""

    def __init__(self, cfg: ScratchConfig, causal: bool = False) -> None:
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.self_attn = MultiHeadAttention(cfg, causal=causal)
        self.ff = FeedForward(cfg)

    def forward(self, x, key_mask=None, angles=None):
        x = x + self.self_attn(self.norm1(x), key_mask=key_mask, angles=angles)
        return x + self.ff(self.norm2(x))


class DecoderLayer(nn.Module):
    """Causal self-attention, then cross-attention to the encoder's output, then feed-forward."""

    def __init__(self, cfg: ScratchConfig) -> None:
        super().__init__()
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(cfg.d_model) for _ in range(3))
        self.self_attn = MultiHeadAttention(cfg, causal=True)
        self.cross_attn = MultiHeadAttention(cfg, cross=True)
        self.ff = FeedForward(cfg)

    def forward(self, x, memory, memory_mask=None, angles=None):
        x = x + self.self_attn(self.norm1(x), angles=angles)
        x = x + self.cross_attn(self.norm2(x), source=memory, key_mask=memory_mask)
        return x + self.ff(self.norm3(x))


class Embedding(nn.Module):
    """Token embedding plus the positional encoding, with a hook point at the encoding used."""

    def __init__(self, cfg: ScratchConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.tokens = nn.Embedding(cfg.vocab_size, cfg.d_model)
        # std d_model^-1/2: after the √d_model scale below, embeddings and positions are both of order 1
        nn.init.normal_(self.tokens.weight, std=cfg.d_model ** -0.5)
        if cfg.positional == "learned":
            self.positions = nn.Embedding(cfg.max_len, cfg.d_model)
        elif cfg.positional == "sinusoidal":
            self.register_buffer("table", torch.from_numpy(sinusoidal(cfg.max_len, cfg.d_model)), persistent=False)
        elif cfg.positional == "rotary":
            self.register_buffer("angles", torch.from_numpy(rotary_angles(cfg.max_len, cfg.d_head)), persistent=False)
        self.hook_pos_embed = HookPoint()  # rotary: the angles [pos, d_head/2] instead of a table

    def forward(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """ids [batch, pos] -> (x [batch, pos, d_model], rotary angles [pos, d_head/2] or None)."""
        pos = ids.shape[1]
        if pos > self.cfg.max_len:
            raise ValueError(f"{pos} tokens exceed this model's {self.cfg.max_len} positions")
        x = self.tokens(ids) * math.sqrt(self.cfg.d_model)
        kind = self.cfg.positional
        if kind == "learned":
            return x + self.hook_pos_embed(self.positions.weight[:pos]), None
        if kind == "sinusoidal":
            return x + self.hook_pos_embed(self.table[:pos]), None
        if kind == "rotary":
            return x, self.hook_pos_embed(self.angles[:pos])
        return x, None


class ScratchTransformer(nn.Module):
    """Encoder, causal decoder or encoder-decoder, depending on cfg.architecture."""

    def __init__(self, cfg: ScratchConfig) -> None:
        super().__init__()
        self.cfg = cfg
        arch = cfg.architecture
        if arch in ("encoder", "encoder-decoder"):
            self.encoder = nn.ModuleDict({
                "embed": Embedding(cfg),
                "layers": nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.n_layers)),
                "norm": nn.LayerNorm(cfg.d_model),
            })
        if arch == "decoder":
            self.decoder = nn.ModuleDict({
                "embed": Embedding(cfg),
                "layers": nn.ModuleList(EncoderLayer(cfg, causal=True) for _ in range(cfg.n_layers)),
                "norm": nn.LayerNorm(cfg.d_model),
            })
        if arch == "encoder-decoder":
            self.decoder = nn.ModuleDict({
                "embed": Embedding(cfg),
                "layers": nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.n_layers)),
                "norm": nn.LayerNorm(cfg.d_model),
            })
        self.lm_head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        # hook names in TransformerLens's vocabulary; module names (and so checkpoints) stay as they were
        name_hook_points(self, self._hook_name)

    def _hook_name(self, path: str) -> str:
        """encoder.layers.0.self_attn.hook_q -> blocks.0.attn.hook_q; decoder.embed.hook_pos_embed of an
        encoder-decoder -> decoder.hook_pos_embed (core.hooks.hook_name has the whole scheme)."""
        parts = path.split(".")
        kind = attention_kind(path, self.cfg.architecture)
        return hook_name(kind, int(parts[2]) if parts[1] == "layers" else None, parts[-1])

    def encode(self, ids: torch.Tensor, key_mask: torch.Tensor | None = None) -> torch.Tensor:
        x, angles = self.encoder["embed"](ids)
        for layer in self.encoder["layers"]:
            x = layer(x, key_mask=key_mask, angles=angles)
        return self.encoder["norm"](x)

    def forward(self, ids: torch.Tensor, target_ids: torch.Tensor | None = None,
                key_mask: torch.Tensor | None = None) -> torch.Tensor:
        """Logits [batch, pos, vocab]: of ids (encoder, decoder) or of target_ids (encoder-decoder)."""
        arch = self.cfg.architecture
        if arch == "encoder":
            return self.lm_head(self.encode(ids, key_mask))
        if arch == "decoder":
            x, angles = self.decoder["embed"](ids)
            for layer in self.decoder["layers"]:
                x = layer(x, angles=angles)
            return self.lm_head(self.decoder["norm"](x))
        if target_ids is None:
            raise ValueError("an encoder-decoder needs target_ids for its decoder")
        memory = self.encode(ids, key_mask)
        x, angles = self.decoder["embed"](target_ids)
        for layer in self.decoder["layers"]:
            x = layer(x, memory, memory_mask=key_mask, angles=angles)
        return self.lm_head(self.decoder["norm"](x))

    def save(self, folder: str | Path, extra: dict | None = None) -> Path:
        """Write the config (and anything in extra) as JSON and the weights as safetensors."""
        from safetensors.torch import save_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CONFIG_FILE).write_text(json.dumps({"config": asdict(self.cfg), **(extra or {})}, indent=2))
        state = {name: t.detach().cpu().contiguous() for name, t in self.state_dict().items()}
        save_file(state, str(folder / WEIGHTS_FILE))
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> tuple[ScratchTransformer, dict]:
        """The model saved in folder, and the extra JSON saved beside it."""
        from safetensors.torch import load_file

        folder = Path(folder)
        meta = json.loads((folder / CONFIG_FILE).read_text())
        model = cls(ScratchConfig(**meta.pop("config")))
        model.load_state_dict(load_file(str(folder / WEIGHTS_FILE)))
        return model, meta
