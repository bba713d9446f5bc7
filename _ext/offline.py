"""Offline, fast, without JavaScript errors: small fixes to the pages' scripts (a local Sphinx
extension; the bundled files themselves are configured in _config.yml).

- sphinx-thebe, which Jupyter Book always loads, adds to every page a script that names thebe's
  CDN address (declared twice: a JavaScript error) and a loader script. With
  ``launch_buttons.thebe: false`` nothing uses them, so they are left out.
- The sidebar buttons: pydata-sphinx-theme and sphinx-book-theme listen only on the first
  ``.primary-toggle`` and ``.secondary-toggle`` of a page, the navbar's, which a phone never
  shows; the buttons it does show, in the article's header, did nothing. ``TOGGLE_SCRIPT``
  passes their clicks on to the first ones.
"""
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


def setup(app):
    # After myst-nb has added its scripts (priority 500) and before rendering.
    app.connect("html-page-context", fix_page_assets, priority=800)
    app.add_js_file(None, body=TOGGLE_SCRIPT)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
