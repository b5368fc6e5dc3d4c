"""Rebuild zh-char from scratch: fetch the Debian packages, build the corpus and alphabet, train, and write
the weights, the held-out sample and the figures into the model's folder.

    python -m attnviz.training.zh.build --work /tmp/zh-corpus --out attnviz/models/zh_char

then surveys its heads and writes MODEL_CARD.md (attnviz.training.zh.card). Needs `apt-get download` (Debian's package archive) and about half an hour of a 2-core CPU.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import asdict
from pathlib import Path

import torch

from attnviz.models.scratch import WEIGHTS_FILE, ScratchTransformer
from attnviz.models.tokens import CharCodec
from attnviz.training.corpus_lm import (
    CorpusLMTrainer,
    LMConfig,
    bits,
    grow_vocabulary,
    heldout_loss,
    unigram_loss,
)
from attnviz.training.zh.corpus import split
from attnviz.training.zh.sources import SOURCES, fetch
from attnviz.training.zh.vocab import alphabet, extended

HELDOUT_FILE = "heldout.txt"  # a sample of held-out paragraphs, shipped so that tests can score the model
METRICS_FILE = "metrics.json"


def sample(paragraphs: list[str], chars: int, seed: int = 0) -> list[str]:
    """Paragraphs drawn without replacement (seeded) until about `chars` characters."""
    pool = list(paragraphs)
    random.Random(seed).shuffle(pool)
    out, n = [], 0
    for p in pool:
        if n >= chars:
            break
        out.append(p)
        n += len(p)
    return out


def save_half(model: ScratchTransformer, folder: Path, extra: dict) -> None:
    """The model's folder with its weights in float16 (half the bytes; loading casts them back to float32)."""
    from safetensors.torch import save_file

    model.save(folder, extra=extra)
    state = {k: v.detach().cpu().half().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(folder / WEIGHTS_FILE))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default="/tmp/zh-corpus", help="where the packages are fetched and unpacked")
    parser.add_argument("--out", default=str(Path(__file__).parents[2] / "models" / "zh_char"))
    parser.add_argument("--steps", type=int, default=LMConfig.steps)
    parser.add_argument("--minutes", type=float, default=None,
                        help="instead of --steps: as many steps as fit in this many minutes (timed on 10 steps)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--resume", default=None,
                        help="a zh_char folder whose weights and alphabet training goes on from (a second phase)")
    parser.add_argument("--repeat-share", type=float, default=LMConfig.repeat_share)
    parser.add_argument("--repeat-max", type=int, default=LMConfig.repeat_max)
    parser.add_argument("--lr", type=float, default=LMConfig.lr)
    parser.add_argument("--min-lr", type=float, default=LMConfig.min_lr)
    parser.add_argument("--warmup", type=int, default=LMConfig.warmup)
    parser.add_argument("--eval-every", type=int, default=LMConfig.eval_every)
    parser.add_argument("--seed", type=int, default=LMConfig.seed)
    parser.add_argument("--grow-vocabulary", action="store_true",
                        help="with --resume: add every GB 2312 character and every character of the training text")
    parser.add_argument("--keep-last", action="store_true", help="end with the last weights, not the best evaluated")
    parser.add_argument("--eval-chars", type=int, default=12_000, help="held-out characters scored while training")
    parser.add_argument("--ship-chars", type=int, default=3_000, help="held-out characters shipped for the tests")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    def log(line):
        return print(line, flush=True)
    began = time.perf_counter()

    data = split(fetch(Path(args.work)))
    earlier, previous = None, {}
    if args.resume:
        earlier, meta = ScratchTransformer.load(args.resume)
        codec = CharCodec(**meta["codec"])
        previous = json.loads((Path(args.resume) / METRICS_FILE).read_text(encoding="utf-8"))
        if args.grow_vocabulary:
            unk = codec.id("<unk>")
            codec = CharCodec(alphabet=extended(codec.alphabet, data.train))
            earlier = grow_vocabulary(earlier, codec.vocab_size, like=unk, seed=args.seed)
    else:
        codec = CharCodec(alphabet=alphabet(data.train))
    log(f"corpus: {sum(map(len, data.train))} training and {sum(map(len, data.heldout))} held-out characters, "
        f"{len(data.train)} + {len(data.heldout)} paragraphs; alphabet {codec.vocab_size} tokens")
    config = LMConfig(steps=args.steps, repeat_share=args.repeat_share, repeat_max=args.repeat_max, lr=args.lr,
                      min_lr=args.min_lr, warmup=args.warmup, eval_every=args.eval_every, keep_best=not args.keep_last, seed=args.seed,
                      **({k: v for k, v in previous["lm_config"].items()
                          if k in ("d_model", "n_heads", "n_layers", "d_ff", "positional", "context", "max_len")}
                         if previous else {}))
    trainer = CorpusLMTrainer(config, codec, data.train, sample(data.heldout, args.eval_chars), model=earlier)
    log(f"model: {sum(p.numel() for p in trainer.model.parameters())} parameters")
    if args.minutes:
        start = time.perf_counter()
        for _ in range(10):
            trainer.step()
        per_step = (time.perf_counter() - start) / 10
        trainer.history.seconds += per_step * 10
        trainer.config.steps = config.steps = max(20, int(args.minutes * 60 / per_step))
        log(f"{per_step:.2f} s a step: {config.steps} steps")
    trainer.run(log)

    model = trainer.model.eval()
    out = Path(args.out)
    shipped = sample(data.heldout, args.ship_chars, seed=1)
    full = heldout_loss(model, codec, data.heldout, config.context)
    unigram = unigram_loss(data.train, data.heldout, codec)
    unk = codec.id("<unk>")
    metrics = {
        "heldout_chars": sum(map(len, data.heldout)), "train_chars": sum(map(len, data.train)),
        "heldout_unknown_share": sum(i == unk for p in data.heldout for i in codec.encode(p)) /
                                 max(1, sum(map(len, data.heldout))),
        "heldout_nats_per_char": full, "heldout_bits_per_char": bits(full),
        "unigram_nats_per_char": unigram, "unigram_bits_per_char": bits(unigram),
        "sources": [{**asdict(s), "chars": data.chars[s.package]} for s in SOURCES],
        "trained_on": time.strftime("%Y-%m-%d"), "threads": args.threads, "eval_chars": args.eval_chars,
        **trainer.summary(),
    }
    if previous:  # a later phase: the figures add up over the phases, each phase's own are kept
        phases = previous.get("phases") or [{k: previous[k] for k in ("lm_config", "steps_trained", "seconds",
                                                                     "history", "heldout_nats_per_char")}]
        metrics["phases"] = phases + [{**trainer.summary(), "heldout_nats_per_char": full,
                                       **({"vocab_size": codec.vocab_size} if args.grow_vocabulary else {})}]
        metrics["steps_trained"] = sum(p["steps_trained"] for p in metrics["phases"])
        metrics["seconds"] = round(sum(p["seconds"] for p in metrics["phases"]), 1)
    save_half(model, out, extra={"codec": codec.to_json(), "task": "zh-char language model",
                                 "steps_trained": metrics["steps_trained"], "seconds": metrics["seconds"]})
    reloaded, _ = ScratchTransformer.load(out)  # what ships: float16 weights, read back as float32
    (out / HELDOUT_FILE).write_text("\n".join(shipped) + "\n", encoding="utf-8")
    metrics["shipped_heldout_nats_per_char"] = heldout_loss(reloaded.eval(), codec, shipped, config.context)
    metrics["shipped_heldout_unigram_nats_per_char"] = unigram_loss(data.train, shipped, codec)
    metrics["n_params"] = sum(p.numel() for p in reloaded.parameters())
    metrics["weights_bytes"] = (out / WEIGHTS_FILE).stat().st_size
    metrics["build_seconds"] = round(time.perf_counter() - began + previous.get("build_seconds", 0), 1)
    (out / METRICS_FILE).write_text(json.dumps(metrics, indent=1, ensure_ascii=False), encoding="utf-8")
    log(json.dumps({k: v for k, v in metrics.items() if k not in ("sources", "history")}, indent=1))
    from attnviz.training.zh.card import (
        main as write_card,  # the heads need the model saved first
    )

    write_card(["--folder", str(out)])


if __name__ == "__main__":
    main()
