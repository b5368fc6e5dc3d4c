"""zh-char's heads and model card: survey builtin-zh for the best head of each kind, then write MODEL_CARD.md
from the figures the build left in metrics.json.

    python -m attnviz.training.zh.card [--folder attnviz/models/zh_char] [--texts 200]
"""
from __future__ import annotations

import argparse
import json
import math
import tempfile
from pathlib import Path

from attnviz.models.loading import load_model
from attnviz.survey.corpus import open_corpus
from attnviz.survey.query import Survey
from attnviz.survey.run import run_survey
from attnviz.training.zh.build import HELDOUT_FILE, METRICS_FILE

CARD_FILE = "MODEL_CARD.md"
# the phases the shipped weights were trained in, as commands (each phase goes on from the one before)
PHASES = (
    "python -m attnviz.training.zh.build --work /tmp/zh-corpus --out /tmp/zh1 --steps 2500",
    ("python -m attnviz.training.zh.build --work /tmp/zh-corpus --out /tmp/zh2 --resume /tmp/zh1 --grow-vocabulary "
     "--steps 700 --repeat-share 0.5 --lr 1e-3 --min-lr 1e-4 --warmup 50 --eval-every 100 --keep-last --seed 1"),
)
BEHAVIOURS = ("previous token", "induction", "punctuation", "word", "first token")


def best_heads(folder: Path, texts: int = 200) -> dict[str, dict]:
    """behaviour -> the best head (layer, head, score) and the median head's score over builtin-zh:texts."""
    model = load_model(str(folder), device="cpu", name="zh-char")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "survey"
        run_survey(model, open_corpus(f"builtin-zh:{texts}"), out, batch_size=32, dims=2, progress=False)
        survey = Survey(out)
        heads = {}
        for name in BEHAVIOURS:
            table = survey.find_heads(name)
            top = table.iloc[0]
            heads[name] = {"layer": int(top["layer"]), "head": int(top["head"]), "score": round(float(top["score"]), 4),
                           "median": round(float(table["score"].median()), 4), "texts": int(top["texts"])}
        return heads


# what the heads were seen to do on single sentences (looked at by hand; rewrite after a rebuild)
HEADS_SEEN = """\
- Layer 1, head 1 — previous character: about 0.55 of its weight on the character just before, on every
  template (0.59 on 猫坐在垫子上，因为它累了。).
- Layer 1, head 5 — the last punctuation mark: in 今天天气很好，我们去公园散步，然后回家吃饭。 every character
  after the first ，gives it 0.7–0.99 of its weight, until the next ，takes over; before any mark it looks at
  the first character. Layer 1, head 4 does the same more softly.
- Layer 1, head 2 — the start of the word or phrase: in 他在博物馆工作 the characters 物 and 馆 put 0.86 and
  0.87 on 博; over builtin-zh's words it gives 0.25 to a word's characters that are not next to the query
  (the median head 0.13).
- No induction head formed: over a phrase said twice the best head gives 0.16 to the character after the
  earlier copy (the median head 0.10), and the second copy is predicted only about 0.5 nats per character
  better than the first. A third phase with a repeated phrase in every window (300 steps) did not change
  that; induction needs a larger model or far more training than a shared 2-core CPU gave it. Layer 2,
  head 0 looks at the first character more than any other (0.18), weakly: this model has no strong sink.
"""


def _bits(nats: float) -> float:
    return nats / math.log(2)


def _phase(number: int, p: dict) -> str:
    c = p["lm_config"]
    kept = "the best evaluated weights kept" if c.get("keep_best", True) else "the last weights kept"
    grown = f", vocabulary grown to {p['vocab_size']:,} tokens first" if p.get("vocab_size") else ""
    return (f"{number}. {p['steps_trained']:,} steps{grown}: learning rate {c['lr']} ({c['warmup']} warm-up steps, then a "
            f"cosine down to {c['min_lr']}), {c['repeat_share']:.0%} of the windows with a repeated phrase, "
            f"{kept}; {p['seconds'] / 60:.0f} min; held-out {_bits(p['heldout_nats_per_char']):.3f} bits/char.")


