"""Run from the repository root: python docs/results/one-click/eleventh-session/whole_piece_cut.py OUT [one_click_eval
options]: tools/one_click_eval.py with the first form of the background click's cut (not kept): a background click
on a walked slice drops every seed of the piece whose core (at least walk_seeds.DEEP_SHARE of its deepest) holds
it, rather than only the seeds on the core the click is on (walk_seeds.clicked_core)."""
import runpy
import sys

import numpy as np

from bonebench.protocol import walk_seeds


def whole_piece(mask, y, x):
    """The whole piece of the mask whose core holds (y, x), else None."""
    if not mask[y, x]:
        return None
    y0, x0, labels, _, depth = walk_seeds._pieces(mask)
    inside = labels == labels[y - y0, x - x0]
    if depth[y - y0, x - x0] < walk_seeds.DEEP_SHARE * depth[inside].max():
        return None
    piece = np.zeros(mask.shape, bool)
    piece[y0:y0 + inside.shape[0], x0:x0 + inside.shape[1]] = inside
    return piece


walk_seeds.clicked_core = whole_piece
sys.path.insert(0, "tools")
sys.argv = ["tools/one_click_eval.py"] + sys.argv[1:]
runpy.run_path("tools/one_click_eval.py", run_name="__main__")
