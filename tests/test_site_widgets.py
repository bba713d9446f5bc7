"""The three explorers of the built site (lab.widgets) answer in the browser, with no kernel:
a control moved in headless Chromium changes the figure, the numbers shown are lab's, the
labels are in the page's language, and a redraw takes under 100 ms with the CPU slowed down
4 times (Chromium's throttling, about a mid-range phone). Served and opened as in test_site.py.
"""
import re

import numpy as np
import pytest

from tests.test_site import Visit, browser, page_url, server, site  # noqa: F401  (fixtures)

pytestmark = pytest.mark.site

PAGES = {"initialization": ("عمق", "depth"), "elu_selu": ("عمق", "depth"),
         "optimizer_comparison": ("سطح", "surface")}  # a control's label in fa and en
REDRAW_BUDGET_MS = 100
WIDGET = ".lab-widget"


@pytest.fixture(scope="module", params=["en", "fa"])
def language(request):
    return request.param


def open_widget(browser, server, name, language, **options):  # noqa: F811
    visit = Visit(browser, page_url(server, language, name),
                  **(options or {"viewport": {"width": 1280, "height": 900}}))
    visit.page.locator(WIDGET).scroll_into_view_if_needed()
    return visit


def state(visit, path):
    return visit.js(f"() => document.querySelector('{WIDGET}').labState.{path}")


def figure(visit):
    return visit.js(f"() => document.querySelector('{WIDGET} .lab-figure').innerHTML")


def move(visit, name, value):
    """Set control `name` to the position of `value` among its values, as a reader would."""
    position = visit.js(f"""(args) => {{
        const data = JSON.parse(document.querySelector('{WIDGET} .lab-data').textContent);
        return data.controls.find((c) => c.name === args[0]).values.findIndex((v) => v === args[1]);
    }}""", [name, value])
    assert position >= 0, f"{name}: {value!r} is not one of its values"
    control = visit.page.locator(f'{WIDGET} [data-name="{name}"]')
    if control.evaluate("e => e.tagName") == "SELECT":
        control.select_option(str(position))
    else:
        control.fill(str(position))


@pytest.mark.parametrize("name", PAGES)
def test_widget_renders_labelled_in_the_page_language(browser, server, name, language):  # noqa: F811
    visit = open_widget(browser, server, name, language)
    try:
        assert visit.page.locator(f"{WIDGET} .lab-no-script").count() == 0, "the script did not run"
        assert visit.js(f"document.querySelector('{WIDGET}').lang") == language
        unnamed = visit.js(f"""() => [...document.querySelectorAll('{WIDGET} :is(input, select)')]
            .filter(e => !(e.labels && e.labels.length)).map(e => e.outerHTML.slice(0, 100))""")
        assert unnamed == [], "controls without an accessible name"
        labels = visit.js(f"() => [...document.querySelectorAll('{WIDGET} label')].map(l => l.textContent.trim())")
        fa, en = PAGES[name]
        assert (fa if language == "fa" else en) in labels and (en if language == "fa" else fa) not in labels
        assert visit.js(f"document.querySelectorAll('{WIDGET} .lab-figure svg path').length") > 0
        assert visit.js(f"getComputedStyle(document.querySelector('{WIDGET} svg')).direction") == "ltr"
        assert visit.errors == [], f"JavaScript errors: {visit.errors}"
        assert all(url.startswith(server) or url.startswith("data:") for url in visit.requests)
    finally:
        visit.close()


def redraw_ms(visit, name, positions):
    """Move control `name` through the positions with the CPU 4 times slower; the median time
    of the redraw itself (performance.now() around it, `labState.redrawMs`) and the median time
    from the input event to the next frame (which adds style, layout and paint of the whole
    page, and the wait for the frame: on a loaded machine the noisy part)."""
    from lab import widgets
    session = visit.context.new_cdp_session(visit.page)
    session.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    try:
        times = visit.js(widgets.REDRAW_TIMER, [name, positions])
    finally:
        session.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        session.detach()
    redraw, frame = np.median(times, axis=0)
    print(f"{name}: redraw {redraw:.1f} ms, to the next frame {frame:.1f} ms (CPU 4x slower)")
    return redraw


@pytest.fixture(scope="module")
def probe():
    import lab
    data = lab.experiments.mnist1d()
    return data.x_val[:512], data.y_val[:512]  # the notebook's x_probe, y_probe


