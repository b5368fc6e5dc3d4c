"""Peak memory of reading an uploaded text file: attnviz.models.upload.read_upload against decoding it whole
(what the sidebar did), for files under the upload limit, and a file past it (refused unread).

The file's bytes are in memory before either starts (Streamlit holds an upload as a BytesIO), so the figures are
what reading adds on top of them. tracemalloc counts Python's allocations (str and bytes buffers).

    python benchmarks/upload_memory.py
"""
import io
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from attnviz.core.errors import BadText
from attnviz.models.upload import UPLOAD_LIMIT_MB, read_upload, upload_limit_bytes

LINE = "The doctor said that she would be late because the train was slow. 东京的雨下个不停。\n"


def measure(fn) -> tuple[float, float, object]:
    """(peak MB added, seconds, result) of fn()."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    t0 = time.perf_counter()
    try:
        out = fn()
    except BadText as exc:
        out = exc
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak / 2**20, seconds, out


def main() -> None:
    print(f"upload limit: {UPLOAD_LIMIT_MB} MB ({upload_limit_bytes():,} bytes)\n")
    print("| file MB | max tokens | read_upload: bytes read | peak MB added | s | decode whole: peak MB added | s |")
    print("|---|---|---|---|---|---|---|")
    for mb, tokens in ((0.05, 512), (1, 512), (4.9, 512), (4.9, None), (190, 512)):
        data = (LINE * (int(mb * 2**20) // len(LINE.encode()) + 1)).encode()[: int(mb * 2**20)]
        data = data.decode("utf-8", errors="ignore").encode()  # whole characters only
        upload = io.BytesIO(data)
        upload.size = len(data)
        peak, secs, got = measure(lambda upload=upload, tokens=tokens: read_upload(upload, max_tokens=tokens))
        read = f"{got.bytes_read:,}" if not isinstance(got, BadText) else "refused, 0"
        if mb <= UPLOAD_LIMIT_MB:
            whole_peak, whole_s, _ = measure(lambda upload=upload: upload.getvalue().decode("utf-8", errors="replace"))
            whole = f"{whole_peak:.1f} | {whole_s:.3f}"
        else:
            whole = "– | –"
        print(f"| {len(data) / 2**20:.2f} | {tokens or 'none (16,384)'} | {read} | {peak:.2f} | {secs:.3f} | {whole} |",
              flush=True)
        del data, upload


if __name__ == "__main__":
    main()
