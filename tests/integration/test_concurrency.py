"""Models are shared between browser sessions: two threads capturing at once each get their own result."""
import threading

import torch

from attnviz import capture, load_model
def _race(model, texts, rounds=3):
    results, errors = {}, []
    barrier = threading.Barrier(len(texts))

    def work(text):
        try:
            barrier.wait()
            results[text] = [capture(model, text) for _ in range(rounds)]
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_two_threads_on_one_hf_model(minilm):
    texts = ["The first sentence is short.", "A second, rather different and somewhat longer sentence follows here."]
    alone = {t: capture(minilm, t) for t in texts}
    raced = _race(minilm, texts)
    for text in texts:
        for cap in raced[text]:
            assert cap.tokens == alone[text].tokens
            assert torch.equal(cap.attention["self"], alone[text].attention["self"])
            assert cap.positional.values["encoding"].shape[0] == len(alone[text].tokens)


def test_two_threads_on_one_scratch_model():
    model = load_model("scratch-encoder", device="cpu")
    texts = ["abc", "a much longer text than the other one"]
    alone = {t: capture(model, t) for t in texts}
    raced = _race(model, texts, rounds=5)
    for text in texts:
        for cap in raced[text]:
            assert torch.equal(cap.attention["self"], alone[text].attention["self"])
            assert (cap.positional.values["encoding"] == alone[text].positional.values["encoding"]).all()
