"""How long one redraw of the trajectory widget (notebook optimizer_comparison) takes: the paths of the
chosen optimizers (`lab.trajectories.run`) plus the figure (`lab.plots.trajectories`)
rendered to PNG as Jupyter's inline backend does. The target is under 100 ms.

    .venv/bin/python benchmarks/widget.py
"""
import io
import statistics
import time

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402

from lab import plots  # noqa: E402
from lab.trajectories import RULES, SURFACES, run  # noqa: E402

ROUNDS = 15


def redraw(surface, names):
    paths = {name: run(name, surface) for name in names}
    plots.trajectories(surface, paths)


def main():
    # What the inline backend does at plt.show(): render the figure to PNG, then close it.
    plt.show = lambda: (plt.gcf().savefig(io.BytesIO(), format="png"), plt.close("all"))
    print(f"| surface | optimizers | median ms per redraw | worst ms ({ROUNDS} rounds) |")
    print("|---|---:|---:|---:|")
    slowest = 0.0
    for language in ("en", "fa"):
        plots.use_language(language)
        for name, surface in SURFACES.items():
            for names in (list(RULES)[:5], list(RULES)):
                redraw(surface, names)  # warm up: contour grid, fonts
                times = []
                for _ in range(ROUNDS):
                    start = time.perf_counter()
                    redraw(surface, names)
                    times.append(1000 * (time.perf_counter() - start))
                slowest = max(slowest, statistics.median(times))
                print(f"| {name} ({language}) | {len(names)} | {statistics.median(times):.0f} | {max(times):.0f} |")
    print(f"\nslowest median redraw {slowest:.0f} ms (target: < 100 ms)")


if __name__ == "__main__":
    main()
