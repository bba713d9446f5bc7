"""Light, quick pages (a local Sphinx extension): what each page asks the browser to fetch, and
when. Lighthouse (tools/lighthouse.sh) measured 35-47 for performance on a phone before.

- One stylesheet per page: the theme's and every extension's CSS bundled into
  _static/lean-HASH.css (one request holds up the first paint instead of a dozen), without
  the rules that select nothing in the site (PurgeCSS, _ext/purge_css.cjs): 490 KB of CSS,
  mostly Bootstrap's and sphinx-design's, became 160 KB, and the browser matches fewer
  rules against every element.
- No Font Awesome script (1.5 MB, it redraws every icon as SVG): the theme's own CSS draws the
  icons with its icon fonts, which are cut down to the icons the pages and the theme's CSS use
  (a few KB instead of 270 KB).
- The Persian font, which Persian pages preload, cut down to the characters the pages use and
  the Persian keyboard's (about 12 KB a weight instead of 50 KB).
- Scripts go to the end of the body, in their order, after the article: the text shows before
  any script is fetched. The theme's own two scripts stay deferred as they were.
- Sphinx's search index (250 KB) and search scripts load on the search page only; the search
  box of every other page sends the query there.
- Math is rendered at build time by sphinxcontrib-katex (configured in _config.yml); this
  extension points it at the npm katex package that `make site` installs (node_modules), so
  the HTML matches the stylesheet vendored from the same package, and a page without math
  does not load KaTeX's stylesheet.
- Images of the article get their width and height (no layout shift while they load) and,
  after the first one, ``loading="lazy"``.
"""
import hashlib
import importlib
import json
import posixpath
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import jinja2
from docutils import nodes
from sphinx.errors import ConfigError
from sphinx.util import logging

logger = logging.getLogger(__name__)

# Overrides blocks of the theme's layout.html (pydata-sphinx-theme's, through sphinx-book-theme's).
LAYOUT = """{%- extends "!layout.html" %}
{%- block css %}
  <script data-cfasync="false">
    document.documentElement.dataset.mode = localStorage.getItem("mode") || "{{ default_mode }}";
    document.documentElement.dataset.theme = localStorage.getItem("theme") || "{{ default_mode }}";
  </script>
  <noscript><style>.pst-js-only { display: none !important; }</style></noscript>
  {%- if lean_stylesheet %}
  <link rel="stylesheet" href="{{ pathto(lean_stylesheet, 1) }}" />
  {%- else %}
  {{ _webpack.head_pre_assets() }}
  {{- css() }}
  {%- endif %}
{%- endblock css %}
{%- block scripts %}{% endblock %}
{%- block extrahead %}
  <meta name="viewport" content="width=device-width, initial-scale=1"/>
  <meta name="docsearch:language" content="{{ language }}"/>
  <meta name="docsearch:version" content="{{ version }}" />
{%- endblock extrahead %}
{%- block scripts_end %}
{{- script() }}
{{ super() }}
{%- endblock scripts_end %}
"""

KATEX = Path("node_modules/katex/dist/katex.min.js")


def use_npm_katex(app, config):
    """sphinxcontrib-katex renders with the katex.min.js it names (relative to its own folder
    unless absolute): the one `make site` installs from package.json."""
    if not config.katex_prerender:
        return
    katex = Path(app.confdir) / KATEX
    if not katex.is_file():
        raise ConfigError(f"{katex} is missing: `make site` installs it (npm ci)")
    config.katex_js_path = str(katex)
    start_katex_patiently(importlib.import_module("sphinxcontrib.katex"))


def start_katex_patiently(katex):
    """sphinxcontrib-katex 0.9 connects to its node server as soon as the server's socket file
    exists, which can be a moment before the server listens (ConnectionRefusedError, seen on a
    busy machine), and gives node 5 s to start. Here it retries until a minute has passed."""
    katex.STARTUP_TIMEOUT = katex.RENDER_TIMEOUT = 60.0
    original = katex.KaTeXServer.start_server_process.__func__

    def start_server_process(cls, rundir, timeout):
        connect = socket.socket.connect
        deadline = time.monotonic() + timeout

        def patient_connect(sock, address):
            while True:
                try:
                    return connect(sock, address)
                except ConnectionRefusedError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)

        socket.socket.connect = patient_connect
        try:
            return original(cls, rundir, timeout)
        finally:
            socket.socket.connect = connect

    katex.KaTeXServer.start_server_process = classmethod(start_server_process)


def override_layout(app):
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "loaders"):
        templates.loaders.insert(0, jinja2.DictLoader({"layout.html": LAYOUT}))


