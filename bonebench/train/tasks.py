"""What each kind of model group trains on: how a minibatch is made, its loss, and how the model is
scored on the validation patients (higher is better). The loop in loop.py is the same for all; the
group registry (groups.py) names the task of each group."""

from __future__ import annotations

import time
from typing import NamedTuple, Protocol

import numpy as np
import torch

from bonebench.data.dataset import Dataset
from bonebench.data.sampling import SliceSampler
from bonebench.data.splits import Split
from bonebench.protocol import walk_seeds
from bonebench.protocol.clicks import ClickSet, corrective_clicks, first_clicks
from bonebench.protocol.network import THRESHOLD, network_input, set_previous_mask, update_click_maps
from bonebench.train.config import TrainConfig
from bonebench.train.distortions import distort_batch
from bonebench.train.precision import Compute
from bonebench.train.losses import restoration_loss, segmentation_loss
from bonebench.train.validation import interactive_validation_dice, predict_slices, validation_dice


class Batch(NamedTuple):
    inputs: np.ndarray  # (N, C, P, P) float32 network input
    targets: np.ndarray  # (N, 1, P, P) float32


class Validation(NamedTuple):
    score: float  # higher is better: selects the best checkpoint
    value: float  # what is logged (Dice, or L1 for restoration)


class Task(Protocol):
    """What the loop needs from a group's task.

    A minibatch is made in two parts so that the first can run ahead in a background thread
    (train.prefetch): `prepare()` draws everything random and does all work that needs no model
    (sampler, distortions, targets, first clicks); `complete()` does what needs the current model
    (SegInter's corrective-click rounds). `batch()` is both, inline."""

    metric: str  # the logged metric's name: val_dice, val_l1

    def prepare(self): ...

    def complete(self, prepared, model: torch.nn.Module, compute: Compute) -> Batch: ...

    def batch(self, model: torch.nn.Module, compute: Compute) -> Batch: ...

    def loss(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor: ...

    def validate(self, model: torch.nn.Module, compute: Compute) -> Validation: ...

    def state_dict(self) -> dict: ...

    def load_state_dict(self, state: dict) -> None: ...


class SegmentationTask:
    """Seg and SegPretrained: image patches in, the target mask out."""

    metric = "val_dice"

    def __init__(self, config: TrainConfig, dataset: Dataset, split: Split):
        self.config = config
        train_ids = split.training_subset(config.patients)
        train = [dataset.load(c, config.label, pixel_mm=config.pixel_mm) for c in train_ids]
        self.val_cases = [dataset.load(c, config.label, pixel_mm=config.pixel_mm) for c in split.val]
        self.sampler = SliceSampler([c.hu for c in train], [c.target for c in train],
                                    patch_size=config.patch_size, batch_size=config.batch_size, seed=config.seed)

    def prepare(self) -> Batch:
        images, targets, _ = self.sampler.next_batch()
        return Batch(images, targets)

    def complete(self, prepared: Batch, model: torch.nn.Module, compute: Compute) -> Batch:
        return prepared

    def batch(self, model: torch.nn.Module, compute: Compute) -> Batch:
        return self.complete(self.prepare(), model, compute)

    def loss(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return segmentation_loss(self.config.loss, logits, target)

    def validate(self, model: torch.nn.Module, compute: Compute) -> Validation:
        """Both score and logged value are the mean validation Dice."""
        value = validation_dice(model, self.val_cases, compute)
        return Validation(value, value)

    def state_dict(self) -> dict:
        return {"sampler": self.sampler.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        self.sampler.load_state_dict(state["sampler"])


class RestorationTask:
    """Models Genesis pretraining: restore distorted patches of all training patients, no labels."""

    metric = "val_l1"
    VAL_BATCHES = 4

    def __init__(self, config: TrainConfig, dataset: Dataset, split: Split):
        self.config = config
        images = [dataset.load_image(c, pixel_mm=config.pixel_mm) for c in split.train]
        self.sampler = SliceSampler(images, [np.zeros(v.shape, np.uint8) for v in images],
                                    patch_size=config.patch_size, batch_size=config.batch_size, seed=config.seed)
        self.rng = np.random.default_rng(config.seed + 1)
        val_images = [dataset.load_image(c, pixel_mm=config.pixel_mm) for c in split.val]
        val_sampler = SliceSampler(val_images, [np.zeros(v.shape, np.uint8) for v in val_images],
                                   patch_size=config.patch_size, batch_size=config.batch_size, seed=12345)
        fixed = np.random.default_rng(54321)
        pairs = [distort_batch(val_sampler.next_batch()[0], fixed) for _ in range(self.VAL_BATCHES)]
        self.val_inputs = np.concatenate([p[0] for p in pairs])
        self.val_targets = np.concatenate([p[1] for p in pairs])

    def prepare(self) -> Batch:
        return Batch(*distort_batch(self.sampler.next_batch()[0], self.rng))

    def complete(self, prepared: Batch, model: torch.nn.Module, compute: Compute) -> Batch:
        return prepared

    def batch(self, model: torch.nn.Module, compute: Compute) -> Batch:
        return self.complete(self.prepare(), model, compute)

    def loss(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return restoration_loss(logits, target)

    def validate(self, model: torch.nn.Module, compute: Compute) -> Validation:
        restored = predict_slices(model, self.val_inputs, compute, sigmoid=False)
        l1 = float(np.abs(restored - self.val_targets[:, 0]).mean())
        return Validation(-l1, l1)

    def state_dict(self) -> dict:
        return {"sampler": self.sampler.state_dict(), "rng": self.rng.bit_generator.state}

    def load_state_dict(self, state: dict) -> None:
        self.sampler.load_state_dict(state["sampler"])
        self.rng.bit_generator.state = state["rng"]


NEIGHBOUR_SHOWN = 0.7  # SegInterWalk: share of slices that see the neighbouring slice's mask
WALK_CLICKS = 0.7  # of those, share whose first clicks are the walk's (on the neighbour's pieces)
PARTIAL_NEIGHBOUR = 0.3  # of those, share whose neighbour mask is cut to one side of a line (_partial)


def _partial(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The part of a mask on one side of a line at a random angle through one of its pixels: what a
    walk carries when the clicked slice's mask holds only part of the bone."""
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return mask
    i, angle = int(rng.integers(len(ys))), rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[:mask.shape[0], :mask.shape[1]]
    return mask & ((yy - ys[i]) * np.sin(angle) + (xx - xs[i]) * np.cos(angle) >= 0)


class _Clicking(NamedTuple):
    """An interactive minibatch after its first click, before the rounds that need the model."""

    inputs: np.ndarray  # (N, C, P, P) network input with the first clicks
    targets: np.ndarray  # (N, P, P) bool, the clicked bone (all background where hidden)
    clicks: ClickSet  # the first click of each slice, with room for the corrective ones
    interactions: np.ndarray  # (N,) interactions of each slice, 1..max_interactions


class InteractiveTask(SegmentationTask):
    """SegInter and its variants: image + click maps (+ previous prediction) in, the clicked bone out.

    Each minibatch: targets (one bone per slice, chosen at random when several labels are trained),
    some turned all-background; a first click; then 0..4 rounds in which the model predicts without
    gradient and a corrective click is added in the biggest error, 1..5 interactions per slice."""

    def __init__(self, config: TrainConfig, dataset: Dataset, split: Split, group):
        self.config = config
        self.spec = group.input_spec(config.click_sigma)
        names = config.target_labels
        self.multi = len(names) > 1
        self.values = [dataset.label_value(n) for n in names] if self.multi else [1]
        train_ids = split.training_subset(config.patients)
        train = [dataset.load_labels(c, names, binary=not self.multi, pixel_mm=config.pixel_mm) for c in train_ids]
        self.val_cases = [dataset.load_labels(c, names, binary=not self.multi, pixel_mm=config.pixel_mm)
                          for c in split.val]
        self.sampler = SliceSampler([c.hu for c in train], [c.target for c in train],
                                    patch_size=config.patch_size, batch_size=config.batch_size, seed=config.seed)
        self.rng = np.random.default_rng(config.seed + 2)
        self.simulation_seconds = 0.0

    def _choose_values(self, label_maps: np.ndarray, near_maps: np.ndarray | None = None) -> np.ndarray:
        """One bone per slice: the value of a label present in the patch, at random (any label if none is).
        With the neighbouring slices' maps, a bone that shows only there counts too: where a bone ends,
        the walk carries its mask onto a slice without it, and the model must answer nothing. Where
        such a bone is in the patch, bone_end_rate of the time it is the one chosen (a bone ends on one
        or two of its slices: drawn uniformly, the walk's last step is rarely trained)."""
        if not self.multi:
            return np.ones(len(label_maps), np.int64)
        values = np.zeros(len(label_maps), np.int64)
        for b, patch in enumerate(label_maps):
            here = {v for v in self.values if (patch == v).any()}
            ended = set() if near_maps is None else \
                {v for v in self.values if v not in here and (near_maps[b, 0] == v).any()}
            # no draw without bone_end_rate: earlier runs repeat
            if ended and self.config.bone_end_rate and self.rng.random() < self.config.bone_end_rate:
                here = set()
            present = [v for v in self.values if v in here or v in ended]  # in label order: the same draws
            values[b] = self.rng.choice(present) if present else self.rng.choice(self.values)
        return values

    def _draw_patches(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Images, label maps and (neighbour-mask groups) the neighbouring slices' label maps, some mirrored."""
        if self.spec.neighbour_mask:
            images, label_maps, _, near_maps = self.sampler.next_batch_with_neighbours()
        else:
            (images, label_maps, _), near_maps = self.sampler.next_batch(), None
        if self.config.flip_rate:  # no draw without it: runs without flips stay bit for bit as before
            mirrored = self.rng.random(len(images)) < self.config.flip_rate
            images[mirrored], label_maps[mirrored] = images[mirrored, ..., ::-1], label_maps[mirrored, ..., ::-1]
            if near_maps is not None:
                near_maps[mirrored] = near_maps[mirrored, ..., ::-1]
        return images, label_maps, near_maps

    def _neighbours(self, near_maps: np.ndarray, values: np.ndarray, targets: np.ndarray,
                    hide: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The neighbour-mask channel and the slices clicked as the walk clicks them. The chosen bone
        on the neighbouring slice is shown on NEIGHBOUR_SHOWN of the slices (the rest learn the first
        click, where nothing is carried yet), on PARTIAL_NEIGHBOUR of those cut in part (a walk
        carries what one click found, not the whole bone); of those shown, WALK_CLICKS get their first
        clicks where the walk puts them, on the pieces of the neighbour's mask, which may miss this
        slice's bone; with a bone_end_rate, also where the bone has ended (the walk's seeds then fall on
        whatever lies there, a neighbouring bone across a joint, and the answer is nothing)."""
        n = len(values)
        neighbour = near_maps[:, 0] == values[:, None, None]
        shown = (self.rng.random(n) < NEIGHBOUR_SHOWN) & ~hide
        neighbour[~shown] = False
        for b in np.flatnonzero(shown & (self.rng.random(n) < PARTIAL_NEIGHBOUR)):
            neighbour[b] = _partial(neighbour[b], self.rng)
        on_bone = targets.any(axis=(1, 2)) | (self.config.bone_end_rate > 0)
        walk = shown & (self.rng.random(n) < WALK_CLICKS) & neighbour.any(axis=(1, 2)) & on_bone
        return neighbour, walk

    def prepare(self) -> _Clicking:
        """The model-free part of a minibatch: patches, targets (some hidden), the first click, the
        number of interactions per slice and the first network input. Every random draw is here."""
        images, label_maps, near_maps = self._draw_patches()
        t0 = time.perf_counter()
        values = self._choose_values(label_maps[:, 0], near_maps)
        targets = label_maps[:, 0] == values[:, None, None]
        n = targets.shape[0]
        hide = self.rng.random(n) < self.config.background_rate
        hidden = np.zeros_like(targets)
        hidden[hide] = targets[hide]
        targets[hide] = False
        neighbour, clicked = None, targets
        if near_maps is not None:
            neighbour, walk = self._neighbours(near_maps, values, targets, hide)
            clicked = np.where(walk[:, None, None], neighbour, targets)
        reach = self.config.walk_arms
        given = walk_seeds.walk_clicks(neighbour, np.flatnonzero(walk), reach) if reach else None
        clicks = first_clicks(clicked, hidden, spare=self.config.max_interactions, rng=self.rng,
                              random_rate=self.config.random_click_rate,
                              one_piece_rate=self.config.one_piece_rate, given=given)
        interactions = self.rng.integers(1, self.config.max_interactions + 1, size=n)
        inputs = network_input(images[:, 0], self.spec, clicks, windowed=True,  # the previous mask starts empty
                               neighbour=neighbour)
        self.simulation_seconds += time.perf_counter() - t0
        return _Clicking(inputs, targets, clicks, interactions)

    def complete(self, prepared: _Clicking, model: torch.nn.Module, compute: Compute) -> Batch:
        """The rounds that need the current model: it predicts (no gradient) the slices still
        interacting, and a corrective click goes into the biggest error of each of them (1..5
        interactions per slice). A slice's prediction does not depend on the others in its batch,
        so predicting the active slices only gives the clicks that predicting all of them gave."""
        inputs, targets, clicks, interactions = prepared
        for round_ in range(2, int(interactions.max()) + 1):
            active = np.flatnonzero(interactions >= round_)
            prob = predict_slices(model, inputs[active], compute, batch_slices=len(active))
            t0 = time.perf_counter()
            corrective_clicks(clicks, active, prob > THRESHOLD, targets)
            if self.spec.prev_mask:
                set_previous_mask(inputs, active, prob)
            update_click_maps(inputs, clicks, self.spec)
            self.simulation_seconds += time.perf_counter() - t0
        return Batch(inputs, targets[:, None].astype(np.float32))

    def batch(self, model: torch.nn.Module, compute: Compute) -> Batch:
        """A minibatch of network inputs with simulated clicks (1..5 interactions) and targets."""
        return self.complete(self.prepare(), model, compute)

    def validate(self, model: torch.nn.Module, compute: Compute) -> Validation:
        value = interactive_validation_dice(model, self.val_cases, self.values, compute, self.spec,
                                            walk_arms=self.config.walk_arms)
        return Validation(value, value)

    def state_dict(self) -> dict:
        return {"sampler": self.sampler.state_dict(), "rng": self.rng.bit_generator.state}

    def load_state_dict(self, state: dict) -> None:
        self.sampler.load_state_dict(state["sampler"])
        self.rng.bit_generator.state = state["rng"]

