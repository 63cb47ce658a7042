"""Run from the repository root: python docs/results/one-click/eighth-session-latency/int8_quantize.py FP32.onnx
CALIB.npz OUT.onnx MinMax|Percentile [reduce_range=1] [w=u8] [ex=name,parts] -- onnxruntime static QDQ
quantisation (per-channel weights, uint8 activations), default.onnx's metadata copied in."""
import sys, numpy as np, onnx
from onnxruntime.quantization import quantize_static, CalibrationDataReader, QuantFormat, QuantType, CalibrationMethod
from onnxruntime.quantization.shape_inference import quant_pre_process
src, calib, out, method = sys.argv[1:5]
extra = dict(a.split("=") for a in sys.argv[5:])
d = np.load(calib); xs = [d[k] for k in d.files]
print("shapes", {x.shape for x in xs})
class R(CalibrationDataReader):
    def __init__(self): self.it = iter(xs)
    def get_next(self):
        x = next(self.it, None); return None if x is None else {"input": x}
pre = out + ".pre.onnx"
quant_pre_process(src, pre, skip_symbolic_shape=True)
names = [n.name for n in onnx.load(pre).graph.node]
quantize_static(pre, out, R(), quant_format=QuantFormat.QDQ, per_channel=True,
                activation_type=QuantType.QUInt8, weight_type=QuantType.QUInt8 if extra.get('w') == 'u8' else QuantType.QInt8,
                nodes_to_exclude=[n for n in names if any(k in n for k in extra.get('ex', '').split(',') if k)],
                calibrate_method=getattr(CalibrationMethod, method),
                reduce_range=extra.get("reduce_range", "0") == "1",
                extra_options={"ActivationSymmetric": False, "CalibMovingAverage": True} if method == "MinMax" else {})
m = onnx.load(out); ref = onnx.load("bonebench/runtime/models/default.onnx")
meta = {p.key: p.value for p in ref.metadata_props}
del m.metadata_props[:]
for k, v in meta.items():
    e = m.metadata_props.add(); e.key, e.value = k, v
onnx.save(m, out)
