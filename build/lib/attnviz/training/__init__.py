"""Toy tasks, the trainer, the background job and checkpoints."""
