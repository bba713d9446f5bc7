"""How long the browser widgets (lab.widgets) take to redraw when a control moves: the
trajectory widget of notebook optimizer_comparison (every optimizer, up to 1,000 steps, paths
computed in JavaScript) and a layer-profile explorer like those of the initialization notebook
(states precomputed by lab). Measured in headless Chromium (Debian's, through Playwright), at
full speed and with the CPU slowed down 4 times by Chromium's throttling (about a mid-range
phone): the redraw itself (performance.now() around it) and the time from the input event to
the next frame (with style, layout, paint and the wait for the frame). The target is under
100 ms.

    .venv/bin/python benchmarks/widget.py
"""
import pathlib
import statistics
import tempfile

import numpy as np
from playwright.sync_api import sync_playwright

import lab
from lab import plots, widgets
from lab.trajectories import RULES

CHROMIUM = "/usr/bin/chromium"
ROUNDS = 15


def trajectory_widget():
    def slider(name, values, value):
        return widgets.Slider(name, name, values, value=value)
    return widgets.trajectories(
        widgets.Select("surface", "surface", ["quadratic", "rosenbrock", "saddle"], value="rosenbrock"),
        widgets.Checkboxes("optimizers", "optimizers", {name: name for name in RULES}, tuple(RULES)),
        (slider("sgd_rate", tuple(float(f"{10 ** e:.3g}") for e in np.arange(-3, -0.49, 0.05)), 0.01),
         slider("adaptive_rate", tuple(float(f"{10 ** e:.3g}") for e in np.arange(-3, 0.01, 0.05)), 0.1)),
        slider("momentum", (0.0, 0.5, 0.9), 0.9), slider("rho", (0.9,), 0.9), slider("rho_2", (0.999,), 0.999),
        slider("steps", tuple(range(20, 1001, 20)), 1000), title="{steps} steps")


def profile_explorer():
    data = lab.experiments.mnist1d()
    x, y = data.x_val[:512], data.y_val[:512]

    def compute(depth, activation):
        lab.device.set_seed(0)
        model = lab.diagnostics.mlp(depth, activation=activation, kernel_initializer="he_normal")
        return lab.diagnostics.layer_statistics(model, x, y)
    return widgets.Explorer([widgets.Slider("depth", "depth", (10, 30)), widgets.Select("activation", "a", ["relu", "tanh"])],
                            compute, [widgets.Panel.quantity("activation_std"), widgets.Panel.quantity("gradient_std")])


def main():
    plots.use_language("en")
    cases = [("trajectories, 8 optimizers × 1,000 steps", trajectory_widget(), "adaptive_rate"),
             ("layer-profile explorer, 2 panels", profile_explorer(), "depth")]
    print(f"| widget | CPU | redraw ms, median | worst | to the next frame ms, median | worst ({ROUNDS} moves) |")
    print("|---|---|---:|---:|---:|---:|")
    slowest = 0.0
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for label, widget, control in cases:
            page_file = pathlib.Path(folder) / "widget.html"
            page_file.write_text(f"<!doctype html><meta charset=utf-8><body>{widget._repr_html_()}</body>",
                                 encoding="utf-8")
            for rate in (1, 4):
                page = browser.new_page(viewport={"width": 412, "height": 860})
                page.goto(page_file.as_uri())
                session = page.context.new_cdp_session(page)
                session.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                positions = [i % page.evaluate(f"+document.querySelector('[data-name={control}]').max + 1")
                             for i in range(ROUNDS)]
                page.evaluate(widgets.REDRAW_TIMER, [control, positions[:3]])  # warm up
                redraws, frames = zip(*page.evaluate(widgets.REDRAW_TIMER, [control, positions]))
                page.close()
                if rate == 4:
                    slowest = max(slowest, statistics.median(redraws))
                print(f"| {label} | {'full speed' if rate == 1 else '4× slower'} | "
                      f"{statistics.median(redraws):.1f} | {max(redraws):.1f} | "
                      f"{statistics.median(frames):.1f} | {max(frames):.1f} |")
        browser.close()
    print(f"\nslowest median redraw, CPU 4× slower: {slowest:.1f} ms (target: < 100 ms)")


if __name__ == "__main__":
    main()
