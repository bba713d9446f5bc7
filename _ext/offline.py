"""Offline, fast, without JavaScript errors: small fixes to the pages' scripts (a local Sphinx
extension; the bundled files themselves are configured in _config.yml).

- sphinx-thebe, which Jupyter Book always loads, adds to every page a script that names thebe's
  CDN address (declared twice: a JavaScript error) and a loader script. With
  ``launch_buttons.thebe: false`` nothing uses them, so they are left out.
- On pages with widgets, ipywidgets' page bundle (2 MB of JavaScript, configured by
  ``nb_ipywidgets_js``) is loaded only when a widget comes near the screen, and a small script
  mends two flaws of the bundle: it typesets widget labels through MathJax 2's
  ``MathJax.Hub.Queue``, and the book has no MathJax (its math is rendered to HTML at build
  time by KaTeX, see _config.yml), so that one call is answered by KaTeX's auto-render, fetched
  only when a label holds TeX; and its slider handles and output images have no accessible
  name, so each gets one.
- The sidebar buttons: pydata-sphinx-theme and sphinx-book-theme listen only on the first
  ``.primary-toggle`` and ``.secondary-toggle`` of a page, the navbar's, which a phone never
  shows; the buttons it does show, in the article's header, did nothing. ``TOGGLE_SCRIPT``
  passes their clicks on to the first ones.
"""
import json

TOGGLE_SCRIPT = """
document.addEventListener("click", (event) => {
  for (const kind of ["primary", "secondary"]) {
    const button = event.target.closest(`.${kind}-toggle`);
    const listened = document.querySelector(`.${kind}-toggle`);
    if (button && listened && button !== listened) {
      event.preventDefault();
      listened.click();
    }
  }
});
"""

WIDGET_SCRIPT = r"""
document.addEventListener("DOMContentLoaded", () => {
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting)) return;
    observer.disconnect();
    // The bundle renders the widgets on the window's load event: once that is over, a new
    // load listener runs at once.
    const addEventListener = window.addEventListener;
    window.addEventListener = function (type, listener, options) {
      if (type === "load" && document.readyState === "complete") return void listener(new Event("load"));
      return addEventListener.call(this, type, listener, options);
    };
    const bundle = Object.assign(document.createElement("script"), {src: BUNDLE});
    bundle.onload = bundle.onerror = () => { window.addEventListener = addEventListener; };
    document.head.append(bundle);
  }, {rootMargin: "100% 0px"});
  views.forEach((view) => observer.observe(view.parentElement));
});
// ipywidgets calls MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]) for each label.
{
  const TEX = /\$|\\\(|\\\[/;
  let loaded = null;
  const load = (tag, attributes) => new Promise((resolve, reject) =>
    document.head.append(Object.assign(document.createElement(tag), attributes, {onload: resolve, onerror: reject})));
  window.MathJax = window.MathJax || {Hub: {Queue: (job) => {
    const element = job[2];
    if (!(element instanceof Element) || !TEX.test(element.textContent)) return;
    loaded = loaded || Promise.all([
      document.querySelector('link[href*="katex.min.css"]') || load("link", {rel: "stylesheet", href: KATEX_CSS}),
      load("script", {src: KATEX_JS}).then(() => load("script", {src: KATEX_RENDER}))]);
    loaded.then(() => renderMathInElement(element, {throwOnError: false, delimiters: [
      {left: "$$", right: "$$", display: true}, {left: "$", right: "$", display: false},
      {left: "\\(", right: "\\)", display: false}, {left: "\\[", right: "\\]", display: true}]}));
  }}};
}
new MutationObserver(() => {
  for (const handle of document.querySelectorAll(".jupyter-widgets [role=slider]:not([aria-label])")) {
    const label = handle.closest(".widget-slider")?.querySelector(".widget-label");
    handle.setAttribute("aria-label", label?.textContent.trim() || "slider");
  }
  for (const image of document.querySelectorAll(".widget-subarea img:not([alt])")) {
    image.alt = document.documentElement.lang === "fa" ? "خروجی کنترل‌های بالا" : "Output of the controls above";
  }
}).observe(document.documentElement, {childList: true, subtree: true});
"""


KATEX = {"KATEX_CSS": "_static/vendor/katex/katex.min.css",  # vendored by `make site`
         "KATEX_JS": "_static/vendor/katex/katex.min.js",
         "KATEX_RENDER": "_static/vendor/katex/auto-render.min.js"}


def is_thebe(asset):
    name = str(asset.filename or "")
    return "thebe" in name or "THEBE_JS_URL" in asset.attributes.get("body", "")


def fix_page_assets(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts is None:
        return
    if not app.config.html_theme_options.get("launch_buttons", {}).get("thebe"):
        scripts[:] = [js for js in scripts if not is_thebe(js)]
        context["css_files"][:] = [css for css in context["css_files"] if not is_thebe(css)]
    bundles = [js for js in scripts if "jupyter-widgets" in str(js.filename or "")]
    if bundles:
        scripts[:] = [js for js in scripts if js not in bundles]
        def path(name):
            return json.dumps(context["pathto"](name, resource=True))
        script = WIDGET_SCRIPT.replace("BUNDLE", path(str(bundles[0].filename)))
        for key, name in KATEX.items():
            script = script.replace(key, path(name))
        app.add_js_file(None, body=script)


def setup(app):
    # After myst-nb has added the widget scripts (priority 500) and before rendering.
    app.connect("html-page-context", fix_page_assets, priority=800)
    app.add_js_file(None, body=TOGGLE_SCRIPT)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
