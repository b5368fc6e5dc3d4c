"""The bottom layer: attention as a pure function and its masks, positional encodings, hook points,
the data contracts (AttentionCapture, ModelInfo), errors written for people, and device choice."""
