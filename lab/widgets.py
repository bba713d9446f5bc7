"""Widgets that answer in the browser, with no kernel: on the website as in Jupyter or Colab.

An ipywidgets widget asks the Python kernel for every redraw, so on the static website (or in
any notebook viewer) its controls do nothing. A widget here is one HTML fragment instead:
native controls labelled in the figure language (`lab.plots.use_language`), an SVG figure drawn
by a short script of its own (no library, nothing loaded from elsewhere) and its numbers as
JSON. The numbers come from lab either way:

- `Explorer`: a notebook function computes every combination of the controls' values
  beforehand (a grid); moving a control looks the combination up and redraws.
- `trajectories`: the optimizer paths are computed in the browser by
  `lab.trajectories.JAVASCRIPT`, the NumPy rules of `lab.trajectories` written again in
  JavaScript (tests/test_site_widgets.py checks them against `lab.trajectories.run`).

A cell ends with the widget (it has `_repr_html_`), e.g.

    lab.widgets.Explorer([lab.widgets.Slider("depth", "depth", (5, 10, 20), value=10)],
                         compute=lambda depth: statistics_of(depth),
                         panels=[lab.widgets.Panel.quantity("activation_std")])

Every redraw stores its numbers and its duration in the widget element's `labState`, for the
browser tests and benchmarks/widget.py.
"""
import collections.abc
import dataclasses
import hashlib
import html
import itertools
import json

import numpy as np

from . import plots, trajectories as trajectories_module

SIGNIFICANT_DIGITS = 5  # of every number sent to the page: plenty for a figure, a third of the bytes


def _text(en, fa):
    """Plain text in the figure language (tr() may reshape Persian for old matplotlib; HTML must not)."""
    return en if plots.language() == "en" else fa


@dataclasses.dataclass(frozen=True)
class Select:
    """A drop-down list; `options` maps each value to the text shown (a list shows the values)."""
    name: str
    label: str
    options: collections.abc.Mapping | collections.abc.Sequence
    value: object = None  # None: the first option

    def choices(self):
        options = self.options if isinstance(self.options, collections.abc.Mapping) else {v: str(v) for v in self.options}
        return list(options.items())


@dataclasses.dataclass(frozen=True)
class Slider:
    """A slider over the given values (any spacing: a grid, or powers of ten).

    `cuts=True`: the values are not computed one by one; the series along the layers are cut
    to the first `value` layers instead (right for a forward-only profile, whose first d
    layers are those of a d-layer stack). `applies_to=(control name, values)`: the slider
    matters only when that control has one of those values; otherwise it is disabled and
    the combinations use its default value.
    """
    name: str
    label: str
    values: collections.abc.Sequence
    value: object = None  # None: the first value
    cuts: bool = False
    applies_to: tuple = None
    digits: int = 3  # significant digits of the value shown next to the slider

    def choices(self):
        return [(v, _number(v, self.digits)) for v in self.values]


@dataclasses.dataclass(frozen=True)
class Checkboxes:
    """A group of checkboxes; `options` maps each value to the text shown."""
    name: str
    label: str
    options: collections.abc.Mapping
    value: collections.abc.Sequence = ()

    def choices(self):
        return list(self.options.items())


@dataclasses.dataclass(frozen=True)
class Panel:
    """One plot of an `Explorer`: the computed series `series` against the series `x`, or
    against the layers 1, 2, … when `x` is None."""
    series: str
    ylabel: str
    x: str = None
    xlabel: str = None  # None: the hidden layers' label of lab.plots.layer_profile
    log: bool = False

    @classmethod
    def quantity(cls, quantity):
        """The panel lab.plots.layer_profile draws for a LayerStatistics field: its axis label,
        and a logarithmic axis for standard deviations."""
        return cls(quantity, _text(*plots._AXIS_LABELS[quantity]), log=quantity.endswith("std"))


@dataclasses.dataclass(frozen=True)
class Readout:
    """A number shown under the figure: `series` at the first or last shown layer ("first",
    "last"). `label` may name the layer as {layer}."""
    label: str
    series: str
    at: str = "last"


def _number(value, digits=SIGNIFICANT_DIGITS):
    return f"{value:.{digits}g}" if isinstance(value, float) else str(value)


def _numbers(values):
    """A list for JSON: SIGNIFICANT_DIGITS digits, None (null) for what is not finite."""
    return [float(_number(float(v))) if np.isfinite(v) else None
            for v in np.asarray(values, dtype="float64").ravel()]


