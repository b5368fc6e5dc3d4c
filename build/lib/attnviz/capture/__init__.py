"""capture(model, text, mode) -> AttentionCapture (attnviz.capture.api), one backend per model family."""
