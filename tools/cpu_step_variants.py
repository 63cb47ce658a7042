"""Run from the project root: python tools/cpu_step_variants.py THREADS BASE BATCH PATCH (e.g. 2 16 16 96).
fp32 eager, fp32 + channels_last, bf16 + channels_last, torch.compile (inductor) fp32 and bf16:
one Adam + BCE step of bonebench's UNet(1, base), median of 10 after warm-up; compile time separately."""
import sys, time, torch
sys.path.insert(0, ".")
from bonebench.train.unet import UNet
torch.set_num_threads(int(sys.argv[1]))
base, bs, size = (int(v) for v in sys.argv[2:5])
def run(cl, bf16, compile_):
    torch.manual_seed(0)
    m = UNet(1, base); x = torch.randn(bs, 1, size, size); y = (torch.rand(bs, 1, size, size) > 0.8).float()
    if cl:
        m = m.to(memory_format=torch.channels_last); x = x.contiguous(memory_format=torch.channels_last)
    f = torch.compile(m) if compile_ else m
    opt = torch.optim.Adam(m.parameters(), 1e-4); lossf = torch.nn.BCEWithLogitsLoss(); ts = []
    t0 = time.perf_counter()
    for i in range(13):
        t = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = lossf(f(x).float(), y)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); ts.append(time.perf_counter() - t)
        if i == 0: first = time.perf_counter() - t0
    ts = sorted(ts[3:]); return ts[len(ts)//2] * 1e3, first
for name, args in [("fp32 eager", (False, False, False)), ("fp32 channels_last", (True, False, False)),
                   ("bf16 autocast + channels_last", (True, True, False)), ("fp32 torch.compile", (False, False, True)),
                   ("bf16 + channels_last + torch.compile", (True, True, True))]:
    ms, first = run(*args)
    print(f"base {base} batch {bs} patch {size}, {sys.argv[1]} threads, {name}: {ms:.0f} ms/step (first step {first:.1f} s)", flush=True)
