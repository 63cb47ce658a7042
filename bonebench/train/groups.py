"""The model-group registry: one dict that feeds the model factory, the CLI choices, the sweep and
the exporter. A group's settings travel inside every checkpoint."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from bonebench.errors import InputError

RESTORATION, SEGMENTATION, INTERACTIVE = "restoration", "segmentation", "interactive"


@dataclass(frozen=True)
class ModelGroup:
    key: str  # CLI name
    display: str  # the study's name stem: Seg -> Seg1, Seg70
    kind: str  # restoration | segmentation | interactive
    in_channels: int
    pretrained: bool  # starts from restoration weights (--init)
    prev_mask: bool  # the previous prediction is an input channel (RITM-style)
    description: str

    def to_dict(self) -> dict:
        return asdict(self)


def _inter(key: str, display: str, pretrained: bool, prev_mask: bool, what: str) -> ModelGroup:
    return ModelGroup(key, display, INTERACTIVE, 4 if prev_mask else 3, pretrained, prev_mask, what)


GROUPS: dict[str, ModelGroup] = {g.key: g for g in [
    ModelGroup("restoration", "Restoration", RESTORATION, 1, False, False,
               "self-supervised restoration of distorted patches (Models Genesis), no labels"),
    ModelGroup("seg", "Seg", SEGMENTATION, 1, False, False, "baseline: image in, mask out, from scratch"),
    ModelGroup("pretrained", "SegPretrained", SEGMENTATION, 1, True, False,
               "the baseline fine-tuned from restoration weights"),
    _inter("inter", "SegInter", False, False, "image + foreground and background click maps"),
    _inter("inter-prev", "SegInterPrev", False, True, "SegInter + the previous prediction as a 4th channel"),
    _inter("inter-pretrained", "SegInterPretrained", True, False, "SegInter from restoration weights"),
    _inter("inter-pretrained-prev", "SegInterPretrainedPrev", True, True,
           "SegInter from restoration weights, with the previous prediction"),
]}


def get_group(key: str) -> ModelGroup:
    try:
        return GROUPS[key]
    except KeyError:
        raise InputError(f"unknown model group {key!r}; valid groups: {', '.join(GROUPS)}") from None


def interactive_group_key(pretrained: bool, prev_mask: bool) -> str:
    return "inter" + ("-pretrained" if pretrained else "") + ("-prev" if prev_mask else "")


def model_name(group: ModelGroup, patients: int) -> str:
    """The study's naming: Seg1, SegPretrained10, SegInter70."""
    return f"{group.display}{patients}"


def build_model(group: ModelGroup, base_width: int):
    from bonebench.train.unet import UNet

    return UNet(in_channels=group.in_channels, base_width=base_width)
