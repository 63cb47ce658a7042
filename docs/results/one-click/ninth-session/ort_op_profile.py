"""Run from the repository root: python docs/results/one-click/ninth-session/ort_op_profile.py MODEL.onnx:
onnxruntime's own profile of 200 calls at 1x4x96x96, kernel time by operator type."""
import json, collections, numpy as np, onnxruntime as ort, sys
P=sys.argv[1]
import tempfile, os
o=ort.SessionOptions(); o.log_severity_level=3; o.enable_profiling=True
o.profile_file_prefix=os.path.join(tempfile.gettempdir(), 'ort_op_profile')  # not into the checkout
s=ort.InferenceSession(P,o,providers=['CPUExecutionProvider'])
x=np.random.rand(1,4,96,96).astype(np.float32); n=s.get_inputs()[0].name
for _ in range(200): s.run(None,{n:x})
f=s.end_profiling()
ev=json.load(open(f))
agg=collections.Counter(); cnt=collections.Counter()
for e in ev:
    if e.get('cat')=='Node' and e['name'].endswith('_kernel_time'):
        agg[e['args']['op_name']]+=e['dur']; cnt[e['args']['op_name']]+=1
tot=sum(agg.values())
for k,v in agg.most_common(): print(k, round(v/200/1000,3),'ms/run', round(100*v/tot,1),'%')
print('total', round(tot/200/1000,2))
