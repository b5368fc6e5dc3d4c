"""Text to the prompt a measure or a causal tool runs on, and a token a person names to its id."""
from __future__ import annotations

from attnviz.core.errors import BadText
from attnviz.models.forward import Prompt
from attnviz.models.loading import LoadedModel
from attnviz.i18n import Message, N_

EMPTY_TEXT = N_("There is no text to run: type a sentence.")
NO_SUCH_TOKEN = N_("{token!r} is not a token this model's tokenizer makes: type a word or a piece of one.")


def _encode(model: LoadedModel, text: str) -> tuple[list[int], list]:
    encode = getattr(model.codec, "encode_with_offsets", None)
    return encode(text) if encode is not None else (model.codec.encode(text), [])


def _decoder_ids(model: LoadedModel, text: str | None) -> tuple[int, ...]:
    """An encoder-decoder's decoder tokens: its start token, then the text (without a closing </s>)."""
    codec = model.codec
    if model.backend == "scratch":
        return (codec.id("<bos>"), *codec.encode(text or ""))
    start = model.module.config.decoder_start_token_id
    ids = list(codec.encode_target(text)) if text else []
    if ids and ids[-1] in codec.special_ids():
        ids = ids[:-1]
    return (int(start), *ids)


def make_prompt(model: LoadedModel, text: str, decoder_text: str | None = None) -> Prompt:
    """The ids of `text` as the model reads them (cut to the positions it takes). A decoder's closing special
    token is dropped so that the last position predicts the next token; an encoder-decoder's decoder reads
    its start token and then `decoder_text`."""
    if not isinstance(text, str) or not text.strip():
        raise BadText(Message(EMPTY_TEXT))
    ids, spans = _encode(model, text)
    if model.info.architecture == "decoder" and len(ids) > 1 and ids[-1] in model.codec.special_ids():
        ids, spans = ids[:-1], spans[:-1]
    limit = model.info.max_positions
    if limit and len(ids) > limit:
        ids, spans = ids[:limit], spans[:limit]
    if not ids:
        raise BadText(Message(EMPTY_TEXT))
    decoder = None
    if model.info.architecture == "encoder-decoder":
        decoder = _decoder_ids(model, decoder_text)
        decoder = decoder[:limit] if limit else decoder
    return Prompt(tuple(ids), decoder, text, tuple(spans))


def token_id(model: LoadedModel, token: str) -> int:
    """The id of the first piece the tokenizer makes of `token` (" she" and "she" may differ)."""
    special = model.codec.special_ids()
    ids = [i for i in model.codec.encode(token) if i not in special] if token else []
    if not ids:
        raise BadText(Message(NO_SUCH_TOKEN, token=token))
    return int(ids[0])
