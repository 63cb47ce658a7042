"""Run from the repository root: python docs/results/one-click/small-check-experiment/int8_probe.py: the default's
graph widened to fp32 (/tmp/default_fp32.onnx), timed beside the fp16 file, then quantized statically to int8 (per
channel, calibrated on 8 random inputs: a speed probe only, not a model) and timed, at 1x4x96x96 on the CPU."""
import onnx, numpy as np, time, onnxruntime as ort
from onnx import numpy_helper, helper, TensorProto
m = onnx.load("bonebench/runtime/models/default.onnx")
g = m.graph
for t in g.initializer:
    if t.data_type == TensorProto.FLOAT16:
        t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float32), t.name))
for n in g.node:
    if n.op_type == "Cast":
        for a in n.attribute:
            if a.name == "to": a.i = TensorProto.FLOAT
    if n.op_type == "Constant":
        for a in n.attribute:
            if a.name == "value" and a.t.data_type == TensorProto.FLOAT16:
                a.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(a.t).astype(np.float32)))
for vi in list(g.value_info):
    if vi.type.tensor_type.elem_type == TensorProto.FLOAT16: vi.type.tensor_type.elem_type = TensorProto.FLOAT
onnx.save(m, "/tmp/default_fp32.onnx")
for path in ["bonebench/runtime/models/default.onnx", "/tmp/default_fp32.onnx"]:
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    for shape in [(1, 4, 96, 96), (1, 4, 128, 128)]:
        x = np.random.rand(*shape).astype(np.float32)
        for _ in range(5): s.run(None, {"input": x})
        ts = []
        for _ in range(50):
            t = time.perf_counter(); s.run(None, {"input": x}); ts.append(time.perf_counter() - t)
        print(path.split("/")[-1], shape, f"min {min(ts)*1e3:.2f} med {np.median(ts)*1e3:.2f} ms")
a = ort.InferenceSession("bonebench/runtime/models/default.onnx").run(None, {"input": x})[0]
b = ort.InferenceSession("/tmp/default_fp32.onnx").run(None, {"input": x})[0]
print("max diff", np.abs(a - b).max())
from onnxruntime.quantization import quantize_static, CalibrationDataReader, QuantFormat, QuantType
from onnxruntime.quantization.shape_inference import quant_pre_process
quant_pre_process("/tmp/default_fp32.onnx", "/tmp/default_fp32_pre.onnx", skip_symbolic_shape=True)
class R(CalibrationDataReader):
    def __init__(self):
        rng = np.random.default_rng(0)
        self.data = iter([{"input": rng.random((1, 4, 96, 96), dtype=np.float32)} for _ in range(8)])
    def get_next(self): return next(self.data, None)
for fmt in [QuantFormat.QDQ, QuantFormat.QOperator]:
    out = f"/tmp/default_int8_{fmt.name}.onnx"
    quantize_static("/tmp/default_fp32_pre.onnx", out, R(), quant_format=fmt, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    s = ort.InferenceSession(out, providers=["CPUExecutionProvider"])
    x = np.random.rand(1, 4, 96, 96).astype(np.float32)
    for _ in range(5): s.run(None, {"input": x})
    ts = []
    for _ in range(50):
        t = time.perf_counter(); s.run(None, {"input": x}); ts.append(time.perf_counter() - t)
    print(fmt.name, f"min {min(ts)*1e3:.2f} med {np.median(ts)*1e3:.2f} ms")