def test_initialization_explorer_shows_lab_statistics(browser, server, probe):  # noqa: F811
    import lab
    visit = open_widget(browser, server, "initialization", "en")
    try:
        before = figure(visit)
        move(visit, "depth", 30)
        move(visit, "activation", "relu")
        move(visit, "initializer", "glorot_uniform")
        assert figure(visit) != before
        assert state(visit, "values") == {"depth": 30, "activation": "relu", "initializer": "glorot_uniform"}
        lab.device.set_seed(0)
        model = lab.diagnostics.mlp(30, activation="relu", kernel_initializer=lab.initializers.GlorotUniform())
        expected = lab.diagnostics.layer_statistics(model, *probe)
        shown = state(visit, "state")
        np.testing.assert_allclose(shown["activation_std"], expected.activation_std, rtol=1e-4)
        np.testing.assert_allclose(shown["gradient_std"], expected.gradient_std, rtol=1e-4)
        readout = {r["series"]: r for r in state(visit, "readout")}
        assert readout["activation_std"]["layer"] == 30 and readout["gradient_std"]["layer"] == 1
        np.testing.assert_allclose(readout["activation_std"]["value"], expected.activation_std[-1], rtol=1e-4)
        text = visit.js(f"document.querySelector('{WIDGET} .lab-readout').textContent")
        shown_text = re.search(r"activation std, layer 30: (\S+)", text).group(1)
        assert float(shown_text) == pytest.approx(expected.activation_std[-1], rel=5e-3)  # 3 digits
        assert redraw_ms(visit, "depth", [0, 4, 1, 3, 2, 4, 0]) < REDRAW_BUDGET_MS
    finally:
        visit.close()


def test_activation_explorer_cuts_the_stack_and_draws_lab_activations(browser, server):  # noqa: F811
    import lab
    visit = open_widget(browser, server, "elu_selu", "fa")
    try:
        before = figure(visit)
        move(visit, "activation", "elu")
        move(visit, "alpha", 0.5)
        move(visit, "depth", 12)
        assert figure(visit) != before
        shown = state(visit, "state")
        values, slopes = lab.diagnostics.value_and_slope(lambda z: lab.activations.elu(z, 0.5),
                                                         np.array(shown["z"], dtype="float32"))
        np.testing.assert_allclose(shown["f"], values, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(shown["slope"], slopes, rtol=1e-4, atol=1e-6)
        readout = state(visit, "readout")
        assert [r["layer"] for r in readout] == [12, 12]
        assert readout[1]["value"] == shown["activation_std"][11]
        assert "لایهٔ 12" in visit.js(f"document.querySelector('{WIDGET} .lab-readout').textContent")
        move(visit, "activation", "selu")  # no α: the slider is disabled
        assert visit.js(f"document.querySelector('{WIDGET} [data-name=alpha]').disabled")
        assert redraw_ms(visit, "depth", [90, 10, 98, 40, 2, 70, 20]) < REDRAW_BUDGET_MS
    finally:
        visit.close()


def test_trajectory_widget_walks_lab_paths(browser, server):  # noqa: F811
    from lab.trajectories import ADAPTIVE, RULES, SURFACES, run
    visit = open_widget(browser, server, "optimizer_comparison", "en")
    try:
        for box in visit.page.locator(f'{WIDGET} input[type=checkbox]').all():
            box.check()
        before = figure(visit)
        settings = {"sgd_rate": 0.02, "adaptive_rate": 0.0501, "momentum": 0.8, "rho": 0.95, "rho_2": 0.99, "steps": 300}
        for surface in SURFACES:
            move(visit, "surface", surface)
            for name, value in settings.items():
                move(visit, name, value)
            if surface == "quadratic":
                assert figure(visit) != before
            paths = state(visit, "paths")
            assert sorted(paths) == sorted(RULES)
            for name in RULES:
                rate = settings["adaptive_rate" if name in ADAPTIVE else "sgd_rate"]
                expected = run(name, SURFACES[surface], settings["steps"], rate, momentum=settings["momentum"],
                               rho=settings["rho"], rho_2=settings["rho_2"])
                shown = np.array(paths[name])
                assert shown.shape == expected.shape, (surface, name)
                np.testing.assert_allclose(shown, expected, rtol=1e-9, atol=1e-12, err_msg=f"{surface}, {name}")
                row = visit.page.locator(f'{WIDGET} tr[data-optimizer="{name}"] td').all_text_contents()
                loss = SURFACES[surface].loss(expected[-1])
                assert float(row[-1]) == pytest.approx(loss, rel=1e-3, abs=1e-12), (surface, name, row)
        move(visit, "steps", 1000)
        assert redraw_ms(visit, "adaptive_rate", [10, 30, 50, 20, 40, 60, 0]) < REDRAW_BUDGET_MS
    finally:
        visit.close()


@pytest.mark.parametrize("name", PAGES)
def test_widget_fits_a_phone(browser, server, name, language):  # noqa: F811
    visit = open_widget(browser, server, name, language, viewport={"width": 412, "height": 860},
                        device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        overflow = visit.js(f"""() => {{ const w = document.querySelector('{WIDGET}');
            return w.scrollWidth - w.clientWidth; }}""")
        assert overflow <= 0, f"the widget is {overflow}px wider than the page on a phone"
    finally:
        visit.close()
