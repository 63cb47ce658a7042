#!/usr/bin/env bash
# The `fast` study on one GPU machine in one call: train Seg, SegPretrained, SegInter and SegInterPrev
# on the study's smallest training-set sizes with packed workers (bb-train sweep --workers), score
# them on the test patients (bb-eval --paper --jobs), and leave the reports in one folder.
# Everything runs from the repository without installing it; missing packages come from local wheels.
#
# 1. Here (a machine with pip and ../shared/data), once:   tools/gpu-study.sh stage
#    copies the first $CASES OpenKBP patients into local/openkbp and the SimpleITK wheel into
#    local/whl (both ignored by git: /local/), and prints what will travel (a call carries <= 64 MiB;
#    the wheel is 50 MiB and the code 5 MiB, so the data is cut to its first 24 patients).
# 2. On the GPU machine (the device tool's run, carry ["local"], timeout_s 600):
#        bash tools/gpu-study.sh
#    Training stops after $TRAIN_SECONDS (a stopped sweep is resumable: run it again), evaluation
#    scores what finished. Reports: $STUDY_OUT/report/ (and copied to $OUT when the tool sets it).
# 3. The same end to end on a CPU, at the tiny budget:
#        PRESET=tiny SIZES=1,2 MODEL_GROUPS=seg,inter WORKERS=2 JOBS=2 DEVICE=cpu bash tools/gpu-study.sh
#
# Settings (environment): PRESET (fast), SIZES (1,2,5), MODEL_GROUPS (seg,pretrained,inter,inter-prev;
# not GROUPS: bash owns that name),
# DATA (local/openkbp), LABEL (mandible), STUDY_OUT (local/gpu-study), WORKERS (empty: bb-train's
# default, up to 4 per GPU), JOBS (8: bb-eval processes), DEVICE (auto), NOC_EVERY (4),
# TRAIN_SECONDS (400), EVAL_SECONDS (110), ITERATIONS (empty: the preset's), CASES (24, stage only),
# ORT_CHUNKS (/tmp/ortc: onnxruntime-gpu chunks from ../shared/tools/ort-gpu-chunks.sh, if present).
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${PRESET:-fast} SIZES=${SIZES:-1,2,5} MODEL_GROUPS=${MODEL_GROUPS:-seg,pretrained,inter,inter-prev}
DATA=${DATA:-local/openkbp} LABEL=${LABEL:-mandible} STUDY_OUT=${STUDY_OUT:-local/gpu-study}
JOBS=${JOBS:-8} DEVICE=${DEVICE:-auto} NOC_EVERY=${NOC_EVERY:-4}
TRAIN_SECONDS=${TRAIN_SECONDS:-400} EVAL_SECONDS=${EVAL_SECONDS:-110} ORT_CHUNKS=${ORT_CHUNKS:-/tmp/ortc}
PY=${PYTHON:-python3}

stage() {
    local src=${SRC:-../shared/data/openkbp-mandible} cases=${CASES:-24}
    rm -rf local/openkbp && mkdir -p local/openkbp/imagesTr local/openkbp/labelsTr local/whl
    for f in $(ls "$src/labelsTr" | sort | head -n "$cases"); do
        cp "$src/labelsTr/$f" local/openkbp/labelsTr/ && cp "$src/imagesTr/${f%.nii.gz}_0000.nii.gz" local/openkbp/imagesTr/
    done
    sed "s/\"numTraining\": [0-9]*/\"numTraining\": $cases/" "$src/dataset.json" > local/openkbp/dataset.json
    ls local/whl/[Ss]imple[Ii][Tt][Kk]-*.whl >/dev/null 2>&1 || $PY -m pip download -q --no-deps --only-binary=:all: \
        --python-version 3.12 --implementation cp --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -d local/whl SimpleITK==2.5.3
    du -shc local/openkbp local/whl
}

setup() {
    if ls local/whl/*.whl >/dev/null 2>&1 && ! $PY -c "import SimpleITK" 2>/dev/null; then
        $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site local/whl/*.whl
        export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
    fi
    if ls "$ORT_CHUNKS"/chunk.* >/dev/null 2>&1; then  # onnxruntime-gpu for bb-eval on CUDA
        mkdir -p /tmp/ortgpu && cat "$ORT_CHUNKS"/chunk.* | xz -d -T8 | tar -x -C /tmp/ortgpu
        export PYTHONPATH=/tmp/ortgpu${PYTHONPATH:+:$PYTHONPATH}
        export LD_LIBRARY_PATH=$($PY -c "import glob,os,site; print(':'.join(sorted({os.path.dirname(p) for d in site.getsitepackages() for p in glob.glob(d+'/nvidia/**/lib*.so*', recursive=True)})))")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    fi
    export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
    $PY -c "import SimpleITK, numba, typer, rich, torch, onnx, onnxruntime as o; print('onnxruntime', o.__version__, o.get_available_providers())"
}

study() {
    local t0=$SECONDS sweep=$STUDY_OUT/sweep report=$STUDY_OUT/report
    mkdir -p "$report"
    { nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo "no GPU"; nproc; } > "$report/machine.txt"
    # a sweep stopped by the time limit leaves finished models and resumable ones (last.pt)
    timeout --signal=TERM "$TRAIN_SECONDS" $PY -m bonebench.cli.train_cli sweep --data "$DATA" --label "$LABEL" \
        --groups "$MODEL_GROUPS" --patients "$SIZES" --preset "$PRESET" --device "$DEVICE" --out "$sweep" \
        ${WORKERS:+--workers "$WORKERS"} ${ITERATIONS:+--iterations "$ITERATIONS"} || echo "training stopped: $?"
    local t1=$SECONDS
    timeout --signal=TERM "$EVAL_SECONDS" $PY -m bonebench.cli.eval_cli "$sweep" --paper --noc-every "$NOC_EVERY" \
        --device "$DEVICE" --jobs "$JOBS" || echo "evaluation stopped: $?"
    for f in table.md results.csv curves.png examples.png sweep.json; do cp "$sweep/$f" "$report/" 2>/dev/null || true; done
    printf 'training %ss, evaluation %ss, total %ss\n' $((t1 - t0)) $((SECONDS - t1)) $((SECONDS - t0)) | tee "$report/timings.txt"
    for f in "$sweep"/models/*/result.json "$sweep"/Restoration/result.json; do [ -f "$f" ] && tr -d '\n ' < "$f" && echo; done \
        > "$report/results.jsonl" || true
    if [ -n "${OUT:-}" ] && [ -d "${OUT:-}" ]; then cp "$report"/* "$OUT"/; fi  # the device tool brings $OUT back
    ls "$report"
}

case "${1:-run}" in
    stage) stage ;;
    run) setup && study ;;
    *) echo "usage: tools/gpu-study.sh [stage|run]" >&2; exit 2 ;;
esac
