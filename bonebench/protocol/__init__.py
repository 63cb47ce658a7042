"""The torch-free contract between training and the runtime: what a model says about itself
(ModelInfo), the group kinds, the network's input layout, padding and threshold (network.py), the
simulated and real clicks (clicks.py) and the run-folder layout (run_folders.py).

Imports only numpy, bonebench.kernels, bonebench.data and bonebench.errors; never torch, train or study.
"""
