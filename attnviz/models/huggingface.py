"""Hugging Face models from a local folder or a hub id, loaded so that they return attention weights."""
from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

from torch import nn

from attnviz.core.errors import ModelNotFound, NotAModel, RemoteCodeRefused, UnsupportedModel
from attnviz.core.types import ModelInfo
from attnviz.i18n import Message
from attnviz.models.facts import (config_declares_causal, head_facts, is_causal, positions,
                                    usable_positions)
from attnviz.models import hub
from attnviz.models.weights import check_loading
from attnviz.models.weights_header import check_before_loading


def is_local_spec(spec: str) -> bool:
    """A path (it exists, or is written as one); otherwise a hub id such as `org/name`."""
    return Path(spec).expanduser().exists() or spec.startswith((".", "/", "~")) or spec.count("/") > 1


def read_local_config(folder: Path) -> dict:
    """config.json of a model folder, with messages for the ways a folder can fail to be a model."""
    if not folder.exists():
        raise ModelNotFound(Message("There is no folder at `{folder}`. Check the path, or pick one of the offline models.", folder=str(folder)))
    if not folder.is_dir():
        raise NotAModel(Message("`{folder}` is a file, not a model folder. Point at the folder that holds config.json.", folder=str(folder)))
    config_path = folder / "config.json"
    if not config_path.is_file():
        raise NotAModel(Message("`{folder}` is not a model folder: it has no config.json. A Hugging Face model folder holds config.json, the weights (model.safetensors) and the tokenizer files.", folder=str(folder)))
    try:
        return json.loads(config_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise NotAModel(Message("`{path}` is not valid JSON ({detail}).", path=str(config_path), detail=str(exc))) from exc


def check_remote_code(config: dict, where: str, trust_remote_code: bool) -> None:
    """Refuse a model whose architecture exists only as code shipped with it, unless the user opts in."""
    from transformers import CONFIG_MAPPING

    model_type = config.get("model_type")
    if model_type in CONFIG_MAPPING:
        return
    if "auto_map" in config and not trust_remote_code:
        raise RemoteCodeRefused(Message("`{where}` needs code shipped with the model (its config has an auto_map for model type {model_type}). Running it means running that code on this machine. If you trust its source, turn on \"Allow remote code\" and load it again.", where=where, model_type=repr(model_type)))
    if "auto_map" not in config:
        raise UnsupportedModel(Message("`{where}` has model type {model_type}, which this transformers version does not know, and it ships no code of its own. Upgrade transformers, or use a model of a known type.", where=where, model_type=repr(model_type)))


def pickle_refusal(spec: str, torch_message: str) -> str:
    """A plain message for a pickle weights file torch will not read (torch's own text has terminal codes)."""
    fix = Message("Use a copy of the model saved as safetensors (model.safetensors): on a machine where you trust the file, load it and save it again with `model.save_pretrained(folder, safe_serialization=True)`.")
    found = re.search(r"Unsupported global: GLOBAL ([\w.]+)", torch_message)
    if not found:
        return Message("`{spec}`: its weights file (pytorch_model.bin) could not be read as a pickle of tensors: it may be damaged or incomplete. {fix}", spec=spec, fix=fix)
    return Message("`{spec}`: its weights file is a pickle (pytorch_model.bin) that holds more than tensors (it names `{name}`). Loading it could run code on this machine, so attnviz refuses it. {fix}", spec=spec, name=found.group(1), fix=fix)


def model_class(config):
    """The Auto class whose head fits the config: seq2seq, causal LM or the bare model."""
    from transformers import AutoModel, AutoModelForCausalLM, AutoModelForSeq2SeqLM

    if getattr(config, "is_encoder_decoder", False):
        return AutoModelForSeq2SeqLM
    if config_declares_causal(config):
        return AutoModelForCausalLM
    return AutoModel


def _fetch_instructions(spec: str) -> str:
    return hub.fetch_instructions(spec)


def hub_offline(spec: str) -> bool:
    """For a hub id: True when it must load from the local cache, or a clear message at once.

    Without this, an offline machine spends ~30 s in the hub client's retries before failing.
    """
    reason = hub.offline_reason()
    if reason is None:
        return False
    if not hub.cached_locally(spec):
        raise ModelNotFound(Message("`{spec}` is not on this machine and cannot be fetched: {reason}. {fetch}", spec=spec, reason=reason, fetch=_fetch_instructions(spec)))
    return True


def load_hf(spec: str, trust_remote_code: bool = False, local_only: bool | None = None,
            notes: list[str] | None = None):
    """(model, tokenizer) from a folder or a hub id, with eager attention so weights come back.

    A folder whose weights do not match its config is refused (attnviz.models.weights); notes on
    missing output heads are appended to `notes`."""
    folder = Path(spec).expanduser()
    is_local = is_local_spec(spec)
    if is_local:
        check_remote_code(read_local_config(folder), spec, trust_remote_code)
        source = str(folder)
        offline = True
    else:
        source = spec
        offline = local_only if local_only is not None else hub_offline(spec)

    from transformers import AutoConfig, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    try:
        config = AutoConfig.from_pretrained(source, trust_remote_code=trust_remote_code,
                                            local_files_only=offline)
    except ValueError as exc:
        if "trust_remote_code" in str(exc):
            raise RemoteCodeRefused(Message("`{spec}` needs code shipped with the model. If you trust its source, turn on \"Allow remote code\" and load it again.", spec=spec)) from exc
        raise UnsupportedModel(Message("`{spec}` could not be read as a model: {detail}", spec=spec, detail=str(exc))) from exc
    except OSError as exc:
        if is_local:
            raise NotAModel(Message("`{spec}` could not be read as a model: {detail}", spec=spec, detail=str(exc))) from exc
        raise ModelNotFound(Message("Could not fetch `{spec}` from the model hub: the id may be wrong, or the hub did not answer. {fetch}", spec=spec, fetch=_fetch_instructions(spec))) from exc
    cls = model_class(config)
    if is_local:  # weights that cannot be this model are refused before the model takes any memory
        check_before_loading(spec, folder, cls, config, trust_remote_code)
    try:
        # Loading info and mismatched shapes are reported, not logged: check_loading decides.
        model, loading_info = cls.from_pretrained(
            source, attn_implementation="eager", trust_remote_code=trust_remote_code,
            local_files_only=offline, output_loading_info=True, ignore_mismatched_sizes=True)
    except pickle.UnpicklingError as exc:
        raise NotAModel(pickle_refusal(spec, str(exc))) from exc
    except (OSError, ValueError, KeyError) as exc:
        raise UnsupportedModel(Message("`{spec}` has a config but its weights could not be loaded as a {model_type} model: {detail}", spec=spec, model_type=config.model_type,
                                     detail=str(exc))) from exc
    except Exception as exc:  # a corrupt weights file (safetensors' own error type, a truncated pickle)
        raise NotAModel(Message("`{spec}`: its weights file could not be read ({detail}). It may be truncated or not a weights file; save the model again.", spec=spec,
                              detail=f"{type(exc).__name__}: {exc}")) from exc
    (notes if notes is not None else []).extend(check_loading(spec, loading_info))
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, trust_remote_code=trust_remote_code,
                                                  local_files_only=offline)
    except (OSError, ValueError, TypeError) as exc:
        raise NotAModel(Message("`{spec}` has weights but no tokenizer attnviz can load ({detail}). Save the tokenizer into the same folder (tokenizer.save_pretrained(folder)).", spec=spec, detail=str(exc))) from exc
    return model.eval(), tokenizer