def has_math(doctree):
    return doctree is not None and any(doctree.findall(lambda node: isinstance(
        node, (nodes.math, nodes.math_block))))


def image_size(app, sources, src):
    """The pixel size of an image the page links to (outdir/_images/...), or None."""
    source = sources.get(Path(src).name)
    if source is None:
        return None
    try:
        from PIL import Image
        with Image.open(Path(app.srcdir) / source) as image:
            return image.size
    except (OSError, ImportError):
        return None


def sized_lazy_images(app, body):
    sources = {Path(dest).name: source for source, dest in app.builder.images.items()}
    first = True

    def mend(match):
        nonlocal first
        tag = match.group(0)
        src = re.search(r'\ssrc="([^"]+)"', tag)
        attributes = ""
        if src and " width=" not in tag and " height=" not in tag:
            size = image_size(app, sources, src.group(1))
            if size:
                attributes += f' width="{size[0]}" height="{size[1]}"'
        if not first and " loading=" not in tag:
            attributes += ' loading="lazy"'
        if " decoding=" not in tag:
            attributes += ' decoding="async"'
        first = False
        return tag[:4] + attributes + tag[4:]

    return re.sub(r"<img\s[^>]*>", mend, body)


# pydata-sphinx-theme's two stylesheets, which its layout links itself (before the others).
THEME_CSS = ["styles/theme.css", "styles/pydata-sphinx-theme.css"]


def bundle_stylesheets(app, context):
    """All the page's stylesheets as one file, _static/lean-HASH.css (written when the build
    finishes): one request that holds up the first paint instead of a dozen, in turn."""
    names = list(THEME_CSS)
    for css in context["css_files"]:
        name = str(css.filename or "").split("?")[0]
        plain = set(css.attributes) <= {"rel", "type", "priority"}
        if (not name or "://" in name or name.startswith("/") or not plain
                or css.attributes.get("rel", "stylesheet") != "stylesheet"):
            return  # something the bundle cannot hold: the page keeps its own links
        names.append(name[len("_static/"):] if name.startswith("_static/") else name)
    key = hashlib.sha256("\n".join(names).encode()).hexdigest()[:12]
    app.lean_bundles[key] = names
    context["lean_stylesheet"] = f"_static/lean-{key}.css"


def lighten_page(app, pagename, templatename, context, doctree):
    if "css_files" in context and not has_math(doctree):
        context["css_files"][:] = [css for css in context["css_files"]
                                   if "katex" not in str(css.filename or "")]
    if "css_files" in context:
        bundle_stylesheets(app, context)
    if context.get("body"):
        context["body"] = sized_lazy_images(app, context["body"])


CSS_URL = re.compile(r"""url\(\s*(["']?)([^)"']+)\1\s*\)""")
IMPORT = re.compile(r"""@import\s+(?:url\()?["']([^"']+)["']\)?\s*;""")
ICON_FONTS = "vendor/fontawesome/webfonts"


def stylesheet_text(static, name, seen=()):
    """A stylesheet of _static/ with its @imports inlined and its url()s made relative to
    _static/ (where the bundle is)."""
    path = static / name
    folder = posixpath.dirname(name)

    def relocate(match):
        url = match.group(2)
        if re.match(r"(data:|[a-z]+://|/|#)", url):
            return match.group(0)
        return f'url("{posixpath.normpath(posixpath.join(folder, url))}")'

    def inline(match):
        target = posixpath.normpath(posixpath.join(folder, match.group(1)))
        if target in seen or not (static / target).is_file():
            return match.group(0)
        return stylesheet_text(static, target, (*seen, name))

    text = path.read_text(encoding="utf-8")
    text = re.sub(r'^@charset "[^"]*";|/\*# sourceMappingURL=[^*]*\*/', "", text)  # the bundle's own head
    text = IMPORT.sub(inline, text)
    return CSS_URL.sub(relocate, text)


def lighten_assets(app, exception):
    """When the pages are written: their stylesheet bundles, then the fonts cut down to what
    the site draws with them."""
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    write_bundles(app, static)
    cut_icon_fonts(static)
    cut_persian_font(app, static)


def write_bundles(app, static):
    """The pages' stylesheet bundles, without the rules that select nothing in the site."""
    for key, names in app.lean_bundles.items():
        parts = []
        for name in names:
            if (static / name).is_file():
                parts.append(f"/* {name} */\n" + stylesheet_text(static, name))
            else:
                logger.warning("lean: stylesheet %s not found for the bundle", name)
        text = '@charset "UTF-8";\n' + "\n".join(parts)
        (static / f"lean-{key}.css").write_text(text, encoding="utf-8")
    purge_unused_rules(app, [static / f"lean-{key}.css" for key in app.lean_bundles])


