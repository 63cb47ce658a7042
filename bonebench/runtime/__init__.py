"""The workstation runtime: onnxruntime sessions, automatic and interactive segmentation,
propagation through slices. Never imports torch."""
