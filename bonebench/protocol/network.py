"""The network's contract, owned here and nowhere else: the input channels and their order, the
intensity window, the pad rule (4 poolings: H and W multiples of 16) and the probability threshold.

`network_input` is the one function that assembles a network input, for training (simulated
clicks), validation, bb-eval and the workstation runtime (real clicks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bonebench.data.intensity import HU_MAX, HU_MIN, window_hu

IMAGE, FOREGROUND_MAP, BACKGROUND_MAP, PREVIOUS_MASK = 0, 1, 2, 3  # the neighbour mask comes last (InputSpec)
PAD_MULTIPLE = 16
THRESHOLD = 0.5
# Click maps: sigma 2 px, as MONAI Deepgrow (the closest public take on Sakinis et al., the study's
# reference for click maps); DeepEdit uses 3. On the study's 96x96 patches a bone shaft is 8-20 px
# across, so sigma 2 marks a spot inside it without spilling over its cortex.
DEFAULT_CLICK_SIGMA = 2.0


def channel_count(interactive: bool, prev_mask: bool, neighbour_mask: bool = False) -> int:
    """Input channels: the image; + foreground and background click maps; + the previous mask (the same
    slice's last prediction); + the neighbouring slice's mask (the walk's memory), in that order."""
    if not interactive:
        return 1
    return BACKGROUND_MAP + 1 + int(prev_mask) + int(neighbour_mask)


@dataclass(frozen=True)
class InputSpec:
    """What a network expects as input; ModelInfo.inputs gives it for an exported model."""

    interactive: bool
    prev_mask: bool = False
    click_sigma: float = DEFAULT_CLICK_SIGMA
    hu_window: tuple[float, float] = (HU_MIN, HU_MAX)
    neighbour_mask: bool = False

    @property
    def channels(self) -> int:
        return channel_count(self.interactive, self.prev_mask, self.neighbour_mask)

    @property
    def neighbour_channel(self) -> int:
        """The index of the neighbouring slice's mask (the last channel of a neighbour-mask spec)."""
        if not self.neighbour_mask:
            raise ValueError("this network takes no neighbour mask")
        return self.channels - 1


def network_input(image: np.ndarray, spec: InputSpec, clicks=None, prev_mask: np.ndarray | None = None, *,
                  windowed: bool = False, out: np.ndarray | None = None,
                  neighbour: np.ndarray | None = None) -> np.ndarray:
    """(N, C, H, W) float32 network input for N slices `image` (N, H, W).

    `image` is HU, windowed here with the spec's window (or already in [0, 1] with windowed=True:
    the training sampler's patches); `clicks` a protocol.clicks.ClickSet for interactive specs;
    `prev_mask` (N, H, W) the previous prediction for prev-mask models, `neighbour` (N, H, W) the
    neighbouring slice's mask for neighbour-mask models (zeros when None). With `out`, written in place
    (training refreshes the click maps of one buffer each interaction)."""
    n, h, w = image.shape
    if out is None:
        out = np.zeros((n, spec.channels, h, w), np.float32)
    out[:, IMAGE] = image if windowed else window_hu(image, *spec.hu_window)
    if spec.interactive:
        if clicks is None:
            raise ValueError("an interactive network input needs clicks")
        update_click_maps(out, clicks, spec)
    if spec.prev_mask:
        out[:, PREVIOUS_MASK] = 0.0 if prev_mask is None else prev_mask
    if spec.neighbour_mask:
        out[:, spec.neighbour_channel] = 0.0 if neighbour is None else neighbour
    return out


def update_click_maps(inputs: np.ndarray, clicks, spec: InputSpec) -> None:
    """Rewrite the click-map channels of a network input in place from a ClickSet."""
    clicks.maps(spec.click_sigma, out=inputs[:, FOREGROUND_MAP:BACKGROUND_MAP + 1])


def set_previous_mask(inputs: np.ndarray, rows: np.ndarray, probability: np.ndarray) -> None:
    """Write the previous prediction of the selected rows into a prev-mask network input."""
    inputs[rows, PREVIOUS_MASK] = probability


def padded_size(size: int) -> int:
    """The smallest multiple of PAD_MULTIPLE at least `size`."""
    return -(-size // PAD_MULTIPLE) * PAD_MULTIPLE


def pad_slices(x: np.ndarray) -> np.ndarray:
    """Zero-pad (N, C, H, W) at the bottom and right to multiples of PAD_MULTIPLE (0 = air once windowed)."""
    h, w = x.shape[2:]
    ph, pw = padded_size(h) - h, padded_size(w) - w
    if ph == 0 and pw == 0:
        return np.ascontiguousarray(x)
    return np.pad(x, ((0, 0), (0, 0), (0, ph), (0, pw)))
