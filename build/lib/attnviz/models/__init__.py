"""Models: the from-scratch Transformer, Hugging Face and glassllm loading, tokenisers, the recording
attention function and generation. Built on core; knows nothing of capture, figures or pages."""
