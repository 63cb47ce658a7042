"""The model-group registry: one dict that feeds the model factory, the task factory, the CLI
choices, the sweep and the exporter. Each group carries its behaviour (kind, task, input channels,
starting weights); a group's settings travel inside every checkpoint.

Torch is imported only when a model or task is built, so the study and the CLIs can read the
registry without it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Callable

from bonebench.errors import InputError
from bonebench.protocol.kinds import INTERACTIVE, RESTORATION, SEGMENTATION
from bonebench.protocol.network import InputSpec, channel_count
from bonebench.protocol.run_folders import RESTORATION_NAME

if TYPE_CHECKING:
    from bonebench.train.tasks import Task


def _restoration_task(group, config, dataset, split) -> "Task":
    from bonebench.train.tasks import RestorationTask

    return RestorationTask(config, dataset, split)


def _segmentation_task(group, config, dataset, split) -> "Task":
    from bonebench.train.tasks import SegmentationTask

    return SegmentationTask(config, dataset, split)


def _interactive_task(group, config, dataset, split) -> "Task":
    from bonebench.train.tasks import InteractiveTask

    return InteractiveTask(config, dataset, split, group)


TASK_FACTORIES: dict[str, Callable] = {RESTORATION: _restoration_task, SEGMENTATION: _segmentation_task,
                                       INTERACTIVE: _interactive_task}


@dataclass(frozen=True)
class ModelGroup:
    key: str  # CLI name
    display: str  # the study's name stem: Seg -> Seg1, Seg70
    kind: str  # protocol.kinds: restoration | segmentation | interactive
    pretrained: bool  # starts from restoration weights (--init)
    prev_mask: bool  # the previous prediction is an input channel (RITM-style)
    description: str
    neighbour_mask: bool = False  # the neighbouring slice's mask is an input channel (the walk's memory)

    @property
    def in_channels(self) -> int:
        return channel_count(self.kind == INTERACTIVE, self.prev_mask, self.neighbour_mask)

    def grows_from(self, source: "ModelGroup") -> bool:
        """Whether this group's network is `source`'s with a neighbour-mask channel more (SegInterWalk from
        SegInter): it may start from, or blend with, that model, the new channel's weights at 0."""
        return (self.neighbour_mask and not source.neighbour_mask and source.kind == self.kind
                and source.prev_mask == self.prev_mask)

    def input_spec(self, click_sigma: float) -> InputSpec:
        return InputSpec(self.kind == INTERACTIVE, self.prev_mask, click_sigma, neighbour_mask=self.neighbour_mask)

    def make_task(self, config, dataset, split) -> "Task":
        """The task that makes this group's minibatches, loss and validation score."""
        return TASK_FACTORIES[self.kind](self, config, dataset, split)

    def to_dict(self) -> dict:
        return {**asdict(self), "in_channels": self.in_channels}


def _inter(key: str, display: str, pretrained: bool, prev_mask: bool, what: str) -> ModelGroup:
    return ModelGroup(key, display, INTERACTIVE, pretrained, prev_mask, what)


RESTORATION_KEY = "restoration"
GROUPS: dict[str, ModelGroup] = {g.key: g for g in [
    ModelGroup(RESTORATION_KEY, RESTORATION_NAME, RESTORATION, False, False,
               "self-supervised restoration of distorted patches (Models Genesis), no labels"),
    ModelGroup("seg", "Seg", SEGMENTATION, False, False, "baseline: image in, mask out, from scratch"),
    ModelGroup("pretrained", "SegPretrained", SEGMENTATION, True, False,
               "the baseline fine-tuned from restoration weights"),
    _inter("inter", "SegInter", False, False, "image + foreground and background click maps"),
    _inter("inter-prev", "SegInterPrev", False, True, "SegInter + the previous prediction as a 4th channel"),
    _inter("inter-pretrained", "SegInterPretrained", True, False, "SegInter from restoration weights"),
    _inter("inter-pretrained-prev", "SegInterPretrainedPrev", True, True,
           "SegInter from restoration weights, with the previous prediction"),
    ModelGroup("inter-walk", "SegInterWalk", INTERACTIVE, False, False,
               "SegInter + the neighbouring slice's mask as a 4th channel: the propagation's memory", True),
]}


def get_group(key: str) -> ModelGroup:
    try:
        return GROUPS[key]
    except KeyError:
        raise InputError(f"unknown model group {key!r}; valid groups: {', '.join(GROUPS)}") from None


def interactive_group_key(pretrained: bool, prev_mask: bool, neighbour_mask: bool = False) -> str:
    return "inter" + ("-pretrained" if pretrained else "") + ("-prev" if prev_mask else "") + \
        ("-walk" if neighbour_mask else "")


def model_name(group: ModelGroup, patients: int) -> str:
    """The study's naming: Seg1, SegPretrained10, SegInter70; the restoration run is one model."""
    return group.display if group.kind == RESTORATION else f"{group.display}{patients}"


def build_model(group: ModelGroup, base_width: int):
    from bonebench.train.unet import UNet

    return UNet(in_channels=group.in_channels, base_width=base_width)
