"""Procedural CT phantoms of bones and joints, so the study and the one-click tools run anywhere.

`legs` (the default) is the original lower-leg phantom (`legs.py`, unchanged output). The other
regions (`hip`, `knee`, `shoulder`, `arm`, `thorax`, and `mixed`: one random region per case) are
3D bone shapes with joints, drawn with the between-patient spread of clinical CT (`spread.py`
documents the ranges and where they come from). `REGIONS` is the one registry: the factory
(`make_region_phantom`, `write_region_dataset`) and the `bb-data phantoms --region` choices read it;
`ANATOMICAL_REGIONS` names all but `mixed` (the tools' blocks of seeds run over them in this order).
"""

from bonebench.data.phantoms.bones import BONE_LABELS
from bonebench.data.phantoms.legs import (FIBULA, LABELS, TIBIA, PhantomShape, make_phantom,
                                          write_phantom_dataset)
from bonebench.data.phantoms.registry import (ANATOMICAL_REGIONS, REGIONS, make_region_phantom, region_labels,
                                              write_region_dataset)

__all__ = ["FIBULA", "TIBIA", "LABELS", "PhantomShape", "make_phantom", "write_phantom_dataset",
           "BONE_LABELS", "REGIONS", "ANATOMICAL_REGIONS", "make_region_phantom", "region_labels",
           "write_region_dataset"]
