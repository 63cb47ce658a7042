"""Run from the repository root: python docs/results/one-click/ninth-session/ort_parallel_probe.py: the default
model's graph at 1x4x96x96 (one walked slice) called in turn by one session on every core, at batch 2, on one
thread, and from two Python threads at once (two one-thread sessions, or one shared): would walking up and down
at the same time pay?"""
import time, threading, numpy as np, onnxruntime as ort
P='bonebench/runtime/models/default.onnx'
x=np.random.rand(1,4,96,96).astype(np.float32); x2=np.random.rand(2,4,96,96).astype(np.float32)
def sess(threads=None, spin=True):
    o=ort.SessionOptions(); o.log_severity_level=3
    if threads:
        o.intra_op_num_threads=threads; o.inter_op_num_threads=1
        o.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    return ort.InferenceSession(P, sess_options=o, providers=['CPUExecutionProvider'])
N=150
def seq(s, inp, n=N):
    for _ in range(10): s.run(None,{s.get_inputs()[0].name:inp})
    t=time.perf_counter()
    for _ in range(n): s.run(None,{s.get_inputs()[0].name:inp})
    return (time.perf_counter()-t)/n*1000
def par(sa, sb, n=N):
    def w(s):
        for _ in range(n): s.run(None,{s.get_inputs()[0].name:x})
    w(sa); 
    ts=[threading.Thread(target=w,args=(s,)) for s in (sa,sb)]
    t=time.perf_counter(); [a.start() for a in ts]; [a.join() for a in ts]
    return (time.perf_counter()-t)/(2*n)*1000
for rep in range(2):
    d=sess(); print('default 1x', round(seq(d,x),2), 'ms/slice')
    print('default batch2', round(seq(d,x2)/2,2), 'ms/slice')
    s2=sess(2,False); print('2 threads nospin 1x', round(seq(s2,x),2))
    s1=sess(1); print('1 thread 1x', round(seq(s1,x),2))
    a,b=sess(1),sess(1); print('two 1-thread sessions concurrently', round(par(a,b),2), 'ms/slice')
    print('one 1-thread session used by two threads', round(par(s1,s1),2))
