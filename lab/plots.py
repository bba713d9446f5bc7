"""Language-aware figures: one code cell draws an English or a Persian figure.

Both language twins of a notebook run identical code, so every label is written as
`tr("Layer", "لایه")` and `use_language` (called by `lab.setup`) picks the language, the
font and the chapter's style. Tick numbers stay in Latin digits in both languages, like the
numbers the code prints.

Every figure is WIDTH inches wide (640 px at 100 dpi, the width of the site's article column
on a desktop, where it shows unscaled). A phone shows the same PNG about 380 px wide: a wider
figure would shrink its 11 pt labels below legibility there (a 10-inch figure: 6 px), so
panels are stacked instead of set side by side.
"""
import functools
import pathlib
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from matplotlib import cycler, font_manager
from matplotlib.ticker import MaxNLocator

from . import LANGUAGES  # ("en", "fa")

FONT_DIR = pathlib.Path(__file__).parent / "fonts"
for _font_file in sorted(FONT_DIR.glob("*.ttf")):
    font_manager.fontManager.addfont(str(_font_file))

# Vazirmatn (OFL, github.com/rastikerdar/vazirmatn) covers Persian and Latin; DejaVu Sans,
# matplotlib's own font, supplies what Vazirmatn lacks, e.g. Greek letters such as σ.
_FONTS = {"en": ["DejaVu Sans"], "fa": ["Vazirmatn", "DejaVu Sans"]}

# Okabe & Ito (2008): eight colours that stay distinct under the common colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00",
             "#CC79A7", "#56B4E9", "#F0E442", "#000000")

WIDTH = 6.4  # inches, for every figure (see above)
HEIGHT = 3.6  # of a figure with one panel
PANEL_HEIGHT = 2.8  # of each panel of a stacked figure

STYLE = {
    "figure.figsize": (WIDTH, 4.0),
    "figure.constrained_layout.use": True,  # no clipped labels (Vazirmatn has tall lines)
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "axes.prop_cycle": cycler(color=OKABE_ITO),
}

# Since 3.11 matplotlib shapes complex scripts itself (libraqm): Persian letters join and
# run right to left. Reshaping the text beforehand as well would reorder it twice.
MATPLOTLIB_SHAPES_PERSIAN = matplotlib.__version_info__[:2] >= (3, 11)

_language = "en"


