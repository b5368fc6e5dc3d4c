"""Long documents on a GPU: a Llama-architecture model of about 1B parameters in float16 at 32,768 tokens.

    python benchmarks/long_context_gpu.py [--tokens 8192 32768] [--repeats 3]

Random weights from a config shaped like Llama 3.2 1B (16 layers, 32 query heads sharing 8 key/value heads,
d_model 2048, rotary, 128,256-token vocabulary, tied embeddings; 1.24B parameters), built on the GPU in
float16. Per length: the plain SDPA forward and the q/k capture (time: median of `repeats` after a warm-up
run; peak: torch's peak allocation above the model's weights, first run), then on the capture: one head's
overview (512 × 512, max), a 512 × 512 region at full resolution, the model view (every head, 32 × 32; the
one pass of layer_pass.summarise), the statistics from cold, and the sentence map of one head.
Targets at 32,768 tokens (issue 28): capture within 1.5× the plain forward in time and memory, overview
≤ 0.5 s, region ≤ 0.1 s. Without CUDA the script says it was skipped and exits 0.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEAD = 5  # and the middle layer
SENTENCE = 32


def _model(device: str = "cuda", small: bool = False):
    import torch
    import transformers as tf

    from attnviz.models.huggingface import hf_info
    from attnviz.models.loading import LoadedModel
    from attnviz.models.recording import install
    from attnviz.models.tokens import HFCodec
    from tests.builders import _bpe_tokenizer

    torch.manual_seed(0)
    shape = ({"vocab_size": 512, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
              "num_attention_heads": 8, "num_key_value_heads": 2} if small else
             {"vocab_size": 128256, "hidden_size": 2048, "intermediate_size": 8192, "num_hidden_layers": 16,
              "num_attention_heads": 32, "num_key_value_heads": 8})
    config = tf.LlamaConfig(**shape, max_position_embeddings=32768, rope_theta=500000.0, tie_word_embeddings=True)
    dtype = torch.float16 if device == "cuda" else torch.float32
    with torch.device(device):
        net = tf.LlamaForCausalLM(config).to(dtype).eval()
    install(net)
    tok = _bpe_tokenizer({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"})
    info = hf_info(net, "llama-1b-random")
    return LoadedModel("llama-1b-random", net, HFCodec(tok), info, torch.device(device), dtype, "hf")


def _sync() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def _timed(fn, repeats: int, before=None):
    times, out = [], None
    for _ in range(repeats):
        if before:
            before()
        _sync()
        t = time.perf_counter()
        out = fn()
        _sync()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def measure(model, n: int, repeats: int) -> dict:
    import numpy as np
    import torch

    from attnviz import capture
    from attnviz.analysis import documents, reduce, zoom

    ids = torch.randint(5, 250, (n,), generator=torch.Generator().manual_seed(n)).tolist()
    x = torch.tensor([ids], device=model.device)
    cuda = model.device.type == "cuda"

    def plain():
        model.module.set_attn_implementation("sdpa")
        try:
            with torch.no_grad():
                return model.module(input_ids=x).logits.shape
        finally:
            model.module.set_attn_implementation("attnviz")

    def qk():
        return capture(model, None, ids=ids, mode="qk", max_tokens=0)

    out = {"tokens": n}
    for name, fn in (("plain", plain), ("qk", qk)):
        if cuda:
            torch.cuda.empty_cache()
            base = torch.cuda.memory_allocated()
            torch.cuda.reset_peak_memory_stats()
        result = fn()  # the first run: warm-up, and the peak
        _sync()
        out[f"{name}_peak_gb"] = (torch.cuda.max_memory_allocated() - base) / 2**30 if cuda else float("nan")
        del result
        out[f"{name}_s"], result = _timed(fn, repeats)
        if name == "qk":
            cap = result
        del result
    src = cap.source("self")
    layer = src.shape[0] // 2
    out["holds_gb"] = cap.nbytes() / 2**30
    out["overview_s"], _ = _timed(lambda: zoom.overview(src, layer, HEAD, 512, "max"), repeats, src.memo.clear)
    mid = n // 2
    out["region_s"], _ = _timed(lambda: zoom.region(src, layer, HEAD, (mid, mid + 512), (mid - 256, mid + 256), None),
                                repeats)
    out["model_view_s"], _ = _timed(lambda: zoom.model_view(src, 32, "mean"), 1, src.memo.clear)
    out["stats_s"], _ = _timed(lambda: reduce.head_statistics(cap), 1, src.memo.clear)
    units = np.arange(n) // SENTENCE
    out["sentence_map_s"], _ = _timed(lambda: documents.unit_attention(src, layer, units, heads=[HEAD]), repeats)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", type=int, nargs="+", default=[8192, 32768])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cpu-check", action="store_true", help="run the same steps on a tiny model on the CPU (no timings "
                                                              "worth reading: it only checks the script)")
    args = ap.parse_args()
    import torch

    if not torch.cuda.is_available() and not args.cpu_check:
        print("skipped: no CUDA device on this machine (torch.cuda.is_available() is False); nothing was measured")
        return
    model = _model("cpu", small=True) if args.cpu_check else _model()
    n_params = sum(p.numel() for p in model.module.parameters())
    device = torch.cuda.get_device_name() if model.device.type == "cuda" else "CPU (a check of the script only)"
    print(f"device: {device}, torch {torch.__version__}, model: Llama-architecture, "
          f"{n_params / 1e9:.2f}B parameters, {str(model.dtype).replace('torch.', '')}, random weights")
    print("| tokens | plain s | q/k capture s | × plain | plain peak GB | q/k peak GB | × plain | capture holds GB | "
          "overview ms | region 512² ms | model view s | statistics s | sentence map (1 head) ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n in args.tokens:
        try:
            r = measure(model, n, args.repeats)
        except torch.OutOfMemoryError as exc:
            print(f"| {n:,} | out of memory: {str(exc).splitlines()[0][:120]} |")
            torch.cuda.empty_cache()
            continue
        ratio = r["qk_peak_gb"] / r["plain_peak_gb"] if r["plain_peak_gb"] > 0 else float("nan")
        print(f"| {n:,} | {r['plain_s']:.2f} | {r['qk_s']:.2f} | {r['qk_s'] / r['plain_s']:.2f} | "
              f"{r['plain_peak_gb']:.1f} | {r['qk_peak_gb']:.1f} | {ratio:.2f} | "
              f"{r['holds_gb']:.2f} | {r['overview_s'] * 1e3:.0f} | {r['region_s'] * 1e3:.1f} | "
              f"{r['model_view_s']:.2f} | {r['stats_s']:.2f} | {r['sentence_map_s'] * 1e3:.0f} |", flush=True)


if __name__ == "__main__":
    main()
