"""lab.widgets builds self-contained HTML widgets: the controls, the precomputed states and the
script. What the script draws in a browser is tested on the built site (test_site_widgets.py)."""
import html
import json
import re

import numpy as np
import pytest

from lab import plots, widgets
from lab.trajectories import JAVASCRIPT, RULES, SURFACES


@pytest.fixture(autouse=True)
def english():
    plots.use_language("en")
    yield
    plots.use_language("en")


def data_of(fragment):
    payload = re.search(r'<script type="application/json" class="lab-data">(.*?)</script>', fragment, re.S).group(1)
    return json.loads(payload)


def explorer(compute, **kwargs):
    controls = [widgets.Select("activation", "activation", ["relu", "elu", "tanh"], value="elu"),
                widgets.Slider("alpha", "α", (0.1, 0.5, 1.0), value=0.5, applies_to=("activation", ("elu",))),
                widgets.Slider("depth", "depth", tuple(range(2, 11)), value=5, cuts=True)]
    return widgets.Explorer(controls, compute, [widgets.Panel.quantity("activation_std")],
                            readout=[widgets.Readout("std, layer {layer}", "activation_std")], **kwargs)


def test_explorer_computes_each_distinct_combination_once():
    calls = []

    def compute(activation, alpha):
        calls.append((activation, alpha))
        return {"activation_std": np.full(10, alpha if activation == "elu" else 2.0)}

    widget = explorer(compute)
    # elu takes every α; relu and tanh ignore α and use its default; depth cuts, it is not computed.
    assert sorted(calls) == sorted([("elu", 0.1), ("elu", 0.5), ("elu", 1.0), ("relu", 0.5), ("tanh", 0.5)])
    data = widget.data
    assert data["keyed"] == ["activation", "alpha"]
    assert data["index"]["[1,0]"] != data["index"]["[1,2]"]
    # relu: one state, under α's default position (the page's script disables α and looks up that)
    assert "[0,1]" in data["index"] and "[0,0]" not in data["index"] and len(data["states"]) == 5
    assert data["states"][data["index"]["[1,0]"]]["activation_std"] == [0.1] * 10


def test_states_keep_five_significant_digits_and_send_null_for_what_is_not_finite():
    values = np.array([1 / 3, 123456.789, 1e-9 / 7, np.inf, np.nan])
    widget = widgets.Explorer([widgets.Select("a", "a", ["x"])], lambda a: {"s": values},
                              [widgets.Panel("s", "s")])
    assert widget.data["states"][0]["s"] == [0.33333, 123460.0, 1.4286e-10, None, None]


def test_explorer_reads_layer_statistics_attributes():
    class Statistics:
        activation_std = np.array([1.0, 0.5])

    widget = widgets.Explorer([widgets.Select("a", "a", ["x"])], lambda a: Statistics(),
                              [widgets.Panel.quantity("activation_std")])
    assert widget.data["states"] == [{"activation_std": [1.0, 0.5]}]
    assert widget.data["panels"][0]["log"] is True  # std: a log axis, as lab.plots.layer_profile


def test_fragment_has_labelled_controls_its_data_and_its_script():
    fragment = explorer(lambda activation, alpha: {"activation_std": np.ones(10)})._repr_html_()
    uid = re.match(r'<div class="lab-widget" id="(lab-widget-[0-9a-f]{10})" lang="en">', fragment).group(1)
    for name in ["activation", "alpha", "depth"]:
        assert f'<label for="{uid}-{name}">' in fragment and f'id="{uid}-{name}"' in fragment
    assert '<option value="1" selected>elu</option>' in fragment
    assert 'min="0" max="8" step="1" value="3" aria-valuetext="5"' in fragment  # depth 5 of 2…10
    assert data_of(fragment)["controls"][2]["cuts"] is True
    assert f'labWidgets.mount(document.getElementById("{uid}"))' in fragment
    assert "lab-no-script" in fragment  # what a viewer without JavaScript shows
    assert "http" not in fragment.replace("http://www.w3.org/2000/svg", "")  # nothing from elsewhere
    assert "trajectoryRules" not in fragment  # the trajectory code only where it is used


