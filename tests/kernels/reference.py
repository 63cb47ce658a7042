"""The scipy.ndimage pipelines the kernels are compared with (tests and benchmarks)."""

import numpy as np
from scipy import ndimage


def first_argmax(values):
    """First index (raster order) within float noise (1e-9 relative) of the maximum."""
    flat = values.ravel()
    return np.unravel_index(int(np.argmax(flat >= flat.max() * (1 - 1e-9))), values.shape)


def padded_edt(mask, spacing=(1.0, 1.0)):
    return ndimage.distance_transform_edt(np.pad(mask, 1), sampling=spacing)[1:-1, 1:-1]


def next_click_largest(pred, truth, clicked, connectivity=4, spacing=(1.0, 1.0)):
    """Largest FN/FP component (ties: first in raster order), its innermost pixel; or None."""
    structure = ndimage.generate_binary_structure(2, 1 if connectivity == 4 else 2)
    fn = truth & ~pred & ~clicked
    fp = pred & ~truth & ~clicked
    regions = []
    for positive, errors in ((True, fn), (False, fp)):
        labels, n = ndimage.label(errors, structure=structure)
        if n == 0:
            continue
        sizes = ndimage.sum_labels(errors, labels, index=np.arange(1, n + 1))
        firsts = ndimage.minimum(np.arange(labels.size).reshape(labels.shape), labels, np.arange(1, n + 1))
        for lab, size, first in zip(range(1, n + 1), sizes, firsts):
            regions.append((-size, first, positive, labels == lab))
    if not regions:
        return None
    _, _, positive, region = min(regions, key=lambda r: (r[0], r[1]))
    dist = padded_edt(region, spacing)
    y, x = first_argmax(dist)
    return int(y), int(x), positive


def next_click_ritm(pred, truth, clicked, spacing=(1.0, 1.0)):
    fn = truth & ~pred
    fp = pred & ~truth
    dfn = padded_edt(fn, spacing) * ~clicked
    dfp = padded_edt(fp, spacing) * ~clicked
    if dfn.max() == 0 and dfp.max() == 0:
        return None
    positive = dfn.max() > dfp.max() * (1 + 1e-9)
    dist = dfn if positive else dfp
    y, x = first_argmax(dist)
    return int(y), int(x), bool(positive)
