"""zh-char, the packaged Chinese character model: it loads offline, reads the seeds' Chinese sentences
without an unknown token, predicts held-out text far better than character frequencies alone, and the
survey finds its previous-character head on the built-in Chinese corpus."""
from __future__ import annotations

import json
import math
import re
import time
from pathlib import Path

import pytest

from attnviz import capture
from attnviz.models.loading import PACKAGED, load_model
from attnviz.models.unknown import UnknownNote, report
from attnviz.survey.corpus import open_corpus
from attnviz.survey.query import Survey
from attnviz.survey.run import run_survey
from attnviz.training.corpus_lm import bits, heldout_loss
from attnviz.training.zh.build import HELDOUT_FILE, METRICS_FILE
from attnviz.training.zh.vocab import SEED_CHARS

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"  # the project's seed articles, beside the checkout
CLASSROOM = "猫坐在垫子上，因为它累了。注意力机制是Transformer的核心。"  # 垫 is not in the training text: GB 2312 is read
HELDOUT_BITS_BOUND = 6.0  # bits per character on the shipped held-out sample (the trained model: see its card)
MARGIN_BITS = 2.0  # at least this far below the unigram baseline's bits per character on that sample


@pytest.fixture(scope="module")
def zh():
    return load_model("zh-char", device="cpu")


def _seed_sentences() -> list[str]:
    """The seeds' sentences that hold Chinese (split after 。！？ and at line ends); without the seeds beside
    the checkout, the characters they were found to use (shipped with the corpus code)."""
    if not SEEDS.is_dir():
        return [SEED_CHARS.read_text(encoding="utf-8").strip()]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    sentences = [s.strip() for s in re.split(r"(?<=[。！？])|\n", text)]
    return [s for s in sentences if re.search(r"[\u4e00-\u9fff]", s)]


def test_loads_offline_as_a_small_causal_character_model(zh):
    start = time.perf_counter()
    again = load_model("zh-char", device="cpu")
    assert time.perf_counter() - start < 5  # a fraction of a second on a quiet machine
    info = again.info
    assert (info.architecture, info.positional, info.causal, info.n_layers, info.n_heads) == ("decoder", "rotary", True, 3, 6)
    assert info.name == "zh-char" and 1_000_000 < info.n_params < 2_000_000
    cap = capture(zh, "注意力机制是Transformer的核心。")
    assert cap.tokens[:5] == list("注意力机制") and len(cap.tokens) == len("注意力机制是Transformer的核心。")
    assert cap.shape("self") == (3, 6, 21, 21) and cap.mode == "eager"
    assert not [n for n in cap.notes if isinstance(n, UnknownNote)]


def test_reads_every_chinese_sentence_of_the_seeds_and_of_the_classroom(zh):
    sentences = _seed_sentences() + [CLASSROOM]
    assert len(sentences) > 1
    unread = {s: report(zh.codec, s).missing for s in sentences if report(zh.codec, s).missing}
    assert not unread


def test_heldout_loss_is_below_its_bound_and_far_below_the_unigram_baseline(zh):
    folder = PACKAGED["zh-char"]
    texts = (folder / HELDOUT_FILE).read_text(encoding="utf-8").splitlines()
    metrics = json.loads((folder / METRICS_FILE).read_text(encoding="utf-8"))
    nats = heldout_loss(zh.module, zh.codec, texts, context=128)
    assert math.isclose(nats, metrics["shipped_heldout_nats_per_char"], rel_tol=1e-4)
    assert bits(nats) < HELDOUT_BITS_BOUND
    assert bits(nats) < bits(metrics["shipped_heldout_unigram_nats_per_char"]) - MARGIN_BITS


def test_the_survey_finds_a_previous_character_head(zh, tmp_path):
    run_survey(zh, open_corpus("builtin-zh:8"), tmp_path / "s", batch_size=8, dims=2, progress=False)
    top = Survey(tmp_path / "s").find_heads("previous token").iloc[0]
    assert top["score"] > 0.5  # most of its weight on the character just before, over every text
