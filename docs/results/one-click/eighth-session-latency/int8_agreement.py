"""Run from the repository root: python docs/results/one-click/eighth-session-latency/int8_agreement.py A.onnx B.onnx --
per output channel, mean |p_A - p_B| and the Dice of the thresholded masks over every 25th input of runs/q8/calib.npz."""
import sys, numpy as np, onnxruntime as ort
d = np.load("runs/q8/calib.npz"); xs = [d[k] for k in d.files][::25]
a = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
b = ort.InferenceSession(sys.argv[2], providers=["CPUExecutionProvider"])
for ch in range(2):
    dice = []; mad = []
    for x in xs:
        p = a.run(None, {"input": x})[0][0, ch]; q = b.run(None, {"input": x})[0][0, ch]
        mad.append(np.abs(p - q).mean())
        P, Q = p > 0.5, q > 0.5
        if P.sum() + Q.sum(): dice.append(2 * (P & Q).sum() / (P.sum() + Q.sum()))
    print(ch, "mean |dp|", np.mean(mad), "dice mean", np.mean(dice), "min", np.min(dice))
