"""Shape primitives for 3D bone phantoms: signed distances on a voxel grid, evaluated in boxes.

Every primitive returns an approximate signed distance in millimetres (negative inside) on the
part of the grid that its bounding box covers, so a bone made of twenty primitives costs twenty
small vectorised numpy evaluations rather than twenty passes over the whole volume. A bone is the
union (minimum) of its primitives; each primitive also carries its own cortical thickness and
whether its interior is trabecular (bone ends, vertebral bodies) or fatty marrow (shafts), because
that is what makes a femoral head look different from a femoral shaft on CT.

Coordinates are physical LPS millimetres (x to the patient's left, y posterior, z superior) with the
region's joint at the origin; the grid maps voxels to those coordinates through the volume's own
spacing, origin and direction, so both axis orientations come out right without extra code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MARGIN_MM = 6.0  # evaluate beyond each primitive: partial volume, and joint gaps up to this size


@dataclass
class Grid:
    """Physical coordinates of the voxel centres, one 1D array per array axis (z, y, x)."""

    z: np.ndarray
    y: np.ndarray
    x: np.ndarray
    spacing: tuple[float, float, float]  # x, y, z in mm

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.z.size, self.y.size, self.x.size)

    def box(self, lo: np.ndarray, hi: np.ndarray):
        """Index slices and broadcastable coordinates (z, y, x) of the voxels inside [lo, hi] (x, y, z mm),
        or None when the box misses the volume."""
        slices, coords = [], []
        for axis, values in zip((2, 1, 0), (self.z, self.y, self.x)):
            inside = np.nonzero((values >= lo[axis]) & (values <= hi[axis]))[0]
            if inside.size == 0:
                return None
            sl = slice(int(inside[0]), int(inside[-1]) + 1)
            slices.append(sl)
            coords.append(values[sl])
        z, y, x = coords
        return tuple(slices), (z[:, None, None], y[None, :, None], x[None, None, :])


def frame(axis: np.ndarray, toward: np.ndarray) -> np.ndarray:
    """Rotation whose columns are unit vectors: u along `axis`, v the part of `toward` across it, w = u x v."""
    u = np.asarray(axis, float) / np.linalg.norm(axis)
    v = np.asarray(toward, float) - np.dot(toward, u) * u
    v /= np.linalg.norm(v)
    return np.stack([u, v, np.cross(u, v)], axis=1)


def _local(coords, center, rotation):
    """Coordinates of the grid points in a primitive's own frame (three arrays)."""
    z, y, x = coords
    d = (x - center[0], y - center[1], z - center[2])
    return [d[0] * rotation[0, k] + d[1] * rotation[1, k] + d[2] * rotation[2, k] for k in range(3)]


def ellipsoid(grid: Grid, center, radii, rotation=None):
    """Ellipsoid with semi-axes `radii` along the rotation's columns; distance bound of Quilez (k0(k0-1)/k1)."""
    center, radii = np.asarray(center, float), np.asarray(radii, float)
    rotation = np.eye(3) if rotation is None else rotation
    reach = radii.max() + MARGIN_MM
    found = grid.box(center - reach, center + reach)
    if found is None:
        return None
    slices, coords = found
    p = _local(coords, center, rotation)
    k0 = np.sqrt(sum((p[k] / radii[k]) ** 2 for k in range(3)))
    k1 = np.sqrt(sum((p[k] / radii[k] ** 2) ** 2 for k in range(3)))
    return slices, (k0 * (k0 - 1.0) / np.maximum(k1, 1e-6)).astype(np.float32)