def use_language(lang):
    """Draw every following figure in `lang` ("en" or "fa") with the chapter's style."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    _language = lang
    matplotlib.rcParams.update(STYLE)
    matplotlib.rcParams["font.family"] = _FONTS[lang]


def language():
    """The current language code, "en" or "fa"."""
    return _language


def tr(en, fa):
    """The text for the current language, ready for a figure: `tr("Loss", "اتلاف")`."""
    for name, text in (("en", en), ("fa", fa)):
        if not isinstance(text, str):
            raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    if _language == "en":
        return en
    return fa if MATPLOTLIB_SHAPES_PERSIAN else _shape_for_old_matplotlib()(fa)


@functools.cache
def _shape_for_old_matplotlib():
    """matplotlib < 3.11 draws Persian as separate letters, left to right. arabic-reshaper
    joins the letters and python-bidi reorders them; without them, warn once."""
    try:
        import arabic_reshaper
        from bidi.algorithm import get_display
    except ImportError:
        warnings.warn(f"matplotlib {matplotlib.__version__} cannot join Persian letters: "
                      "install matplotlib>=3.11, or arabic-reshaper and python-bidi.",
                      stacklevel=3)
        return lambda text: text
    return lambda text: get_display(arabic_reshaper.reshape(text))


_AXIS_LABELS = {
    "activation_std": ("Activation std", "انحراف معیار فعال‌سازی"),
    "gradient_std": ("Back-propagated gradient std", "انحراف معیار گرادیان پس‌انتشار"),
    "weight_gradient_std": ("Weight gradient std", "انحراف معیار گرادیان وزن‌ها"),
    "activation_mean": ("Activation mean", "میانگین فعال‌سازی"),
    "val_accuracy": ("Validation accuracy", "دقت اعتبارسنجی"),
    "loss": ("Training loss", "اتلاف آموزش"),
    "dead_fraction": ("Units ≤ 0 on every probe input", "واحدهای ≤ ۰ روی همهٔ ورودی‌های نمونه"),
    "test_accuracy": ("Test accuracy", "دقت آزمون"),
    "sigmoid_input": ("Input of one sigmoid unit", "ورودی یک واحد سیگموید"),
    "gradient_norm": ("Global gradient norm", "نُرم سراسری گرادیان"),
    "batch_loss": ("Loss of the batch", "اتلاف دسته"),
    "labelled_examples": ("Labelled examples (log scale)", "نمونه‌های برچسب‌دار (مقیاس لگاریتمی)"),
    "distance_to_minimum": ("Distance to the minimum ‖θ − θ*‖", "فاصله تا کمینه ‖θ − θ*‖"),
    "effective_rate": ("Effective learning rate", "نرخ یادگیری مؤثر"),
    "step_over_rate": ("Step length |Δθ| / ϵ", "طول گام |Δθ| / ϵ"),
    "momentum_schedule": ("Momentum μ_t", "تکانهٔ μ_t"),
    "train_test_gap": ("Training − test accuracy", "دقت آموزش − دقت آزمون"),
}


def _finish(ax, xlabel, quantity, title=None, legend_columns=1, legend_outside=False):
    """Label the axes in the current language, add the legend and the title, show."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(tr(*_AXIS_LABELS[quantity]))
    if legend_outside:  # many lines: keep the legend off the data
        ax.legend(ncols=legend_columns, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    else:
        ax.legend(ncols=legend_columns)
    if title:
        ax.set_title(title)
    plt.show()


def figure(panels=1, height=None, **options):
    """A figure for the page, as `plt.subplots` returns it: WIDTH inches wide, with `panels`
    panels one above the other (never side by side: see the module docstring), HEIGHT tall
    for one panel and PANEL_HEIGHT per panel for more, unless `height` is given; `options`
    go to plt.subplots."""
    if height is None:  # 0.6 in more for the title and the x axis label
        height = HEIGHT if panels == 1 else PANEL_HEIGHT * panels + 0.6
    return plt.subplots(panels, 1, figsize=(WIDTH, height), layout="constrained", **options)


def _stacked(panels, **options):
    """`figure` with the x axis shared (labelled once, under the last) and a list of axes."""
    fig, axes = figure(panels, sharex=True, squeeze=False, **options)
    return fig, list(axes[:, 0])


def layer_profile(stats_by_label, quantities=("activation_std", "gradient_std"), title=None):
    """One panel per quantity of `lab.diagnostics.LayerStatistics`, one line per label.

    Standard deviations get a logarithmic axis: vanishing and exploding signals are
    geometric in depth, so they show as straight slopes.
    """
    fig, axes = _stacked(len(quantities))
    for ax, quantity in zip(axes, quantities):
        for label, stats in stats_by_label.items():
            values = getattr(stats, quantity)
            ax.plot(np.arange(1, len(values) + 1), values, marker="o", markersize=3, label=label)
        ax.set_yscale("log" if quantity.endswith("std") else "linear")
        ax.set_ylabel(tr(*_AXIS_LABELS[quantity]))
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[-1].set_xlabel(tr("Hidden layer (1 = next to the input)", "لایهٔ پنهان (۱ = کنار ورودی)"))
    axes[0].legend()  # the same lines in every panel
    if title:
        fig.suptitle(title)
    plt.show()


def activation_means(steps, history, title=None):
    """Mean activation of each hidden layer over training (`ActivationMonitor`)."""
    _, ax = plt.subplots(figsize=(WIDTH, HEIGHT), layout="constrained")
    for layer in range(history.shape[1]):
        ax.plot(steps, history[:, layer], label=tr(f"layer {layer + 1}", f"لایهٔ {layer + 1}"))
    _finish(ax, tr("Training step", "گام آموزش"), "activation_mean", title, legend_columns=2)


def learning_curves(curves_by_label, ylabel="val_accuracy", title=None):
    """One line per label, one point per epoch; `ylabel` is "val_accuracy" or "loss"."""
    _, ax = plt.subplots(figsize=(WIDTH, HEIGHT), layout="constrained")
    for index, (label, values) in enumerate(curves_by_label.items()):
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", markersize=3, label=label,
                linestyle="-" if index < len(OKABE_ITO) else "--")  # more lines than colours
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _finish(ax, tr("Epoch", "دوره"), ylabel, title, legend_outside=len(curves_by_label) > 6)


