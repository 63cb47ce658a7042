"""Run from the repository root: python docs/results/one-click/tenth-session/moved_sections_no_depth_limit.py OUT
--tuning --per-region 12 --random-clicks 0 --openkbp ../shared/data/openkbp-mandible: the one-click table with
the moved-sections rule (runtime.interactive.MOVED_SECTIONS) and no depth limit (MOVED_DEPTH_MM infinite). The
table in tuning-moved-sections-no-depth-limit/ was measured with this session's prototype of the rule, the same
logic (its limited version gave scores identical to the runtime's on the tuning and third sets)."""
import runpy
import sys

from bonebench.runtime import interactive

interactive.MOVED_DEPTH_MM = float("inf")
sys.argv = ["one_click_eval.py"] + sys.argv[1:]
sys.path.insert(0, "tools")
runpy.run_path("tools/one_click_eval.py", run_name="__main__")
