import io
import sys
import types
import warnings

import matplotlib
import matplotlib.pyplot as plt
import keras
import numpy as np
import pytest
from matplotlib import font_manager

from lab import diagnostics, plots
from lab.plots import tr


@pytest.fixture(autouse=True)
def restore_language():
    saved = plots.language()
    with matplotlib.rc_context():
        yield
        plots.use_language(saved)
    plt.close("all")


def test_tr_picks_the_current_language():
    plots.use_language("en")
    assert plots.language() == "en"
    assert tr("Layer", "لایه") == "Layer"
    plots.use_language("fa")
    assert plots.language() == "fa"
    assert tr("Layer", "لایه") == "لایه"  # matplotlib >= 3.11 shapes it; no reordering


def test_tr_wants_strings():
    with pytest.raises(TypeError, match="fa must be a str"):
        tr("Layer", None)


@pytest.mark.parametrize("code", ["de", "FA", "", None])
def test_use_language_rejects_unknown_codes(code):
    with pytest.raises(ValueError, match="lang must be one of"):
        plots.use_language(code)


def test_vazirmatn_is_registered_and_selected_for_persian():
    registered = {(font.name, font.weight) for font in font_manager.fontManager.ttflist}
    assert {("Vazirmatn", 400), ("Vazirmatn", 700)} <= registered

    def font_file(**properties):
        family = matplotlib.rcParams["font.family"]
        return font_manager.findfont(font_manager.FontProperties(family=family, **properties),
                                     fallback_to_default=False)

    plots.use_language("fa")
    assert font_file().endswith("Vazirmatn-Regular.ttf")
    assert font_file(weight="bold").endswith("Vazirmatn-Bold.ttf")
    plots.use_language("en")
    assert font_file().endswith("DejaVuSans.ttf")


def test_style_is_applied():
    plots.use_language("en")
    colors = [entry["color"] for entry in matplotlib.rcParams["axes.prop_cycle"]]
    assert colors == list(plots.OKABE_ITO)
    assert matplotlib.rcParams["axes.grid"]


