"""The study's test-set evaluation of a sweep, through the exported ONNX models and the runtime, and
its reports (results.csv, table.md, curves.png, examples.png)."""
