"""Run from the repository root: python docs/results/one-click/eleventh-session/own_slice_rewalk.py OUT
[one_click_eval options]: tools/one_click_eval.py with a rule tried and not kept: a click on a slice the user clicked
before (after a propagation) clears the walks that started from it, so the next propagate() redoes them from the
corrected slice (and carries a piece the click added there), as a click on a walked slice redoes the walk beyond it.
For measuring only: the cleared slices are not remembered for undo."""
import runpy
import sys

from bonebench.runtime import interactive

original_click = interactive.InteractiveSession.click


def click(self, x, y, z, positive=True):
    if z in self.clicks and z not in self._walks:
        for w in [w for w, (start, _) in self._walks.items() if start == z]:
            self.mask[w] = 0
            self.clicks.pop(w, None)
            del self._walks[w]
    return original_click(self, x, y, z, positive)


interactive.InteractiveSession.click = click
sys.path.insert(0, "tools")
sys.argv = ["tools/one_click_eval.py"] + sys.argv[1:]
runpy.run_path("tools/one_click_eval.py", run_name="__main__")
