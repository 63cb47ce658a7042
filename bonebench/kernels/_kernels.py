"""Private Numba kernels. Callers go through the public wrappers, which validate shapes and dtypes
and hand over C-contiguous arrays of the exact dtypes used here."""

from __future__ import annotations

import numpy as np
from numba import njit

INF = 1e30
TIE = 1.0 + 1e-9  # a later pixel must beat the best by more than float noise to take over


@njit(cache=True, nogil=True)
def _beats(value, best):
    return value > best * TIE if best > 0.0 else value > best


# ---------------------------------------------------------------- click maps

@njit(cache=True, nogil=True)
def _impulse_response(c, n, weights, out):
    """1D response on [c-r, c+r] to an impulse at c under scipy's 'reflect' border: the kernel
    centred on c plus the kernel centred on each mirror image of c (c + 2nj and -c-1 + 2nj)."""
    r = (weights.shape[0] - 1) // 2
    lo, hi = max(c - r, 0), min(c + r, n - 1)
    for i in range(lo, hi + 1):
        out[i] = 0.0
    period = 2 * n
    for j in range((-r - c) // period - 1, (n + r + c) // period + 2):
        for m in (c + period * j, -c - 1 + period * j):
            for i in range(max(m - r, lo), min(m + r, hi) + 1):
                out[i] += weights[m - i + r]


@njit(cache=True, nogil=True)
def _click_box(picked, count, r, h, w):
    """Rows [y0, y1) and columns [x0, x1) touched by the windows of the clicks."""
    y0, y1, x0, x1 = h, 0, w, 0
    for k in range(count):
        y0 = min(y0, max(picked[k, 0] - r, 0))
        y1 = max(y1, min(picked[k, 0] + r + 1, h))
        x0 = min(x0, max(picked[k, 1] - r, 0))
        x1 = max(x1, min(picked[k, 1] + r + 1, w))
    return y0, y1, x0, x1


FLAT_SPAN = 1e-9  # a click map whose span is below this share of its peak is flat: all zeros


@njit(cache=True, nogil=True)
def _click_map(picked, count, weights, out, gy, gx):
    """One click map into out (H x W, zeroed): separable Gaussians summed over a buffer the size of
    the clicks' box, then min-max scaled like the reference. Outside the box the map is 0, so the
    minimum is 0 unless the box covers the whole slice."""
    h, w = out.shape
    r = (weights.shape[0] - 1) // 2
    y0, y1, x0, x1 = _click_box(picked, count, r, h, w)
    acc = np.zeros((y1 - y0, x1 - x0))
    for k in range(count):
        cy, cx = picked[k, 0], picked[k, 1]
        _impulse_response(cy, h, weights, gy)
        _impulse_response(cx, w, weights, gx)
        for y in range(max(cy - r, 0), min(cy + r + 1, h)):
            vy = gy[y]
            for x in range(max(cx - r, 0), min(cx + r + 1, w)):
                acc[y - y0, x - x0] += vy * gx[x]
    covers = y0 == 0 and x0 == 0 and y1 == h and x1 == w
    lo = acc.min() if covers else 0.0
    hi = acc.max()
    if hi - lo <= FLAT_SPAN * hi:  # flat but for rounding (clicks on every pixel of a tiny slice)
        return
    scale = 1.0 / (hi - lo)
    for y in range(y0, y1):
        for x in range(x0, x1):
            out[y, x] = (acc[y - y0, x - x0] - lo) * scale


@njit(cache=True, nogil=True)
def click_maps_batch(coords, kinds, weights, out):
    """coords (N, K, 2) y, x; kinds (N, K) 1 fg, 0 bg, -1 unused; out (N, 2, H, W) float32 zeroed."""
    n, kmax = kinds.shape
    gy = np.zeros(out.shape[2])
    gx = np.zeros(out.shape[3])
    picked = np.empty((kmax, 2), np.int64)
    for b in range(n):
        for channel, kind in ((0, 1), (1, 0)):
            count = 0
            for k in range(kmax):
                if kinds[b, k] != kind:
                    continue
                dup = False
                for j in range(count):  # a click given twice is still one 1 in the impulse image
                    if picked[j, 0] == coords[b, k, 0] and picked[j, 1] == coords[b, k, 1]:
                        dup = True
                if not dup:
                    picked[count, 0] = coords[b, k, 0]
                    picked[count, 1] = coords[b, k, 1]
                    count += 1
            if count > 0:
                _click_map(picked, count, weights, out[b, channel], gy, gx)


# ---------------------------------------------------------------- connected components

@njit(cache=True, nogil=True)
def _find(parent, i):
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:
        nxt = parent[i]
        parent[i] = root
        i = nxt
    return root


@njit(cache=True, nogil=True)
def _union(parent, a, b):
    ra = _find(parent, a)
    rb = _find(parent, b)
    if ra < rb:
        parent[rb] = ra
    elif rb < ra:
        parent[ra] = rb


@njit(cache=True, nogil=True)
def label_volume(classes, offsets, labels):
    """Label same-class 3D components (class 0 = background) with the given backward neighbour
    offsets; numbering follows the first voxel of each component in raster order (as scipy).
    Fills labels (int32, same shape); returns the number of components."""
    nz, ny, nx = classes.shape
    flat = classes.ravel()
    n = flat.shape[0]
    parent = np.empty(n, np.int32)
    for z in range(nz):
        for y in range(ny):
            for x in range(nx):
                p = (z * ny + y) * nx + x
                c = flat[p]
                if c == 0:
                    continue
                parent[p] = p
                for o in range(offsets.shape[0]):
                    qz, qy, qx = z + offsets[o, 0], y + offsets[o, 1], x + offsets[o, 2]
                    if qz < 0 or qy < 0 or qx < 0 or qy >= ny or qx >= nx:
                        continue
                    q = (qz * ny + qy) * nx + qx
                    if flat[q] == c:
                        _union(parent, p, q)
    out = labels.ravel()
    count = 0
    for p in range(n):
        if flat[p] == 0:
            out[p] = 0
            continue
        root = _find(parent, p)
        if root == p:
            count += 1
            out[p] = count
        else:
            out[p] = out[root]
    return count


# ---------------------------------------------------------------- exact Euclidean distance transform

@njit(cache=True, nogil=True)
def _envelope_1d(f, n, step, d, v, zb):
    """Felzenszwalb-Huttenlocher lower envelope: d[q] = min_p (step*(q-p))^2 + f[p]."""
    k = -1
    for q in range(n):
        if f[q] >= INF:
            continue
        xq = q * step
        while k >= 0:
            xv = v[k] * step
            s = ((f[q] + xq * xq) - (f[v[k]] + xv * xv)) / (2.0 * (xq - xv))
            if s <= zb[k]:
                k -= 1
            else:
                break
        k += 1
        v[k] = q
        if k == 0:
            zb[k] = -INF
        else:
            xv = v[k - 1] * step
            zb[k] = ((f[q] + xq * xq) - (f[v[k - 1]] + xv * xv)) / (2.0 * (xq - xv))
    if k < 0:
        for q in range(n):
            d[q] = INF
        return
    zb[k + 1] = INF
    j = 0
    for q in range(n):
        xq = q * step
        while zb[j + 1] < xq:
            j += 1
        dx = (q - v[j]) * step  # from the index difference, so equal distances stay exactly equal
        d[q] = dx * dx + f[v[j]]


@njit(cache=True, nogil=True)
def _row_pass(sq, step):
    """First pass on a 0 / INF image: squared distance along x to the nearest 0 in the row, by two
    sweeps (cheaper than the envelope when the input is binary)."""
    nz, ny, nx = sq.shape
    for z in range(nz):
        for y in range(ny):
            last = -1
            for x in range(nx):
                if sq[z, y, x] < INF:
                    last = x
                elif last >= 0:
                    d = (x - last) * step
                    sq[z, y, x] = d * d
            last = -1
            for x in range(nx - 1, -1, -1):
                if sq[z, y, x] == 0.0:
                    last = x
                elif last >= 0:
                    d = (last - x) * step
                    sq[z, y, x] = min(sq[z, y, x], d * d)


@njit(cache=True, nogil=True)
def squared_edt_3d(sq, spacing):
    """In place: sq holds 0 on background and INF on foreground; becomes the squared distance."""
    nz, ny, nx = sq.shape
    m = max(nz, ny, nx)
    f = np.empty(m)
    d = np.empty(m)
    v = np.empty(m, np.int64)
    zb = np.empty(m + 1)
    _row_pass(sq, spacing[2])
    if ny > 1:
        cols = np.empty((nx, ny))
        for z in range(nz):
            # columns become contiguous rows: the strided walk down each column costs 2x more
            for y in range(ny):
                for x in range(nx):
                    cols[x, y] = sq[z, y, x]
            for x in range(nx):
                if cols[x].max() == 0.0:  # all background: distances stay 0
                    continue
                _envelope_1d(cols[x], ny, spacing[1], d, v, zb)
                cols[x, :ny] = d[:ny]
            for y in range(ny):
                for x in range(nx):
                    sq[z, y, x] = cols[x, y]
    if nz > 1:
        for y in range(ny):
            for x in range(nx):
                for z in range(nz):
                    f[z] = sq[z, y, x]
                _envelope_1d(f, nz, spacing[0], d, v, zb)
                for z in range(nz):
                    sq[z, y, x] = d[z]


@njit(cache=True, nogil=True)
def edt_3d(mask, spacing, border_is_background):
    """Exact Euclidean distance of every nonzero voxel to the nearest zero voxel."""
    nz, ny, nx = mask.shape
    pad = 1 if border_is_background else 0
    pz = pad if nz > 1 else 0
    sq = np.empty((nz + 2 * pz, ny + 2 * pad, nx + 2 * pad))
    sq[:] = 0.0
    for z in range(nz):
        for y in range(ny):
            for x in range(nx):
                sq[z + pz, y + pad, x + pad] = INF if mask[z, y, x] else 0.0
    squared_edt_3d(sq, spacing)
    out = np.empty((nz, ny, nx))
    for z in range(nz):
        for y in range(ny):
            for x in range(nx):
                out[z, y, x] = np.sqrt(sq[z + pz, y + pad, x + pad])
    return out


@njit(cache=True, nogil=True)
def innermost_3d(mask, spacing):
    """Voxel of mask farthest from its border (outside the volume counts as border); first in raster
    order on ties. Returns (-1, -1, -1) for an empty mask."""
    dist = edt_3d(mask, spacing, True)
    best = 0.0
    bz, by, bx = -1, -1, -1
    nz, ny, nx = mask.shape
    for z in range(nz):
        for y in range(ny):
            for x in range(nx):
                if _beats(dist[z, y, x], best):
                    best = dist[z, y, x]
                    bz, by, bx = z, y, x
    return bz, by, bx


@njit(cache=True, nogil=True)
def innermost_per_component(mask, offsets):
    """(count, 2) innermost pixel of each connected component of a 2D mask, components in scipy's
    order. One distance transform, on the mask's bounding box only, serves all components:
    separated components never see each other as nearest non-member (a step towards it would stay
    inside or be background)."""
    h, w = mask.shape
    labels = np.empty((1, h, w), np.int32)
    count = label_volume(mask.reshape(1, h, w), offsets, labels)
    points = np.full((count, 2), -1, np.int64)
    if count == 0:
        return points
    y0, y1, x0, x1 = h, -1, w, -1
    for y in range(h):
        for x in range(w):
            if mask[y, x]:
                y0, y1, x0, x1 = min(y0, y), max(y1, y), min(x0, x), max(x1, x)
    crop = np.ascontiguousarray(mask[y0:y1 + 1, x0:x1 + 1]).reshape(1, y1 - y0 + 1, x1 - x0 + 1)
    dist = edt_3d(crop, np.array([1.0, 1.0, 1.0]), True)
    best = np.zeros(count + 1)
    for y in range(y0, y1 + 1):
        for x in range(x0, x1 + 1):
            lab = labels[0, y, x]
            if lab > 0 and _beats(dist[0, y - y0, x - x0], best[lab]):
                best[lab] = dist[0, y - y0, x - x0]
                points[lab - 1, 0] = y
                points[lab - 1, 1] = x
    return points


# ---------------------------------------------------------------- next click

@njit(cache=True, nogil=True)
def _region_innermost(labels, target, y0, y1, x0, x1, sy, sx):
    """Innermost pixel (squared distance, y, x) of labels == target inside the box, border = outside."""
    hh, ww = y1 - y0 + 2, x1 - x0 + 2
    sq = np.zeros((1, hh + 1, ww + 1))
    for y in range(y0, y1 + 1):
        for x in range(x0, x1 + 1):
            if labels[y, x] == target:
                sq[0, y - y0 + 1, x - x0 + 1] = INF
    spacing = np.array([1.0, sy, sx])
    squared_edt_3d(sq, spacing)
    best, by, bx = -1.0, -1, -1
    for y in range(y0, y1 + 1):
        for x in range(x0, x1 + 1):
            if labels[y, x] == target and _beats(sq[0, y - y0 + 1, x - x0 + 1], best):
                best = sq[0, y - y0 + 1, x - x0 + 1]
                by, bx = y, x
    return best, by, bx


@njit(cache=True, nogil=True)
def next_click_largest(pred, truth, clicked, offsets, sy, sx):
    """Biggest erroneous region (FN or FP, not counting clicked pixels), its innermost pixel.
    offsets: backward neighbours as for label_volume (4- or 8-connectivity in the plane).
    Returns (y, x, positive) with positive 1 for a false-negative region, 0 for false positive;
    (-1, -1, -1) when the prediction has no unclicked error."""
    h, w = pred.shape
    cls = np.zeros((1, h, w), np.uint8)
    for y in range(h):
        for x in range(w):
            if clicked[y, x]:
                continue
            if truth[y, x] and not pred[y, x]:
                cls[0, y, x] = 1
            elif pred[y, x] and not truth[y, x]:
                cls[0, y, x] = 2
    labels3 = np.empty((1, h, w), np.int32)
    count = label_volume(cls, offsets, labels3)
    labels = labels3[0]
    sizes = np.zeros(count + 1, np.int64)
    boxes = np.empty((count + 1, 4), np.int64)
    boxes[:, 0] = h
    boxes[:, 1] = -1
    boxes[:, 2] = w
    boxes[:, 3] = -1
    for y in range(h):
        for x in range(w):
            lab = labels[y, x]
            if lab == 0:
                continue
            sizes[lab] += 1
            boxes[lab, 0] = min(boxes[lab, 0], y)
            boxes[lab, 1] = max(boxes[lab, 1], y)
            boxes[lab, 2] = min(boxes[lab, 2], x)
            boxes[lab, 3] = max(boxes[lab, 3], x)
    if count == 0:
        return -1, -1, -1
    biggest = 1
    for lab in range(2, count + 1):
        if sizes[lab] > sizes[biggest]:
            biggest = lab
    _, by, bx = _region_innermost(labels, biggest, boxes[biggest, 0], boxes[biggest, 1],
                                  boxes[biggest, 2], boxes[biggest, 3], sy, sx)
    return by, bx, 1 if cls[0, by, bx] == 1 else 0


@njit(cache=True, nogil=True)
def _farthest_error(pred, truth, clicked, want_fn, sy, sx):
    """Best distance, y, x over the unclicked FN (or FP) pixels, with the
    distance transform run only on the errors' bounding box (outside it there are no errors)."""
    h, w = pred.shape
    y0, y1, x0, x1 = h, -1, w, -1
    for y in range(h):
        for x in range(w):
            err = (truth[y, x] and not pred[y, x]) if want_fn else (pred[y, x] and not truth[y, x])
            if err:
                y0, y1, x0, x1 = min(y0, y), max(y1, y), min(x0, x), max(x1, x)
    if y1 < 0:
        return 0.0, -1, -1
    crop = np.zeros((1, y1 - y0 + 1, x1 - x0 + 1), np.uint8)
    for y in range(y0, y1 + 1):
        for x in range(x0, x1 + 1):
            if want_fn:
                crop[0, y - y0, x - x0] = truth[y, x] and not pred[y, x]
            else:
                crop[0, y - y0, x - x0] = pred[y, x] and not truth[y, x]
    dist = edt_3d(crop, np.array([1.0, sy, sx]), True)
    best, by, bx = 0.0, -1, -1
    for y in range(y0, y1 + 1):
        for x in range(x0, x1 + 1):
            if not clicked[y, x] and _beats(dist[0, y - y0, x - x0], best):
                best, by, bx = dist[0, y - y0, x - x0], y, x
    return best, by, bx


@njit(cache=True, nogil=True)
def next_click_ritm(pred, truth, clicked, sy, sx):
    """RITM's clicker: the error pixel farthest from its region's border, over all FN and FP pixels;
    positive if the FN distance beats the FP one. Clicked pixels are never chosen."""
    bfn, fy, fx = _farthest_error(pred, truth, clicked, True, sy, sx)
    bfp, py, px = _farthest_error(pred, truth, clicked, False, sy, sx)
    if fy < 0 and py < 0:
        return -1, -1, -1
    if _beats(bfn, bfp):
        return fy, fx, 1
    return py, px, 0


@njit(cache=True, nogil=True)
def next_click_batch(pred, truth, clicked, ritm, offsets, sy, sx, out):
    """next_click_kernel for each slice of a batch: rows of (y, x, positive)."""
    for b in range(pred.shape[0]):
        if ritm:
            y, x, pos = next_click_ritm(pred[b], truth[b], clicked[b], sy, sx)
        else:
            y, x, pos = next_click_largest(pred[b], truth[b], clicked[b], offsets, sy, sx)
        out[b, 0] = y
        out[b, 1] = x
        out[b, 2] = pos


# ---------------------------------------------------------------- overlap metrics

@njit(cache=True, nogil=True)
def overlap_sums(truth, pred):
    """Σ gt·p, Σ gt², Σ p² in one pass over flat arrays."""
    inter = 0.0
    sg = 0.0
    sp = 0.0
    for i in range(truth.shape[0]):
        g = float(truth[i])
        p = float(pred[i])
        inter += g * p
        sg += g * g
        sp += p * p
    return inter, sg, sp


# ---------------------------------------------------------------- in-plane resampling

@njit(cache=True, nogil=True)
def _axis_taps(n_in, n_out, lo, hi, frac):
    """Linear taps along one axis: output pixel i's centre sits at input coordinate
    (i + 0.5) * n_in / n_out - 0.5 (pixel centres, the grid's extent kept); clamped at the edges."""
    scale = n_in / n_out
    for i in range(n_out):
        c = (i + 0.5) * scale - 0.5
        if c <= 0.0:
            lo[i], hi[i], frac[i] = 0, 0, 0.0
        elif c >= n_in - 1:
            lo[i], hi[i], frac[i] = n_in - 1, n_in - 1, 0.0
        else:
            f = int(np.floor(c))
            lo[i], hi[i], frac[i] = f, f + 1, c - f


@njit(cache=True, nogil=True)
def resize_linear_batch(src, out):
    """Bilinear resize of every (H, W) slice of src (N, H, W) float32 into out (N, H2, W2)."""
    n, h, w = src.shape
    h2, w2 = out.shape[1], out.shape[2]
    y0 = np.empty(h2, np.int64)
    y1 = np.empty(h2, np.int64)
    fy = np.empty(h2)
    x0 = np.empty(w2, np.int64)
    x1 = np.empty(w2, np.int64)
    fx = np.empty(w2)
    _axis_taps(h, h2, y0, y1, fy)
    _axis_taps(w, w2, x0, x1, fx)
    for b in range(n):
        for i in range(h2):
            a, c, t = y0[i], y1[i], fy[i]
            for j in range(w2):
                u = fx[j]
                top = src[b, a, x0[j]] * (1.0 - u) + src[b, a, x1[j]] * u
                bottom = src[b, c, x0[j]] * (1.0 - u) + src[b, c, x1[j]] * u
                out[b, i, j] = top * (1.0 - t) + bottom * t


@njit(cache=True, nogil=True)
def resize_nearest_batch(src, out):
    """Nearest-neighbour resize of src (N, H, W) uint8 into out (N, H2, W2): each output pixel takes
    the input pixel that holds its centre."""
    n, h, w = src.shape
    h2, w2 = out.shape[1], out.shape[2]
    ys = np.empty(h2, np.int64)
    xs = np.empty(w2, np.int64)
    zy, zx = h / h2, w / w2  # scipy's order of operations, so that exact ties round alike
    for i in range(h2):
        ys[i] = min(max(int(np.floor((i + 0.5) * zy - 0.5 + 0.5)), 0), h - 1)
    for j in range(w2):
        xs[j] = min(max(int(np.floor((j + 0.5) * zx - 0.5 + 0.5)), 0), w - 1)
    for b in range(n):
        for i in range(h2):
            for j in range(w2):
                out[b, i, j] = src[b, ys[i], xs[j]]