def card(m: dict) -> str:
    """The model card's markdown from the build's metrics (with their `heads`)."""
    sources = "\n".join(
        f"| `{s['package']}` {s['version']} | {s['licence']} | {s['chars'][0]:,} | {s['chars'][1]:,} |"
        for s in m["sources"])
    heads = "\n".join(f"| {name} | {h['layer']} | {h['head']} | {h['score']:.3f} | {h['median']:.3f} |"
                      for name, h in m.get("heads", {}).items())
    c = m["lm_config"]
    phases = "\n".join(_phase(i, p) for i, p in enumerate(m.get("phases") or [m], 1))
    rebuild = "\n".join(f"    {command}" for command in PHASES)
    ship, ship_uni = _bits(m["shipped_heldout_nats_per_char"]), _bits(m["shipped_heldout_unigram_nats_per_char"])
    return f"""# zh-char

A small character-level Transformer decoder that reads Simplified Chinese, trained from scratch with
attnviz's own trainer so that a Chinese classroom can watch real heads at work offline. It predicts the
next character; it does not write good Chinese and was never meant to.

## Model

- Causal decoder (`attnviz.models.scratch.ScratchTransformer`), {c['n_layers']} layers × {c['n_heads']} heads,
  d_model {c['d_model']}, d_head {c['d_model'] // c['n_heads']}, feed-forward {c['d_ff']}, pre-norm, rotary positions;
  {m['n_params']:,} parameters; weights {m['weights_bytes'] / 2**20:.2f} MiB as float16 safetensors (read back as float32).
- One token per character: {m['vocab_size']:,} tokens (`<pad> <bos> <eos> <unk>`, ASCII, common Chinese punctuation, every
  character of the project's seed articles, and every other character seen at least 3 times in the training text).
- {c['max_len']} positions; trained on windows of {c['context']} characters that start at a paragraph's start.

## Data and licences

Chinese prose that ships in Debian's packages (`attnviz/training/zh/sources.py`), fetched with `apt-get download`,
paragraphs kept when at least 30% of their visible characters are ideographs. One document in 20 (a page, a
manual page, a fortune) is held out; held-out paragraphs that also occur in training are dropped.

| package | licence | training chars | held-out chars |
|---|---|---:|---:|
{sources}

`{HELDOUT_FILE}` beside the weights is a sample of {m.get('shipped_chars', 0):,} held-out characters from these packages (under
their licences above), shipped so that the tests can score the model. Whether weights trained on GPL or GFDL
text are a derived work of it is not settled; the sources and their licences are recorded here so that anyone
can judge, and rebuild from them.

## Training

{phases}

Every phase draws windows of {c['context']} characters from the training paragraphs; in a share of them a phrase
of the window comes back later (so that copying a repeated phrase pays often enough to be learned). AdamW,
weight decay {c['weight_decay']}, gradients clipped at 1, batch {c['batch_size']} windows. {m['seconds'] / 60:.0f} minutes of training in all
({m['build_seconds'] / 60:.0f} minutes for the whole build) with {m['threads']} torch thread(s) on a 2-core CPU that other
sessions were using at the same time, on {m['trained_on']}: on a quiet machine a step of the first phase took 0.6 s.

## Held-out text

| text | zh-char, bits/char | unigram baseline, bits/char | margin |
|---|---:|---:|---:|
| all held-out ({m['heldout_chars']:,} chars) | {m['heldout_bits_per_char']:.3f} | {m['unigram_bits_per_char']:.3f} | {m['unigram_bits_per_char'] - m['heldout_bits_per_char']:.3f} |
| `{HELDOUT_FILE}` (the tests') | {ship:.3f} | {ship_uni:.3f} | {ship_uni - ship:.3f} |

Nats per character on all held-out text: {m['heldout_nats_per_char']:.3f} (unigram {m['unigram_nats_per_char']:.3f}). The unigram
baseline is the training text's character frequencies (add-one). Each text is read in windows of
{c['context']} characters; every character but a text's first is predicted once; characters outside the vocabulary
({m['heldout_unknown_share']:.2%} of the held-out text) are not scored.

## Heads

The survey's find-heads on `builtin-zh:200` (templated sentences: a phrase said twice, clauses between ，and 。,
sentences of known words, lists with 、), best head of each kind and the median head's score:

| behaviour | layer | head | score | median head |
|---|---:|---:|---:|---:|
{heads}

{HEADS_SEEN}
## Rebuild

{rebuild}

then copy the last folder to `attnviz/models/zh_char/` (each build also surveys the heads and writes this card:
`python -m attnviz.training.zh.card --folder FOLDER` does that alone). Needs Debian's package archive (`apt-get download`); nothing else is fetched.
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default=str(Path(__file__).parents[2] / "models" / "zh_char"))
    parser.add_argument("--texts", type=int, default=200)
    args = parser.parse_args(argv)
    folder = Path(args.folder)
    metrics = json.loads((folder / METRICS_FILE).read_text(encoding="utf-8"))
    metrics["heads"] = best_heads(folder, args.texts)
    codec = json.loads((folder / "attnviz_config.json").read_text(encoding="utf-8"))["codec"]
    metrics["vocab_size"] = len(codec["specials"]) + len(dict.fromkeys(codec["alphabet"]))
    metrics["shipped_chars"] = len((folder / HELDOUT_FILE).read_text(encoding="utf-8").replace("\n", ""))
    (folder / METRICS_FILE).write_text(json.dumps(metrics, indent=1, ensure_ascii=False), encoding="utf-8")
    (folder / CARD_FILE).write_text(card(metrics), encoding="utf-8")
    print(json.dumps(metrics["heads"], indent=1))


if __name__ == "__main__":
    main()