def cut_icon_fonts(static):
    """The theme's icon fonts cut down (a few KB instead of 270 KB) to the characters that the
    bundles (those of pages not rewritten this time too) draw: the icons of the rules kept, and
    what stylesheets draw themselves (admonitions, links). Sphinx copies the full fonts at
    every build, so they are cut every time."""
    glyphs = set()
    for bundle in static.glob("lean-*.css"):
        text = bundle.read_text(encoding="utf-8")
        for value in re.findall(r"(?:content|--pst-icon-[a-z-]+):\s*\"((?:[^\"\\]|\\.)*)\"", text):
            glyphs.update(css_characters(value))
    icons = {ord(glyph) for glyph in glyphs if ord(glyph) >= 0xE000}
    for path in sorted((static / ICON_FONTS).glob("*.woff2")):
        subset_font(path, path, icons)


# Vazirmatn, which _static/site.css declares for the Arabic script only (its unicode-range).
PERSIAN_FONT = "vendor/vazirmatn"
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\u200c-\u200f"
                           "\ufb50-\ufdff\ufe70-\ufeff]")
# Every letter, digit, mark and punctuation of the Persian keyboard (and the Arabic forms of
# ی, ک and ه that pasted text brings): what a reader may type into the search box.
PERSIAN_KEYBOARD = ("ءآأؤإئابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیةيك"
                    "۰۱۲۳۴۵۶۷۸۹٫٬،؛؟ـ" + "".join(map(chr, range(0x064B, 0x0656))) + "\u200c\u200d")


def cut_persian_font(app, static):
    """Vazirmatn cut down to the Arabic-script characters of the pages and the Persian
    keyboard: each weight 50 KB -> about 12 KB, which every Persian page preloads. Cut from the
    full font of html_extra_path, so a character new to the pages is never missing."""
    used = set(PERSIAN_KEYBOARD)
    for page in Path(app.outdir).rglob("*.html"):
        used.update(ARABIC_SCRIPT.findall(page.read_text(encoding="utf-8")))
    for path in sorted((static / PERSIAN_FONT).glob("*.woff2")):
        relative = path.relative_to(app.outdir)
        sources = [Path(app.confdir) / extra / relative for extra in app.config.html_extra_path]
        source = next((source for source in sources if source.is_file()), None)
        if source is None:
            raise ConfigError(f"the full font of {relative} is missing: `make site` copies it")
        subset_font(source, path, {ord(character) for character in used})


PURGE = Path(__file__).with_name("purge_css.cjs")


def purge_unused_rules(app, stylesheets):
    """Rewrites the stylesheets without the rules that select nothing in any page of the site
    or in the scripts the pages load (PurgeCSS, run by node from the confdir's node_modules)."""
    if not stylesheets:
        return
    node = shutil.which("node")
    if node is None:
        raise ConfigError("node is missing: the build needs it for KaTeX and PurgeCSS")
    outdir = Path(app.outdir)
    pages = sorted(outdir.rglob("*.html"))
    scripts = set()
    for page in pages:
        for src in re.findall(r'<script\s[^>]*\bsrc="([^":?#]+)', page.read_text(encoding="utf-8")):
            script = (page.parent / src).resolve()
            if script.is_file():
                scripts.add(script)
    request = {"content": [str(path) for path in [*pages, *sorted(scripts)]],
               "css": [str(path) for path in stylesheets]}
    subprocess.run([node, str(PURGE)], input=json.dumps(request), text=True, cwd=app.confdir,
                   check=True)


def css_characters(value):
    """The characters of a CSS string: escapes (\\f0c9) decoded."""
    return set(re.sub(r"\\([0-9a-fA-F]{1,6}) ?", lambda m: chr(int(m.group(1), 16)), value))


def subset_font(source, target, codepoints):
    """Writes to target the WOFF2 font source with only the glyphs the codepoints need (their
    ligatures and contextual forms included: Persian letters join)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    font = TTFont(source)
    options = subset.Options(flavor="woff2", layout_features=["*"], notdef_outline=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(target)


def init_bundles(app):
    app.lean_bundles = {}


def setup(app):
    app.connect("config-inited", use_npm_katex)
    app.connect("builder-inited", override_layout)
    app.connect("builder-inited", init_bundles)
    app.connect("html-page-context", lighten_page, priority=950)
    app.connect("build-finished", lighten_assets, priority=900)  # after pydata-sphinx-theme rewrites pygments.css
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