def training_curves(steps, curves_by_label, quantity, title=None, log=False):
    """One line per label over training steps (e.g. the dead fraction of each activation).
    `log`: True or "y" for a logarithmic y axis, "x" for the steps, "xy" for both."""
    _, ax = plt.subplots(figsize=(WIDTH, HEIGHT), layout="constrained")
    for label, values in curves_by_label.items():
        ax.plot(steps, values, label=label, linewidth=1)
    axes = "y" if log is True else (log or "")
    if "x" in axes:
        ax.set_xscale("log")
    if "y" in axes:
        ax.set_yscale("log")
    _finish(ax, tr("Training step", "گام آموزش"), quantity, title)


def vectors(vectors_by_label, title=None):
    """2-D vectors drawn as arrows from the origin (e.g. a gradient and its clipped versions)."""
    _, ax = plt.subplots(figsize=(WIDTH, 4.2), layout="constrained")
    for index, (label, (x, y)) in enumerate(vectors_by_label.items()):
        color = OKABE_ITO[index % len(OKABE_ITO)]
        ax.annotate("", xy=(x, y), xytext=(0, 0),
                    arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 2})
        ax.plot([], [], color=color, linewidth=2, label=label)  # legend entry for the arrow
    coordinates = np.array([(0.0, 0.0), *vectors_by_label.values()])
    margin = 0.1 * np.abs(coordinates).max()
    ax.set_xlim(coordinates[:, 0].min() - margin, coordinates[:, 0].max() + margin)
    ax.set_ylim(coordinates[:, 1].min() - margin, coordinates[:, 1].max() + margin)
    ax.set_aspect("equal")
    ax.set_xlabel("$g_1$")
    ax.set_ylabel("$g_2$")
    ax.legend()
    if title:
        ax.set_title(title)
    plt.show()


def activation_shapes(functions_by_label, z=np.linspace(-4, 4, 401), title=None):
    """Each activation f and its derivative f′ side by side (f′ by automatic differentiation)."""
    z_tensor = tf.constant(z, dtype="float32")
    fig, (left, right) = _stacked(2)
    for label, function in functions_by_label.items():
        with tf.GradientTape() as tape:
            tape.watch(z_tensor)
            values = function(z_tensor)
        slopes = tape.gradient(values, z_tensor)
        left.plot(z, np.asarray(values), label=label)
        right.plot(z, np.asarray(slopes), label=label)
    for ax, name in [(left, "f(z)"), (right, "f′(z)")]:
        ax.axhline(0, color="0.6", linewidth=0.8)
        ax.axvline(0, color="0.6", linewidth=0.8)
        ax.set_ylabel(name)
    right.set_xlabel("z")
    left.legend()
    left.set_title(tr("Activation", "تابع فعال‌سازی"))
    right.set_title(tr("Derivative", "مشتق"))
    if title:
        fig.suptitle(title)
    plt.show()


