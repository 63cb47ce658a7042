"""Turn a pytest-benchmark JSON file into a markdown table: median per implementation, and how many
times faster bonebench is than each other implementation in the same group.

    python -m pytest benchmarks --benchmark-json=bench.json && python tools/bench_ratios.py bench.json
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict


def _impl(name: str) -> str:
    return name.split("[", 1)[1].rstrip("]") if "[" in name else name


def main(path: str) -> None:
    data = json.load(open(path))
    groups: dict[str, dict[str, float]] = defaultdict(dict)
    for bench in data["benchmarks"]:
        groups[bench["group"] or bench["name"]][_impl(bench["name"])] = bench["stats"]["median"]
    machine = data.get("machine_info", {})
    print(f"machine: {machine.get('cpu', {}).get('brand_raw', '?')}, {machine.get('cpu', {}).get('count', '?')} "
          f"cores, Python {machine.get('python_version', '?')}; {data.get('datetime', '')}\n")
    print("| group | implementation | median | bonebench is faster by |")
    print("|---|---|---|---|")
    for group, impls in groups.items():
        ours = next((v for k, v in impls.items() if k == "bonebench"), None)
        for impl, median in sorted(impls.items(), key=lambda kv: kv[1]):
            ratio = "" if ours is None or impl.startswith("bonebench") else f"{median / ours:.1f}x"
            unit = f"{median * 1e3:.3f} ms" if median < 1 else f"{median:.2f} s"
            print(f"| {group} | {impl} | {unit} | {ratio} |")


if __name__ == "__main__":
    main(sys.argv[1])