def _plain(value):
    """A NumPy scalar as the Python number JSON takes."""
    return value.item() if isinstance(value, np.generic) else value


def _default(control):
    values = [value for value, _ in control.choices()]
    if isinstance(control, Checkboxes):
        return list(control.value)
    return values[0] if control.value is None else control.value


class Widget:
    """An HTML fragment with its controls, its figure, its data and its script."""

    def __init__(self, kind, controls, data, title=""):
        names = [control.name for control in controls]
        if len(set(names)) != len(names):
            raise ValueError(f"control names must differ, got {names}")
        for control in controls:
            values = [value for value, _ in control.choices()]
            chosen = control.value if isinstance(control, Checkboxes) else [_default(control)]
            if not values or any(value not in values for value in chosen):
                raise ValueError(f"{control.name}: the value {control.value!r} is not among {values}")
        self.kind, self.controls, self.title = kind, list(controls), title
        self.data = {"kind": kind, "title": title, "language": plots.language(), **data,
                     "controls": [self._control_data(c) for c in controls]}

    @staticmethod
    def _control_data(control):
        return {"name": control.name, "values": [_plain(value) for value, _ in control.choices()],
                "texts": [text for _, text in control.choices()],
                "cuts": getattr(control, "cuts", False), "appliesTo": getattr(control, "applies_to", None)}

    def _controls_html(self, uid):
        parts = []
        for control in self.controls:
            cid = f"{uid}-{control.name}"
            label = html.escape(control.label)
            choices = control.choices()
            if isinstance(control, Select):
                options = "".join(f'<option value="{i}"{" selected" if value == _default(control) else ""}>'
                                  f"{html.escape(text)}</option>" for i, (value, text) in enumerate(choices))
                parts.append(f'<div class="lab-control"><label for="{cid}">{label}</label>'
                             f'<select id="{cid}" data-name="{control.name}">{options}</select></div>')
            elif isinstance(control, Slider):
                index = [value for value, _ in choices].index(_default(control))
                text = html.escape(choices[index][1])
                parts.append(f'<div class="lab-control"><label for="{cid}">{label}</label>'
                             f'<input type="range" id="{cid}" data-name="{control.name}" min="0" '
                             f'max="{len(choices) - 1}" step="1" value="{index}" aria-valuetext="{text}">'
                             f'<output for="{cid}">{text}</output></div>')
            else:
                boxes = "".join(f'<label><input type="checkbox" data-name="{control.name}" value="{i}"'
                                f'{" checked" if value in control.value else ""}> {html.escape(text)}</label>'
                                for i, (value, text) in enumerate(choices))
                parts.append(f'<fieldset class="lab-control lab-boxes"><legend>{label}</legend>{boxes}</fieldset>')
        return "".join(parts)

    def _repr_html_(self):
        payload = json.dumps(self.data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        uid = "lab-widget-" + hashlib.sha1(payload.encode()).hexdigest()[:10]
        script = _SCRIPT + (_TRAJECTORY_SCRIPT if self.kind == "trajectories" else "")
        no_script = _text("This figure is drawn by JavaScript: open the page on the course website, "
                          "or run the notebook in Jupyter or Colab.",
                          "این شکل را جاوااسکریپت می‌کشد: صفحه را در وبگاه درس باز کنید، "
                          "یا نوت‌بوک را در Jupyter یا Colab اجرا کنید.")
        # "</" would end the <script> element early; JSON allows "<\/" for it.
        payload = payload.replace("</", "<\\/")
        return (f'<div class="lab-widget" id="{uid}" lang="{plots.language()}">'
                f"<style>{_STYLE}</style>"
                f'<div class="lab-controls">{self._controls_html(uid)}</div>'
                f'<p class="lab-title"></p><div class="lab-figure"></div>'
                f'<div class="lab-readout" aria-live="polite"></div>'
                f'<p class="lab-no-script">{html.escape(no_script)}</p>'
                f'<script type="application/json" class="lab-data">{payload}</script>'
                f'<script>{script}\nlabWidgets.mount(document.getElementById("{uid}"));</script></div>')


class Explorer(Widget):
    """Controls over a grid of precomputed states and the panels that draw them.

    `compute(**values)` is called once for every combination of the values of the controls
    (but sliders with `cuts`; and a slider whose `applies_to` does not hold takes its default)
    and returns the series the panels and readouts name: a mapping, or an object with those
    attributes (a `lab.diagnostics.LayerStatistics`). `title` may name controls, {depth}.
    """

    def __init__(self, controls, compute, panels, title="", readout=()):
        keyed = [c for c in controls if not getattr(c, "cuts", False)]
        if any(isinstance(c, Checkboxes) for c in controls):
            raise TypeError("an Explorer takes Select and Slider controls")
        needed = {p.series for p in panels} | {p.x for p in panels if p.x} | {r.series for r in readout}
        states, index = [], {}
        for combination in itertools.product(*[range(len(c.choices())) for c in keyed]):
            positions = dict(zip([c.name for c in keyed], combination))
            values = {c.name: c.choices()[positions[c.name]][0] for c in keyed}
            for control in keyed:  # an inapplicable slider keeps its default: one state for all its values
                rule = getattr(control, "applies_to", None)
                if rule and values[rule[0]] not in rule[1]:
                    values[control.name] = _default(control)
                    positions[control.name] = [v for v, _ in control.choices()].index(values[control.name])
            # The key: the positions of the values in their controls, as the page's script writes it.
            key = json.dumps([positions[c.name] for c in keyed], separators=(",", ":"))
            if key not in index:
                result = compute(**values)
                get = result.__getitem__ if isinstance(result, collections.abc.Mapping) else lambda n: getattr(result, n)
                index[key] = len(states)
                states.append({name: _numbers(get(name)) for name in sorted(needed)})
        super().__init__("explorer", controls, {
            "keyed": [c.name for c in keyed], "index": index, "states": states,
            "panels": [dataclasses.asdict(p) | {"xlabel": p.xlabel or _text(
                "Hidden layer (1 = next to the input)", "لایهٔ پنهان (۱ = کنار ورودی)")} for p in panels],
            "readout": [dataclasses.asdict(r) for r in readout], "colors": plots.OKABE_ITO,
        }, title)


def _contours(surface, points=60, levels=15):
    """The contour lines of lab.plots.trajectories' background (log(1 + f − f_min)) on a
    coarser grid, as integer coordinates in thousandths of the surface's window."""
    import contourpy
    from matplotlib.ticker import MaxNLocator

    x, y, z = plots._loss_grid(surface, points)
    x_min, x_max, y_min, y_max = surface.window
    generator = contourpy.contour_generator(x, y, z)
    lines = []
    for level in MaxNLocator(levels + 1).tick_values(z.min(), z.max()):  # as matplotlib's levels=15
        for line in generator.lines(level):
            scaled = np.rint(1000 * (line - [x_min, y_min]) / [x_max - x_min, y_max - y_min])
            lines.append(scaled.astype(int).ravel().tolist())
    return lines


def trajectories(surface, optimizers, rates, momentum, rho, rho_2, steps, title=""):
    """The trajectory widget: optimizer paths on 2-D loss surfaces, computed in the browser by
    lab.trajectories.JAVASCRIPT; the figure of lab.plots.trajectories with a table of each
    path's final loss.

    `surface` is a Select over keys of lab.trajectories.SURFACES; `optimizers` a Checkboxes
    over keys of lab.trajectories.RULES; `rates` two Sliders, the SGD family's rate and the
    adaptive one's; `momentum`, `rho`, `rho_2` and `steps` Sliders. `title` may name a
    control, {steps}.
    """
    for control, kind, known in [(surface, Select, "SURFACES"), (optimizers, Checkboxes, "RULES")]:
        if not isinstance(control, kind) or {value for value, _ in control.choices()} - set(getattr(trajectories_module, known)):
            raise ValueError(f"{getattr(control, 'name', 'control')} must be a {kind.__name__} over keys of "
                             f"lab.trajectories.{known}, got {control!r}")
    sgd_rate, adaptive_rate = rates
    controls = [surface, optimizers, sgd_rate, adaptive_rate, momentum, rho, rho_2, steps]
    data = {"surfaces": {key: {"start": s.start, "minima": s.minima, "window": s.window,
                               "contours": _contours(s)}
                         for key, s in trajectories_module.SURFACES.items()
                         if key in {value for value, _ in surface.choices()}},
            "adaptive": trajectories_module.ADAPTIVE, "colors": plots.OKABE_ITO,
            "roles": {"surface": surface.name, "optimizers": optimizers.name, "sgdRate": sgd_rate.name,
                      "adaptiveRate": adaptive_rate.name, "momentum": momentum.name, "rho": rho.name,
                      "rho2": rho_2.name, "steps": steps.name},
            "words": {"optimizer": _text("optimizer", "بهینه‌ساز"), "steps": _text("steps run", "گام‌های اجراشده"),
                      "end": _text("final θ", "θ پایانی"), "loss": _text("final loss", "اتلاف پایانی"),
                      "diverged": _text("diverged", "واگرا شد")}}
    return Widget("trajectories", controls, data, title)


# For timing a widget from a browser driver (tests/test_site_widgets.py, benchmarks/widget.py):
# evaluated with [control name, positions], it moves the control through the positions and
# returns, for each move, the redraw's own time (labState.redrawMs) and the time to the next frame.
REDRAW_TIMER = """async ([name, positions]) => {
  const root = document.querySelector(".lab-widget"), times = [];
  const input = root.querySelector(`[data-name="${name}"]`);
  for (const position of positions) {
    const start = performance.now();
    input.value = String(position);
    input.dispatchEvent(new Event("input", {bubbles: true}));
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
    times.push([root.labState.redrawMs, performance.now() - start]);
  }
  return times;
}"""


# Scoped to the widget, so that it looks the same on the website, in Jupyter and on Colab. The
# controls follow the page's direction; the figure keeps its axes left to right.
_STYLE = """
.lab-widget{margin:.5em 0 1em;font-size:.95em}
.lab-widget .lab-controls{display:flex;flex-wrap:wrap;gap:.4em 1.4em;align-items:center}
.lab-widget .lab-control{display:flex;align-items:center;gap:.5em;flex-wrap:wrap}
.lab-widget .lab-control input[type=range]{width:11em;max-width:60vw}
.lab-widget .lab-control output{min-width:4.5em;font-variant-numeric:tabular-nums;direction:ltr;unicode-bidi:isolate}
.lab-widget select{max-width:100%}
.lab-widget fieldset.lab-boxes{border:1px solid #ccc;border-radius:4px;padding:.2em .6em;margin:0}
.lab-widget fieldset.lab-boxes legend{float:none;width:auto;font-size:inherit;font-weight:inherit;margin:0;padding:0 .3em}
.lab-widget fieldset.lab-boxes label{margin-inline-end:.9em;white-space:nowrap}
.lab-widget .lab-title{font-weight:600;margin:.6em 0 .2em}
.lab-widget .lab-figure{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,340px),1fr));gap:.5em;max-width:1100px}
.lab-widget .lab-figure svg{width:100%;max-width:640px;height:auto;direction:ltr;overflow:visible}
.lab-widget .lab-figure svg text{font-size:12px;fill:currentColor}
.lab-widget .lab-readout table{border-collapse:collapse;margin:.3em 0;font-size:.92em}
.lab-widget .lab-readout :is(td,th){padding:.1em .6em;text-align:start}
.lab-widget .lab-readout .lab-number{direction:ltr;unicode-bidi:isolate;font-variant-numeric:tabular-nums}
.lab-widget .lab-swatch{display:inline-block;width:1.4em;height:.25em;vertical-align:middle;margin-inline-end:.4em}
.lab-widget [disabled]{opacity:.45}
"""

# The drawing and the controls, shared by every widget of a page (defined once).
_SCRIPT = r"""
window.labWidgets = window.labWidgets || (() => {
  const W = 360, H = 250, LEFT = 62, RIGHT = 10, TOP = 12, BOTTOM = 202;
  const SUPERSCRIPT = {"-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹"};
  const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})[c]);
  const number = (v, digits = 3) => {
    if (v === null || !Number.isFinite(v)) return "–";
    if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4)) return v.toExponential(digits - 1).replace("e+", "e");
    return String(Number(v.toPrecision(digits)));
  };

  function linearTicks(lo, hi, integer = false) {
    const raw = (hi - lo) / 5, power = 10 ** Math.floor(Math.log10(raw));
    const step = Math.max(integer ? 1 : 0, [1, 2, integer ? 5 : 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw));
    const ticks = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    return ticks.map((t) => [t, String(Number(t.toPrecision(6)))]);
  }

  function logTicks(lo, hi) {  // lo, hi: log10 of the range
    const first = Math.ceil(lo - 1e-9), last = Math.floor(hi + 1e-9), every = Math.max(1, Math.ceil((last - first + 1) / 6));
    const ticks = [];
    for (let p = first; p <= last; p += every) ticks.push([p, "10" + String(p).replace(/./g, (c) => SUPERSCRIPT[c])]);
    if (ticks.length >= 2) return ticks;
    // Within about a decade: round values, as on a linear axis.
    return linearTicks(10 ** lo, 10 ** hi).filter(([t]) => t > 0).map(([t, label]) => [Math.log10(t), label]);
  }

  // Scale for [lo, hi], padded like matplotlib's 5 % margins; log: values are log10 already.
  function scale(values, a, b, log, integer) {
    let lo = Math.min(...values), hi = Math.max(...values);
    if (!(hi > lo)) { lo -= log ? 0.5 : Math.abs(lo) * 0.1 + 0.1; hi += log ? 0.5 : Math.abs(hi) * 0.1 + 0.1; }
    const pad = (hi - lo) * 0.05;
    lo -= pad; hi += pad;
    const f = (v) => a + (v - lo) / (hi - lo) * (b - a);
    f.ticks = log ? logTicks(lo, hi) : linearTicks(lo, hi, integer);
    return f;
  }

  // One panel: a line of ys against xs (nulls and, on a log axis, values <= 0 break the line).
  function panelSvg(spec, xs, ys, color) {
    const keep = ys.map((y, i) => y !== null && xs[i] !== null && (!spec.log || y > 0));
    const yv = ys.map((y, i) => keep[i] ? (spec.log ? Math.log10(y) : y) : null);
    const shown = yv.filter((y) => y !== null);
    let out = `<rect x="${LEFT}" y="${TOP}" width="${W - LEFT - RIGHT}" height="${BOTTOM - TOP}" fill="none" stroke="#999" stroke-width="0.8"/>`;
    if (!shown.length) return out;
    const sx = scale(xs.filter((x) => x !== null), LEFT, W - RIGHT, false, !spec.x), sy = scale(shown, BOTTOM, TOP, spec.log);
    for (const [t, label] of sx.ticks) {
      const x = sx(t).toFixed(1);
      if (x < LEFT - 0.5 || x > W - RIGHT + 0.5) continue;
      out += `<line x1="${x}" x2="${x}" y1="${TOP}" y2="${BOTTOM}" stroke="#000" stroke-opacity="0.08"/>`
        + `<text x="${x}" y="${BOTTOM + 16}" text-anchor="middle">${label}</text>`;
    }
    for (const [t, label] of sy.ticks) {
      const y = sy(t).toFixed(1);
      if (y < TOP - 0.5 || y > BOTTOM + 0.5) continue;
      out += `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y}" y2="${y}" stroke="#000" stroke-opacity="0.08"/>`
        + `<text x="${LEFT - 5}" y="${y}" dy="0.35em" text-anchor="end">${label}</text>`;
    }
    let d = "", pen = "M";
    yv.forEach((y, i) => {
      if (y === null) { pen = "M"; return; }
      d += `${pen}${sx(xs[i]).toFixed(1)} ${sy(y).toFixed(1)}`;
      pen = "L";
    });
    const dots = xs.length <= 60 ? yv.map((y, i) => y === null ? "" :
      `<circle cx="${sx(xs[i]).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2" fill="${color}"/>`).join("") : "";
    out += `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6" stroke-linejoin="round"/>${dots}`;
    out += `<text x="${(LEFT + W - RIGHT) / 2}" y="${H - 12}" text-anchor="middle">${escape(spec.xlabel)}</text>`
      + `<text transform="translate(13 ${(TOP + BOTTOM) / 2}) rotate(-90)" text-anchor="middle">${escape(spec.ylabel)}</text>`;
    return out;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) => name in values ? values[name] : whole);
  }

  // The controls' current values ({name: value}) and texts ({name: text shown}).
  function read(root, data) {
    const values = {}, texts = {}, positions = {};
    for (const control of data.controls) {
      const inputs = root.querySelectorAll(`[data-name="${control.name}"]`);
      if (inputs[0].type === "checkbox") {
        values[control.name] = [...inputs].filter((i) => i.checked).map((i) => control.values[+i.value]);
        continue;
      }
      const input = inputs[0], index = +input.value;
      values[control.name] = control.values[index];
      texts[control.name] = control.texts[index];
      positions[control.name] = index;
      if (input.type === "range") {
        input.setAttribute("aria-valuetext", control.texts[index]);
        input.nextElementSibling.textContent = control.texts[index];
      }
    }
    for (const control of data.controls) {  // an inapplicable slider is disabled and keeps its default
      if (!control.appliesTo) continue;
      const input = root.querySelector(`[data-name="${control.name}"]`);
      input.disabled = !control.appliesTo[1].includes(values[control.appliesTo[0]]);
      if (input.disabled) {
        positions[control.name] = +input.defaultValue;
        values[control.name] = control.values[positions[control.name]];
      }
    }
    return {values, texts, positions};
  }

  const kinds = {};

  kinds.explorer = (root, data, values, texts, positions) => {
    const key = JSON.stringify(data.keyed.map((name) => positions[name]));
    const state = data.states[data.index[key]];
    const cut = data.controls.find((c) => c.cuts);
    const layers = cut ? values[cut.name] : undefined;
    const svgs = root.querySelectorAll(".lab-figure svg");
    const shown = {};
    data.panels.forEach((spec, i) => {
      let ys = state[spec.series], xs = spec.x ? state[spec.x] : ys.map((_, j) => j + 1);
      if (!spec.x && layers !== undefined) { ys = ys.slice(0, layers); xs = xs.slice(0, layers); }
      shown[spec.series] = ys;
      svgs[i].innerHTML = panelSvg(spec, xs, ys, data.colors[0]);
      svgs[i].setAttribute("aria-label", `${spec.ylabel}: ${ys.map((y) => number(y)).join(", ")}`);
    });
    const readout = data.readout.map((r) => {
      const ys = shown[r.series] || state[r.series].slice(0, layers);
      const layer = r.at === "first" ? 1 : ys.length;
      return {label: fill(r.label, {layer}), series: r.series, layer, value: ys[layer - 1]};
    });
    root.querySelector(".lab-readout").innerHTML = readout.map((r) =>
      `<span class="lab-reading">${escape(r.label)}: <span class="lab-number">${number(r.value)}</span></span>`).join(" · ");
    return {values, state, readout};
  };

  function mount(root) {
    if (!root || root.labState) return;
    const data = JSON.parse(root.querySelector(".lab-data").textContent);
    root.querySelector(".lab-no-script").remove();
    const figure = root.querySelector(".lab-figure");
    const panels = data.kind === "explorer" ? data.panels.length : 1;
    for (let i = 0; i < panels; i++) {
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("viewBox", data.kind === "explorer" ? `0 0 ${W} ${H}` : "0 0 480 340");
      svg.setAttribute("role", "img");
      figure.append(svg);
    }
    const redraw = () => {
      const start = performance.now();
      const {values, texts, positions} = read(root, data);
      root.querySelector(".lab-title").textContent = fill(data.title, texts);
      root.labState = kinds[data.kind](root, data, values, texts, positions);
      root.labState.redrawMs = performance.now() - start;
    };
    root.querySelector(".lab-controls").addEventListener("input", redraw);
    redraw();
  }

  return {mount, kinds, number, escape, fill};
})();
"""

# The trajectory widget's drawing, with the JavaScript rules of lab.trajectories.
_TRAJECTORY_SCRIPT = r"""
labWidgets.trajectoryRules = labWidgets.trajectoryRules || (() => {
""" + trajectories_module.JAVASCRIPT + r"""
  return {run, SURFACES};
})();
labWidgets.kinds.trajectories = labWidgets.kinds.trajectories || ((root, data, values, texts) => {
  const {run, SURFACES} = labWidgets.trajectoryRules, {number, escape} = labWidgets;
  const W = 480, H = 340, LEFT = 50, RIGHT = 10, TOP = 10, BOTTOM = 300;
  const role = (name) => values[data.roles[name]];
  const surface = data.surfaces[role("surface")], [x0, x1, y0, y1] = surface.window;
  const sx = (x) => LEFT + (x - x0) / (x1 - x0) * (W - LEFT - RIGHT);
  const sy = (y) => BOTTOM - (y - y0) / (y1 - y0) * (BOTTOM - TOP);
  const svg = root.querySelector(".lab-figure svg");
  if (svg.dataset.surface !== role("surface")) {  // the background: only when the surface changes
    const kx = (W - LEFT - RIGHT) / 1000, ky = (BOTTOM - TOP) / 1000;
    const lines = surface.contours.map((line) => {
      let d = "";
      for (let i = 0; i < line.length; i += 2) d += `${i ? "L" : "M"}${(LEFT + line[i] * kx).toFixed(1)} ${(BOTTOM - line[i + 1] * ky).toFixed(1)}`;
      return d;
    }).join("");
    let axes = `<path d="${lines}" fill="none" stroke="#bfbfbf" stroke-width="0.7"/>`
      + `<rect x="${LEFT}" y="${TOP}" width="${W - LEFT - RIGHT}" height="${BOTTOM - TOP}" fill="none" stroke="#999" stroke-width="0.8"/>`;
    const ticks = (lo, hi) => { const step = (hi - lo) > 3 ? 1 : 0.5, out = []; for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(t); return out; };
    for (const t of ticks(x0, x1)) axes += `<text x="${sx(t).toFixed(1)}" y="${BOTTOM + 15}" text-anchor="middle">${t}</text>`;
    for (const t of ticks(y0, y1)) axes += `<text x="${LEFT - 5}" y="${sy(t).toFixed(1)}" dy="0.35em" text-anchor="end">${t}</text>`;
    axes += `<text x="${(LEFT + W - RIGHT) / 2}" y="${H - 6}" text-anchor="middle">θ₁</text>`
      + `<text x="14" y="${(TOP + BOTTOM) / 2}" text-anchor="middle">θ₂</text>`;
    for (const [mx, my] of surface.minima) axes += `<path d="M${sx(mx) - 5} ${sy(my) - 5}l10 10m0 -10l-10 10" stroke="#000" stroke-width="2"/>`;
    axes += `<rect x="${sx(surface.start[0]) - 3.5}" y="${sy(surface.start[1]) - 3.5}" width="7" height="7"/>`;
    svg.innerHTML = `<g class="lab-background">${axes}</g><g class="lab-paths"></g>`;
    svg.dataset.surface = role("surface");
  }
  const optimizer = data.controls.find((c) => c.name === data.roles.optimizers);
  const paths = {};
  let drawn = "", rows = "";
  const clip = (v) => Math.max(-1e4, Math.min(1e4, v));  // a diverging path leaves the frame, not the page
  optimizer.values.forEach((name, i) => {
    if (!role("optimizers").includes(name)) return;
    const rate = data.adaptive.includes(name) ? role("adaptiveRate") : role("sgdRate");
    const path = paths[name] = run(name, role("surface"), surface.start, role("steps"), rate, role("momentum"), role("rho"), role("rho2"));
    const color = data.colors[i % data.colors.length], end = path[path.length - 1];
    const loss = SURFACES[role("surface")].loss(end);
    // Points less than a pixel from the last one drawn are left out: a converged path repeats
    // one pixel hundreds of times, and the page draws a few hundred points instead of 8,000.
    let points = "", px = Infinity, py = Infinity;
    path.forEach(([x, y], j) => {
      const u = clip(sx(x)), v = clip(sy(y));
      if (Math.abs(u - px) + Math.abs(v - py) < 1 && j < path.length - 1) return;
      points += `${u.toFixed(1)},${v.toFixed(1)} `;
      px = u; py = v;
    });
    drawn += `<polyline points="${points}" fill="none" stroke="${color}" stroke-width="1.4"/>`
      + `<circle cx="${clip(sx(end[0])).toFixed(1)}" cy="${clip(sy(end[1])).toFixed(1)}" r="3" fill="${color}"/>`;
    const steps = path.length - 1 < role("steps") ? `${path.length - 1} (${escape(data.words.diverged)})` : `${path.length - 1}`;
    rows += `<tr data-optimizer="${name}"><td><span class="lab-swatch" style="background:${color}"></span>${escape(optimizer.texts[i])}</td>`
      + `<td class="lab-number">${steps}</td><td class="lab-number">(${number(end[0], 4)}, ${number(end[1], 4)})</td>`
      + `<td class="lab-number">${number(loss, 4)}</td></tr>`;
    paths[name].loss = loss;
  });
  svg.querySelector(".lab-paths").innerHTML = drawn;
  svg.setAttribute("aria-label", labWidgets.fill(data.title, texts));
  const w = data.words;
  root.querySelector(".lab-readout").innerHTML = rows && `<table><thead><tr><th>${escape(w.optimizer)}</th><th>${escape(w.steps)}</th>`
    + `<th>${escape(w.end)}</th><th>${escape(w.loss)}</th></tr></thead><tbody>${rows}</tbody></table>`;
  return {values, paths};
});
"""