def bars(values_by_label, errors_by_label=None, quantity="test_accuracy", title=None):
    """One bar per label, with ± error bars (e.g. the spread over seeds)."""
    labels = list(values_by_label)
    errors = None if errors_by_label is None else [errors_by_label[k] for k in labels]
    _, ax = plt.subplots(figsize=(WIDTH, HEIGHT), layout="constrained")
    ax.bar(labels, [values_by_label[k] for k in labels], yerr=errors, capsize=4,
           color=[OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(labels))])
    ax.set_ylabel(tr(*_AXIS_LABELS[quantity]))
    # Slanted, so that five or more names (e.g. "leaky ReLU (α=0.2)") fit under WIDTH inches.
    ax.tick_params(axis="x", labelrotation=25)
    for label in ax.get_xticklabels():
        label.set(horizontalalignment="right", rotation_mode="anchor")
    if title:
        ax.set_title(title)
    plt.show()


def percentile_bands(steps, histories_by_label, percentiles=(15, 50, 85), title=None):
    """One panel per label: the percentiles of a unit's input over training
    (`lab.diagnostics.PercentileMonitor`), on a shared y axis (Ioffe & Szegedy, Fig. 1b-c)."""
    fig, axes = _stacked(len(histories_by_label), sharey=True)
    for ax, (label, history) in zip(axes, histories_by_label.items()):
        for column, p in enumerate(percentiles):
            ax.plot(steps, history[:, column], color=OKABE_ITO[column],
                    label=tr(f"{p}th percentile", f"صدک {p}"))
        ax.set_title(label)
        ax.set_ylabel(tr(*_AXIS_LABELS["sigmoid_input"]))
    axes[-1].set_xlabel(tr("Training step", "گام آموزش"))
    axes[0].legend()
    if title:
        fig.suptitle(title)
    plt.show()


def accuracy_by_labels(counts, curves_by_label, errors_by_label=None, title=None):
    """Test accuracy against the number of labelled examples (log x axis), one line per
    method, with ± error bars (e.g. the spread over seeds)."""
    _, ax = plt.subplots(figsize=(WIDTH, HEIGHT), layout="constrained")
    for label, values in curves_by_label.items():
        errors = None if errors_by_label is None else errors_by_label[label]
        ax.errorbar(counts, values, yerr=errors, marker="o", markersize=4, capsize=3, label=label)
    ax.set_xscale("log")
    ax.set_xticks(counts, [str(c) for c in counts])
    ax.minorticks_off()
    _finish(ax, tr(*_AXIS_LABELS["labelled_examples"]), "test_accuracy", title)


@functools.lru_cache(maxsize=8)
def _loss_grid(surface, points=120):
    """log(1 + f − f_min) on a grid over the surface's window (cached: contours are slow)."""
    x_min, x_max, y_min, y_max = surface.window
    x, y = np.meshgrid(np.linspace(x_min, x_max, points), np.linspace(y_min, y_max, points))
    loss = surface.loss(np.stack([x, y]))
    return x, y, np.log1p(loss - loss.min())


def trajectories(surface, paths_by_label, title=None):
    """Optimizer paths (`lab.trajectories.run`) over the contours of a 2-D loss surface;
    a cross marks each minimum and a dot each path's end. Fixed margins instead of the
    constrained layout keep a redraw under 100 ms, for the widget."""
    fig, ax = plt.subplots(figsize=(WIDTH, 4.2), layout="none")
    fig.subplots_adjust(left=0.11, right=0.72, bottom=0.13, top=0.9)
    ax.contour(*_loss_grid(surface), levels=15, colors="0.75", linewidths=0.7)
    ax.grid(False)
    for index, (label, path) in enumerate(paths_by_label.items()):
        color = OKABE_ITO[index % len(OKABE_ITO)]
        ax.plot(path[:, 0], path[:, 1], color=color, linewidth=1.3, label=label)
        ax.plot(*path[-1], "o", color=color, markersize=4)
    ax.plot(*np.transpose(surface.minima), "x", color="black", markersize=9, mew=2)
    ax.plot(*surface.start, "s", color="black", markersize=5)
    ax.set_xlim(*surface.window[:2])
    ax.set_ylim(*surface.window[2:])
    ax.set_xlabel("θ₁")
    ax.set_ylabel("θ₂")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title)
    plt.show()