def capsule(grid: Grid, a, b, ra: float, rb: float | None = None):
    """Segment a-b swept by a sphere whose radius goes linearly from ra to rb (a tapered rod)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    rb = ra if rb is None else rb
    reach = max(ra, rb) + MARGIN_MM
    found = grid.box(np.minimum(a, b) - reach, np.maximum(a, b) + reach)
    if found is None:
        return None
    slices, (z, y, x) = found
    ab = b - a
    px, py, pz = x - a[0], y - a[1], z - a[2]
    t = np.clip((px * ab[0] + py * ab[1] + pz * ab[2]) / float(ab @ ab), 0.0, 1.0)
    dist = np.sqrt((px - t * ab[0]) ** 2 + (py - t * ab[1]) ** 2 + (pz - t * ab[2]) ** 2)
    return slices, (dist - (ra + (rb - ra) * t)).astype(np.float32)


def rounded_box(grid: Grid, center, half, rotation=None, rounding: float = 1.0):
    """Box of half-sizes `half` (along the rotation's columns) with edges rounded by `rounding` mm."""
    center, half = np.asarray(center, float), np.asarray(half, float)
    rotation = np.eye(3) if rotation is None else rotation
    reach = np.linalg.norm(half) + MARGIN_MM
    found = grid.box(center - reach, center + reach)
    if found is None:
        return None
    slices, coords = found
    q = [np.abs(c) - (h - rounding) for c, h in zip(_local(coords, center, rotation), half)]
    outside = np.sqrt(sum(np.maximum(c, 0.0) ** 2 for c in q))
    inside = np.minimum(np.maximum(np.maximum(q[0], q[1]), q[2]), 0.0)
    return slices, (outside + inside - rounding).astype(np.float32)


def cylinder(grid: Grid, center, radii_xy, half_height: float = np.inf):
    """Elliptic cylinder along z (an axial ellipse swept over +-half_height; infinite by default):
    bodies, limbs, lungs, vertebral bodies. The in-plane distance is the ellipse bound k0(k0-1)/k1."""
    center, radii = np.asarray(center, float), np.asarray(radii_xy, float)
    reach = radii.max() + MARGIN_MM
    hz = half_height + MARGIN_MM if np.isfinite(half_height) else 1e9
    found = grid.box(center - (reach, reach, hz), center + (reach, reach, hz))
    if found is None:
        return None
    slices, (z, y, x) = found
    px, py = (x - center[0]) / radii[0], (y - center[1]) / radii[1]
    k0 = np.sqrt(px ** 2 + py ** 2)
    k1 = np.sqrt((px / radii[0]) ** 2 + (py / radii[1]) ** 2)
    d = k0 * (k0 - 1.0) / np.maximum(k1, 1e-6)
    if np.isfinite(half_height):
        d = np.maximum(d, np.abs(z - center[2]) - half_height)
    else:
        d = np.broadcast_to(d, (z.shape[0],) + d.shape[1:])
    return slices, d.astype(np.float32)


def cup(grid: Grid, center, inner: float, outer: float, opening, depth: float):
    """A socket: the shell between spheres `inner` and `outer` around `center`, minus the part beyond
    the plane `depth` mm from the centre along the unit vector `opening` (where the ball comes out)."""
    center, opening = np.asarray(center, float), np.asarray(opening, float)
    found = grid.box(center - outer - MARGIN_MM, center + outer + MARGIN_MM)
    if found is None:
        return None
    slices, (z, y, x) = found
    px, py, pz = x - center[0], y - center[1], z - center[2]
    r = np.sqrt(px ** 2 + py ** 2 + pz ** 2)
    plane = px * opening[0] + py * opening[1] + pz * opening[2] - depth
    return slices, np.maximum(np.maximum(r - outer, inner - r), plane).astype(np.float32)


def curve(points, samples: int = 24) -> np.ndarray:
    """A smooth curve through control points (Catmull-Rom), `samples` points long."""
    p = np.asarray(points, float)
    p = np.vstack([2 * p[0] - p[1], p, 2 * p[-1] - p[-2]])
    out = []
    for s in np.linspace(0.0, len(p) - 3 - 1e-9, samples):
        i, t = int(s) + 1, s - int(s)
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        out.append(0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                          + (3 * p1 - p0 - 3 * p2 + p3) * t ** 3))
    return np.array(out)


def tube(grid: Grid, points, radii) -> list:
    """A tube along a polyline: one tapered capsule per segment (radii per point, or one radius)."""
    points = np.asarray(points, float)
    radii = np.broadcast_to(np.asarray(radii, float), (len(points),))
    return [capsule(grid, points[i], points[i + 1], radii[i], radii[i + 1]) for i in range(len(points) - 1)]


@dataclass
class Bone:
    """One labelled bone: signed distance, cortical thickness and trabecular share per voxel."""

    name: str
    label: int
    grid: Grid
    distance: np.ndarray = field(init=False)
    cortex: np.ndarray = field(init=False)
    spongy: np.ndarray = field(init=False)

    def __post_init__(self):
        self.distance = np.full(self.grid.shape, np.inf, dtype=np.float32)
        self.cortex = np.zeros(self.grid.shape, dtype=np.float32)
        self.spongy = np.zeros(self.grid.shape, dtype=np.float32)

    def add(self, pieces, cortex: float, spongy: float) -> "Bone":
        """Union with one primitive (or a list of them) whose shell is `cortex` mm thick and whose
        interior is trabecular (spongy=1) or fatty marrow (0). None pieces (outside the FOV) are skipped."""
        for piece in pieces if isinstance(pieces, list) else [pieces]:
            if piece is None:
                continue
            sl, d = piece
            closer = d < self.distance[sl]
            self.distance[sl] = np.where(closer, d, self.distance[sl])
            self.cortex[sl] = np.where(closer, cortex, self.cortex[sl])
            self.spongy[sl] = np.where(closer, spongy, self.spongy[sl])
        return self

    def carve_sphere(self, center, radius: float) -> "Bone":
        """Remove everything closer than `radius` to `center` (a joint socket around a ball)."""
        piece = ellipsoid(self.grid, center, (radius, radius, radius))
        if piece is not None:
            sl, d = piece
            self.distance[sl] = np.maximum(self.distance[sl], -d)
        return self

    def carve(self, pieces) -> "Bone":
        """Remove the inside of other primitives (a gap between two bones, a notch)."""
        for piece in pieces if isinstance(pieces, list) else [pieces]:
            if piece is not None:
                sl, d = piece
                self.distance[sl] = np.maximum(self.distance[sl], -d)
        return self

    def separate_from(self, other: "Bone", gap: float) -> "Bone":
        """Keep at least `gap` mm (< MARGIN_MM) between this bone and `other`: a joint space."""
        near = other.distance < gap
        self.distance[near] = np.maximum(self.distance[near], gap - other.distance[near])
        return self

    @property
    def mask(self) -> np.ndarray:
        return self.distance <= 0.0