def positional_module(model: nn.Module) -> tuple[str, str] | None:
    """(module name, scheme) of the module that produces positions, or None where no module does
    (ALiBi, DeBERTa's relative embeddings shared by every layer, GPT-J's per-layer sin/cos buffer)."""
    found = positions(model, _text_config(model.config), 0)
    if not found.source or found.scheme in ("alibi", "disentangled", "none"):
        return None
    return found.source, found.scheme


def _text_config(config):
    return config.get_text_config() if hasattr(config, "get_text_config") else config


def hf_info(model: nn.Module, name: str, family: str = "hugging face") -> ModelInfo:
    """ModelInfo read from a Hugging Face model's modules, with its config where the modules say nothing."""
    config = _text_config(model.config)
    encdec = bool(getattr(config, "is_encoder_decoder", False))
    n_layers = getattr(config, "num_hidden_layers", None) or getattr(config, "encoder_layers", None)
    n_heads = getattr(config, "num_attention_heads", None)
    d_model = getattr(config, "hidden_size", None)
    if not (n_layers and n_heads and d_model):
        raise UnsupportedModel(Message("`{name}` ({model_type}): its config does not say how many layers, heads or hidden units it has, so its attention cannot be laid out.", name=name, model_type=config.model_type))
    n_kv, d_head = head_facts(model, config, int(n_heads), int(d_model))
    found = positions(model, config, d_head)
    causal = is_causal(model, config)
    arch = "encoder-decoder" if encdec else ("decoder" if causal else "encoder")
    max_pos = usable_positions(config, found)
    return ModelInfo(
        name=name, family=family, architecture=arch, model_type=config.model_type,
        n_layers=int(n_layers), n_heads=int(n_heads), n_kv_heads=n_kv, d_model=int(d_model),
        d_head=d_head, positional=found.scheme,
        n_params=sum(p.numel() for p in model.parameters()), max_positions=max_pos,
        causal=causal, decoder_layers=getattr(config, "decoder_layers", None) or getattr(config, "num_decoder_layers", None),
        rotary_fraction=found.rotary_fraction, rotary_pairing=found.rotary_pairing, positional_source=found.source,
    )
