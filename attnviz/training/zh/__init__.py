"""The Chinese character-level model `zh-char`: its corpus (Debian's Chinese documentation), vocabulary and training run."""
