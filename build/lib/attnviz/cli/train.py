"""attnviz train --task T --out DIR: train a small Transformer on a toy task and save the checkpoint."""
from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub) -> None:
    from attnviz.training.tasks import TASKS

    tr = sub.add_parser("train", help="train a small Transformer on a toy task and save the checkpoint",
                        description="Train a from-scratch Transformer on a toy task with the training lab's "
                                    "defaults, print progress and the held-out accuracy, and save a checkpoint "
                                    "(model.safetensors + attnviz_config.json) that `capture` and the app open.")
    tr.add_argument("--task", default="reverse", choices=list(TASKS),
                    help="; ".join(f"{t.name}: {t.about}" for t in TASKS.values()))
    tr.add_argument("--out", required=True, metavar="DIR", help="checkpoint folder to write")
    tr.add_argument("--architecture", choices=["encoder", "decoder", "encoder-decoder"], default=None,
                    help="default: the task's own")
    tr.add_argument("--positional", default="sinusoidal", choices=["sinusoidal", "learned", "rotary", "none"])
    tr.add_argument("--layers", type=int, default=2)
    tr.add_argument("--heads", type=int, default=4)
    tr.add_argument("--d-model", type=int, default=64)
    tr.add_argument("--length", type=int, default=None, help="sequence length (default: the task's)")
    tr.add_argument("--steps", type=int, default=None, help="default: the task's (800; 4000 for addition)")
    tr.add_argument("--batch-size", type=int, default=64)
    tr.add_argument("--lr", type=float, default=3e-3)
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--device", default="auto")


def run(args: argparse.Namespace) -> int:
    from attnviz.core.errors import AttnvizError
    from attnviz.training.trainer import TrainConfig, Trainer

    config = TrainConfig(task=args.task, architecture=args.architecture, positional=args.positional,
                         n_layers=args.layers, n_heads=args.heads, d_model=args.d_model, length=args.length,
                         steps=args.steps, batch_size=args.batch_size, lr=args.lr, seed=args.seed, device=args.device)
    problems = config.problems()
    if problems:
        raise AttnvizError(" ".join(problems))
    trainer = Trainer(config)
    cfg = trainer.config
    print(f"training {cfg.task} ({cfg.architecture}, {cfg.positional} positions, {cfg.n_layers} layers × "
          f"{cfg.n_heads} heads, d_model {cfg.d_model}) for {cfg.steps} steps on {trainer.device}", file=sys.stderr)

    def progress(t: Trainer) -> None:
        if t.step_count % max(1, cfg.steps // 10) == 0 or t.step_count == cfg.steps:
            held = f", held-out accuracy {t.history.eval_accuracy[-1]:.4f}" if t.history.eval_accuracy else ""
            print(f"step {t.step_count:5d}/{cfg.steps}  loss {t.history.loss[-1]:.4f}  "
                  f"batch accuracy {t.history.accuracy[-1]:.4f}{held}", file=sys.stderr)

    accuracy = trainer.run(progress=progress)
    folder = trainer.save(args.out)
    print(json.dumps({"task": cfg.task, "steps": trainer.step_count, "seconds": round(trainer.history.seconds, 1),
                      "heldout_accuracy": round(accuracy, 4), "out": str(folder),
                      "example": {"input": trainer.task.probe[0], "output": trainer.predict(trainer.task.probe[0])}}))
    return 0