def test_script_end_tags_in_the_data_are_escaped():
    fragment = widgets.Explorer([widgets.Select("a", "</script><b>", {"x": "</script>"})],
                                lambda a: {"s": [1.0]}, [widgets.Panel("s", "</script>")])._repr_html_()
    assert fragment.count("</script>") == 2  # the data's and the code's own
    assert data_of(fragment)["panels"][0]["ylabel"] == "</script>"
    assert html.escape("</script><b>") in fragment


def test_same_widget_same_id_and_different_data_different_id():
    make = lambda scale: widgets.Explorer([widgets.Select("a", "a", ["x"])], lambda a: {"s": [scale]},  # noqa: E731
                                          [widgets.Panel("s", "s")])._repr_html_()
    assert make(1.0) == make(1.0)
    assert make(1.0)[:60] != make(2.0)[:60]


def test_labels_follow_the_figure_language():
    plots.use_language("fa")
    widget = widgets.Explorer([widgets.Select("a", "عمق", ["x"])], lambda a: {"activation_std": [1.0]},
                              [widgets.Panel.quantity("activation_std")])
    fragment = widget._repr_html_()
    assert 'lang="fa"' in fragment and "انحراف معیار فعال‌سازی" in fragment
    assert widget.data["panels"][0]["xlabel"] == "لایهٔ پنهان (۱ = کنار ورودی)"
    assert "جاوااسکریپت" in fragment  # the note for viewers without JavaScript


@pytest.mark.parametrize("controls, message", [
    ([widgets.Select("a", "a", ["x", "y"], value="z")], "not among"),
    ([widgets.Slider("a", "a", (1, 2), value=3)], "not among"),
    ([widgets.Select("a", "a", ["x"]), widgets.Select("a", "b", ["y"])], "must differ"),
])
def test_bad_controls_are_named(controls, message):
    with pytest.raises(ValueError, match=message):
        widgets.Explorer(controls, lambda **values: {"s": [1.0]}, [widgets.Panel("s", "s")])


def trajectory_widget(surface=None, optimizers=None):
    slider = lambda name, values: widgets.Slider(name, name, values, value=values[0])  # noqa: E731
    return widgets.trajectories(
        surface or widgets.Select("surface", "surface", {"rosenbrock": "Rosenbrock", "saddle": "saddle"}),
        optimizers or widgets.Checkboxes("optimizers", "optimizers", {name: name for name in RULES}, ("Adam",)),
        (slider("sgd_rate", (0.01, 0.02)), slider("adaptive_rate", (0.1, 0.2))), slider("momentum", (0.9,)),
        slider("rho", (0.9,)), slider("rho_2", (0.999,)), slider("steps", (20, 40)), title="{steps} steps")


def test_trajectories_send_the_chosen_surfaces_with_contours_in_their_window():
    widget = trajectory_widget()
    surfaces = widget.data["surfaces"]
    assert sorted(surfaces) == ["rosenbrock", "saddle"]
    for key, surface in surfaces.items():
        assert surface["start"] == SURFACES[key].start and surface["window"] == SURFACES[key].window
        coordinates = np.concatenate([np.array(line) for line in surface["contours"]])
        assert len(surface["contours"]) > 10 and coordinates.min() >= 0 and coordinates.max() <= 1000
    fragment = widget._repr_html_()
    assert "trajectoryRules" in fragment and JAVASCRIPT.strip()[:40] in fragment
    assert fragment.count('type="checkbox"') == len(RULES)


def test_trajectories_reject_unknown_surfaces_and_optimizers():
    with pytest.raises(ValueError, match="SURFACES"):
        trajectory_widget(surface=widgets.Select("surface", "surface", ["himmelblau"]))
    with pytest.raises(ValueError, match="RULES"):
        trajectory_widget(optimizers=widgets.Checkboxes("optimizers", "o", {"Adadelta": "Adadelta"}))


def test_javascript_has_every_rule_and_surface():
    for name in RULES:
        assert re.search(rf"^\s*{name}: \(lr, alpha, rho, rho2\) =>", JAVASCRIPT, re.M), name
    for name in SURFACES:
        assert re.search(rf"^\s*{name}: {{$", JAVASCRIPT, re.M), name
