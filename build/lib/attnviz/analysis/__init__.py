"""Reductions computed where a capture lives (its device): pooling, statistics, rollout, flow, explain a cell."""
