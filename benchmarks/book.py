"""How long the book takes to execute: seconds per notebook, the slowest cells, and the same
in units of a reference workload timed in the same run.

    make bench-book                                   # every notebook, one after the other
    .venv/bin/python benchmarks/book.py --jobs 2      # two kernels side by side
    .venv/bin/python benchmarks/book.py book/en/dropout.ipynb

The machines this runs on vary up to 3x from week to week, so seconds alone cannot show
progress. The reference unit is the time a fresh process takes to build, fit (3 epochs) and
evaluate a small Keras MLP on MNIST-1D, the kind of work the notebooks do: timed before and
after the notebooks (median of both), it moves with the machine, and the notebooks' times in
units of it do not. Targets: the whole book within 10 minutes, no notebook over 45 s.
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BOOK_LIMIT_S, NOTEBOOK_LIMIT_S = 600, 45

REFERENCE = """
import time
import lab
import keras
lab.device.set_seed(0)
data = lab.data.load_mnist1d()
start = time.perf_counter()
model = keras.Sequential([keras.Input((40,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)])
model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit(data.x_train, data.y_train, batch_size=32, epochs=3, verbose=0)
model.evaluate(data.x_val, data.y_val, verbose=0)
print(time.perf_counter() - start)
"""


def reference_seconds(repeats=3):
    """The reference workload, each time in a fresh process (imports not timed)."""
    return [float(subprocess.run([sys.executable, "-c", REFERENCE], check=True, cwd=ROOT,
                                 capture_output=True, text=True).stdout.split()[-1])
            for _ in range(repeats)]


def book_notebooks():
    """Every notebook of the table of contents, English part then Persian part."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    return [ROOT / f"{file}.ipynb" for file in files if (ROOT / f"{file}.ipynb").exists()]


def cell_seconds(cell):
    timing = cell.metadata.get("execution", {})
    try:
        start, end = (datetime.datetime.fromisoformat(timing[key].replace("Z", "+00:00"))
                      for key in ("iopub.status.busy", "iopub.status.idle"))
    except KeyError:
        return 0.0
    return (end - start).total_seconds()


def execute(path):
    """Run one notebook in a fresh kernel: (wall seconds, [(seconds, cell number, first line)])."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    cells = [(cell_seconds(cell), number, cell.source.strip().splitlines()[0][:60])
             for number, cell in enumerate(notebook.cells) if cell.cell_type == "code"
             and cell.source.strip()]
    return seconds, cells


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: the whole book")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks side by side")
    parser.add_argument("--top", type=int, default=20, help="how many slowest cells to list")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args()
    notebooks = [path.resolve() for path in args.notebooks] or book_notebooks()

    before = reference_seconds()
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = dict(zip(notebooks, pool.map(execute, notebooks)))
    total = time.perf_counter() - start
    after = reference_seconds()
    unit = statistics.median(before + after)

    def name(path):
        return path.relative_to(ROOT / "book").as_posix()

    print(f"reference unit (fresh 2x64 MLP, 3 epochs + evaluate): {unit:.2f} s "
          f"(before {min(before):.2f}-{max(before):.2f} s, after {min(after):.2f}-{max(after):.2f} s)")
    print(f"{len(notebooks)} notebooks, {args.jobs} side by side, {os.cpu_count()} CPUs\n")
    print("| notebook | seconds | units |\n|---|---:|---:|")
    for path, (seconds, _) in sorted(results.items(), key=lambda item: -item[1][0]):
        flag = " (over 45 s)" if seconds > NOTEBOOK_LIMIT_S else ""
        print(f"| {name(path)} | {seconds:.1f}{flag} | {seconds / unit:.1f} |")
    summed = sum(seconds for seconds, _ in results.values())
    print(f"| **sum** | {summed:.0f} | {summed / unit:.0f} |")
    print(f"| **wall clock** | {total:.0f} | {total / unit:.0f} |")
    cells = sorted(((seconds, name(path), number, line) for path, (_, cells) in results.items()
                    for seconds, number, line in cells), reverse=True)[:args.top]
    print(f"\nThe {args.top} slowest cells\n\n| seconds | units | notebook | cell | first line |\n"
          "|---:|---:|---|---:|---|")
    for seconds, notebook, number, line in cells:
        print(f"| {seconds:.1f} | {seconds / unit:.2f} | {notebook} | {number} | `{line}` |")
    slowest = max(seconds for seconds, _ in results.values())
    print(f"\nwall clock {total:.0f} s (target <= {BOOK_LIMIT_S} s for the whole book); slowest "
          f"notebook {slowest:.0f} s (target <= {NOTEBOOK_LIMIT_S} s)")
    if args.json:
        args.json.write_text(json.dumps({
            "unit": unit, "reference": {"before": before, "after": after}, "jobs": args.jobs,
            "wall": total, "notebooks": {name(p): {"seconds": s, "cells": c}
                                         for p, (s, c) in results.items()}}, indent=1))


if __name__ == "__main__":
    main()
