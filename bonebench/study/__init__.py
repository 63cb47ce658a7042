"""The study's benchmark on top of everything else: the sweep (sweep.py: local or Ray), the test-set
evaluation through the exported ONNX models (evaluation.py, metrics.py) and the reports (reports.py).
May import train, export and runtime; nothing below it imports study."""

STUDY_SIZES = (1, 2, 3, 4, 5, 10, 15, 20, 25, 30, 40, 50, 60, 70)  # the study's training-set sizes
