"""The model-group registry: one dict that feeds the model factory, the CLI choices and the sweep."""

from __future__ import annotations

from dataclasses import dataclass

from bonebench.errors import InputError


@dataclass(frozen=True)
class ModelGroup:
    key: str  # CLI name
    display: str  # the study's name, e.g. "Seg" -> Seg1, Seg70
    in_channels: int
    description: str


GROUPS: dict[str, ModelGroup] = {
    "seg": ModelGroup("seg", "Seg", 1, "baseline: image in, mask out, trained from scratch"),
}


def get_group(key: str) -> ModelGroup:
    try:
        return GROUPS[key]
    except KeyError:
        raise InputError(f"unknown model group {key!r}; valid groups: {', '.join(GROUPS)}") from None


def model_name(group: ModelGroup, patients: int) -> str:
    """The study's naming: Seg1, SegPretrained10, SegInter70."""
    return f"{group.display}{patients}"


def build_model(group: ModelGroup, base_width: int):
    from bonebench.train.unet import UNet

    return UNet(in_channels=group.in_channels, base_width=base_width)
