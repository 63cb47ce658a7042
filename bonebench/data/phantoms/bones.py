"""The global label value of every phantom bone: one value per bone name in every region, so a
`mixed` dataset and the single-region datasets agree, and `legs` keeps its historical 1 = fibula,
2 = tibia. A leaf: the region modules and the registry both read it, and it imports nothing."""

BONE_LABELS = {"fibula": 1, "tibia": 2, "femur": 3, "patella": 4, "pelvis": 5, "humerus": 6,
               "scapula": 7, "clavicle": 8, "radius": 9, "ulna": 10, "vertebra": 11, "rib": 12,
               "sternum": 13}
