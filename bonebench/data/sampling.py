"""Patch sampling as in the study: random 96x96 patches of axial slices, minibatches of slices drawn
without repetition, the order reshuffled only after every slice was used.

Volumes stay in memory as clipped int16 HU (exact, half of float32); a batch is windowed to [0, 1]
in one vectorised step. The whole state (permutation, position, generator) is a small dict so an
interrupted training resumes on exactly the same patches.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from bonebench.data.intensity import HU_MIN, window_hu


class SliceSampler:
    """Draw (image, target) patch minibatches from the axial slices of a list of volumes."""

    def __init__(self, volumes: Sequence[np.ndarray], targets: Sequence[np.ndarray], *,
                 patch_size: int = 96, batch_size: int = 32, seed: int = 0):
        if len(volumes) == 0 or len(volumes) != len(targets):
            raise ValueError("need one target per volume and at least one volume")
        for vol, tgt in zip(volumes, targets):
            if vol.ndim != 3 or vol.shape != tgt.shape:
                raise ValueError(f"volume {vol.shape} and target {tgt.shape} must be equal 3D shapes")
        self.volumes = [np.asarray(v) for v in volumes]
        self.targets = [np.asarray(t) for t in targets]
        self.patch_size = int(patch_size)
        self.batch_size = int(batch_size)
        self.slice_index = np.array([(c, z) for c, v in enumerate(self.volumes) for z in range(v.shape[0])],
                                    dtype=np.int64)
        self._rng = np.random.default_rng(seed)
        self._order = self._rng.permutation(len(self.slice_index))
        self._position = 0

    @property
    def n_slices(self) -> int:
        return len(self.slice_index)

    def _next_slice_ids(self) -> np.ndarray:
        ids = np.empty(self.batch_size, dtype=np.int64)
        filled = 0
        while filled < self.batch_size:
            if self._position == len(self._order):
                self._order = self._rng.permutation(len(self.slice_index))
                self._position = 0
            take = min(self.batch_size - filled, len(self._order) - self._position)
            ids[filled:filled + take] = self._order[self._position:self._position + take]
            self._position += take
            filled += take
        return ids

    def next_batch(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(images float32 [B,1,P,P] in [0,1], targets float32 [B,1,P,P], slice ids [B])."""
        images, targets, ids, _ = self._draw(neighbours=False)
        return images, targets, ids

    def next_batch_with_neighbours(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """next_batch and, for each patch, the target of the same patch one slice above or below (at
        random; the only neighbour at a volume's end, zeros in a one-slice volume): float32 [B,1,P,P].
        A propagation carries a mask from slice to slice; this is what it carries, as the truth."""
        return self._draw(neighbours=True)

    def _draw(self, neighbours: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
        ids = self._next_slice_ids()
        p = self.patch_size
        hu = np.full((self.batch_size, p, p), HU_MIN, dtype=np.int16)
        tgt = np.zeros((self.batch_size, p, p), dtype=np.uint8)
        near = np.zeros((self.batch_size, p, p), dtype=np.uint8) if neighbours else None
        corners = self._rng.random((self.batch_size, 2))
        steps = np.where(self._rng.random(self.batch_size) < 0.5, -1, 1) if neighbours else None
        for b, sid in enumerate(ids):
            case, z = self.slice_index[sid]
            vol = self.volumes[case]
            h, w = vol.shape[1], vol.shape[2]
            y0 = int(corners[b, 0] * (max(h - p, 0) + 1))
            x0 = int(corners[b, 1] * (max(w - p, 0) + 1))
            ph, pw = min(p, h), min(p, w)
            hu[b, :ph, :pw] = vol[z, y0:y0 + ph, x0:x0 + pw]
            tgt[b, :ph, :pw] = self.targets[case][z, y0:y0 + ph, x0:x0 + pw]
            if neighbours and vol.shape[0] > 1:
                n = z + steps[b] if 0 <= z + steps[b] < vol.shape[0] else z - steps[b]
                near[b, :ph, :pw] = self.targets[case][n, y0:y0 + ph, x0:x0 + pw]
        near_out = None if near is None else near[:, None].astype(np.float32)
        return window_hu(hu)[:, None], tgt[:, None].astype(np.float32), ids, near_out

    def state_dict(self) -> dict:
        return {"rng": self._rng.bit_generator.state, "order": self._order.copy(), "position": self._position}

    def load_state_dict(self, state: dict) -> None:
        self._rng.bit_generator.state = state["rng"]
        self._order = np.asarray(state["order"], dtype=np.int64)
        self._position = int(state["position"])
