"""Checkpoint -> ONNX with the model's own description in the metadata (torch side)."""