def render_warnings(title, ylabel):
    """Draw a small figure to PNG and return the messages of all warnings raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.plot([1, 2, 3], [-0.5, 0.25, 1.5], label=tr("He", "هی"))
        ax.set_title(title)
        ax.set_xlabel(tr("Layer", "لایه"))
        ax.set_ylabel(ylabel)
        ax.legend()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        plt.close(fig)
    assert buffer.getvalue().startswith(b"\x89PNG")
    return [str(warning.message) for warning in caught]


def test_persian_figure_renders_without_missing_glyphs():
    plots.use_language("fa")
    messages = render_warnings(tr("Loss", "انحراف معیار فعال‌سازی‌ها در هر لایه"),
                               tr("std", "انحراف معیار (σ) −۱٫۵"))
    assert not [m for m in messages if "missing" in m], messages


def test_missing_glyphs_would_be_caught():
    """Without the DejaVu fallback Vazirmatn has no σ: the check above can fail."""
    plots.use_language("fa")
    matplotlib.rcParams["font.family"] = ["Vazirmatn"]
    messages = render_warnings("لایه", "σ")
    assert any("missing" in m for m in messages)


def test_old_matplotlib_reshapes_and_reorders(monkeypatch):
    reshaper = types.ModuleType("arabic_reshaper")
    reshaper.reshape = lambda text: f"joined({text})"
    bidi, algorithm = types.ModuleType("bidi"), types.ModuleType("bidi.algorithm")
    algorithm.get_display = lambda text: f"rtl({text})"
    bidi.algorithm = algorithm
    monkeypatch.setitem(sys.modules, "arabic_reshaper", reshaper)
    monkeypatch.setitem(sys.modules, "bidi", bidi)
    monkeypatch.setitem(sys.modules, "bidi.algorithm", algorithm)
    monkeypatch.setattr(plots, "MATPLOTLIB_SHAPES_PERSIAN", False)
    plots._shape_for_old_matplotlib.cache_clear()
    try:
        plots.use_language("fa")
        assert tr("Layer", "لایه") == "rtl(joined(لایه))"
        plots.use_language("en")
        assert tr("Layer", "لایه") == "Layer"
    finally:
        plots._shape_for_old_matplotlib.cache_clear()


def test_old_matplotlib_without_reshaper_warns_once(monkeypatch):
    monkeypatch.setitem(sys.modules, "arabic_reshaper", None)  # import fails
    monkeypatch.setattr(plots, "MATPLOTLIB_SHAPES_PERSIAN", False)
    plots._shape_for_old_matplotlib.cache_clear()
    try:
        plots.use_language("fa")
        with pytest.warns(UserWarning, match="cannot join Persian letters") as caught:
            assert tr("Layer", "لایه") == "لایه"
            assert tr("Loss", "اتلاف") == "اتلاف"
        assert len(caught) == 1
    finally:
        plots._shape_for_old_matplotlib.cache_clear()


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_chapter_figures_draw_in_both_languages(lang, monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    plots.use_language(lang)
    try:
        stats = diagnostics.LayerStatistics(*(np.array([1.0, 0.5, 0.25]),) * 4)
        plots.layer_profile({"a": stats, "b": stats}, title="t")
        plots.activation_means([0, 10, 20], np.full((3, 2), 0.5), title="t")
        plots.learning_curves({"a": [0.1, 0.2]}, ylabel="loss")
        plots.training_curves([0, 25, 50], {"a": [0.0, 0.1, 0.2]}, "dead_fraction")
        plots.activation_shapes({"ReLU": keras.activations.relu}, z=np.linspace(-1, 1, 5))
        plots.bars({"a": 0.4, "b": 0.5}, {"a": 0.01, "b": 0.02})
        plots.percentile_bands([0, 50], {"a": np.zeros((2, 3)), "b": np.ones((2, 3))})
        plots.vectors({"g": (3.0, 2.0), "clipped": (0.8, 0.55)})
        plots.training_curves([0, 1], {"a": [1.0, 100.0]}, "gradient_norm", log=True)
        plots.accuracy_by_labels([50, 200], {"a": [0.2, 0.3]}, {"a": [0.01, 0.02]})
    finally:
        plots.use_language("en")
    expected = {"en": ("Training loss", "Derivative", "Test accuracy"),
                "fa": ("اتلاف آموزش", "مشتق", "دقت آزمون")}[lang]
    assert len(shown) == 10
    assert shown[-2].axes[0].get_yscale() == "log"
    assert shown[-1].axes[0].get_xscale() == "log"
    assert shown[2].axes[0].get_ylabel() == expected[0]
    assert shown[4].axes[1].get_title() == expected[1]
    assert shown[5].axes[0].get_ylabel() == expected[2]
    # A mean can be negative: only standard deviations get a log axis.
    assert [ax.get_yscale() for ax in shown[0].axes] == ["log", "log"]
    plt.close("all")


def test_activation_shapes_draws_the_derivative(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    plots.activation_shapes({"ReLU": keras.activations.relu}, z=np.array([-2.0, -1.0, 1.0, 2.0]))
    np.testing.assert_array_equal(shown[0].axes[1].lines[0].get_ydata(), [0, 0, 1, 1])
    plt.close("all")


def test_log_axes_of_training_curves(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    for log in [False, True, "x", "y", "xy"]:
        plots.training_curves([1, 10], {"a": [1.0, 100.0]}, "step_over_rate", log=log)
    scales = [(fig.axes[0].get_xscale(), fig.axes[0].get_yscale()) for fig in shown]
    assert scales == [("linear", "linear"), ("linear", "log"), ("log", "linear"),
                      ("linear", "log"), ("log", "log")]
    plt.close("all")


def test_many_learning_curves_stay_distinct_with_the_legend_outside(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    plots.learning_curves({f"optimizer {i}": [0.1, 0.2] for i in range(10)})
    lines = shown[0].axes[0].lines
    styles = {(line.get_color(), line.get_linestyle()) for line in lines}
    assert len(styles) == 10
    legend = shown[0].axes[0].get_legend()
    assert legend.get_bbox_to_anchor().transformed(shown[0].axes[0].transAxes.inverted()).x0 >= 1.0
    plt.close("all")


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_trajectories_draw_every_path_and_the_minima(lang, monkeypatch):
    from lab.trajectories import SURFACES, run
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    plots.use_language(lang)
    surface = SURFACES["saddle"]
    plots.trajectories(surface, {name: run(name, surface, steps=20) for name in ["SGD", "Adam"]})
    ax = shown[0].axes[0]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["SGD", "Adam"]
    minima = [line for line in ax.lines if line.get_marker() == "x"][0]
    assert list(zip(minima.get_xdata(), minima.get_ydata())) == [(0.0, 1.0), (0.0, -1.0)]
    assert ax.get_xlim() == surface.window[:2]
    plt.close("all")
