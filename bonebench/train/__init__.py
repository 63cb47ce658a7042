"""PyTorch side: the U-Net, the model groups, the training loop (and later the sweep)."""
