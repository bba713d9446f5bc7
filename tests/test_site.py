"""The built website (_build/html, made by `make site`; `make test` builds it, then runs
the tests marked `site`, these among them).

Static checks read the HTML files. Browser checks open the notebook pages of both languages in
Debian's Chromium through Playwright (never `playwright install`), served on 127.0.0.1, and
look at what a reader gets: direction, font, math, widgets, twin links, interface language,
and that no request leaves the machine and nothing is logged as an error. Static checks also
keep the pages light (tools/lighthouse.sh measures them): math rendered at build time, no icon
script, one stylesheet, no script that holds up the first paint, sized lazy images, a favicon,
and a budget for each page's scripts and styles. Screenshots (desktop and phone) go to /tmp/shots/
(SITE_SHOTS overrides). Without Chromium the browser checks skip, or fail when CI=true.
"""
import functools
import http.server
import os
import re
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path(os.environ.get("SITE_SHOTS", "/tmp/shots"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-default-apps", "--disable-sync", "--no-first-run",
                 "--no-default-browser-check", "--metrics-recording-only"]
NOTEBOOK = "initialization"  # the chapter's first topic; its two pages get the browser checks
OTHER = {"en": "fa", "fa": "en"}

sys.path.insert(0, str(ROOT / "_ext"))
from bilingual import PERSIAN  # noqa: E402  (the interface text the extension translates)

pytestmark = pytest.mark.site


# ----------------------------------------------------------------------------------------------
# Static checks on the built files
# ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site():
    if not (SITE / "book" / "index.html").is_file():
        pytest.fail(f"{SITE} holds no built site: run `make site` first (`make test` does)")
    return SITE


def pages(site, language):
    return sorted((site / "book" / language).rglob("*.html"))


def html_lang(text):
    return re.search(r"<html[^>]*\blang=\"([^\"]+)\"", text).group(1)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_every_page_has_its_language_and_a_working_twin_link(site, language):
    assert pages(site, language), f"no pages under book/{language}/"
    for page in pages(site, language):
        text = page.read_text(encoding="utf-8")
        assert html_lang(text) == language, page
        links = re.findall(r'<p class="bilingual-twin"><a [^>]*href="([^"]+)" '
                           rf'hreflang="{OTHER[language]}" lang="{OTHER[language]}"', text)
        assert len(links) == 1, f"{page}: expected one link to its twin"
        target = (page.parent / links[0]).resolve()
        assert target == (site / "book" / OTHER[language] / page.name).resolve(), page
        assert target.is_file(), f"{page}: twin link to missing {target}"
        assert ('class="bilingual-rtl" dir="rtl"' in text) == (language == "fa"), page


def test_landing_page_links_to_both_languages(site):
    text = (site / "book" / "index.html").read_text(encoding="utf-8")
    assert html_lang(text) == "en"
    assert 'href="en/intro.html"' in text and 'href="fa/intro.html"' in text
    assert re.search(r'<div class="[^"]*container[^"]*" lang="fa"', text), \
        "the Persian paragraph of the landing page is not marked lang=fa"


class Loads(HTMLParser):
    """The addresses a page makes the browser fetch by itself (not the links a reader follows)."""
    FETCHED_LINKS = {"stylesheet", "preload", "modulepreload", "prefetch", "preconnect",
                     "dns-prefetch", "icon", "manifest"}

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "embed", "audio", "video") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and self.FETCHED_LINKS & set((attrs.get("rel") or "").split()):
            self.urls.append(attrs.get("href", ""))


CDNS = re.compile(r"unpkg\.com|jsdelivr\.net|cdnjs\.|googleapis\.com|gstatic\.com|mathjax\.org|"
                  r"googletagmanager|google-analytics|plausible\.io|hypothes\.is|utteranc\.es")


def test_no_page_loads_anything_from_elsewhere(site):
    """Scripts, styles, images, fonts and frames come from the site itself; no page or
    stylesheet even names a CDN or a tracker (inline scripts included)."""
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        loads = Loads()
        loads.feed(text)
        remote = [url for url in loads.urls if re.match(r"(https?:)?//", url)]
        assert remote == [], f"{page.relative_to(site)} loads from elsewhere: {remote}"
        assert not CDNS.search(text), f"{page.relative_to(site)} names {CDNS.search(text)[0]}"
    for css in (site / "_static").rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        remote = re.findall(r"url\(\s*[\"']?((?:https?:)?//[^)\"']*)", text)
        assert remote == [], f"{css.relative_to(site)} loads from elsewhere: {remote}"


def test_bundled_assets_are_shipped(site):
    vendor = site / "_static" / "vendor"
    for path in ["vazirmatn/Vazirmatn-Regular.woff2", "vazirmatn/Vazirmatn-Bold.woff2",
                 "vazirmatn/OFL.txt", "katex/katex.min.css", "katex/LICENSE"]:
        assert (vendor / path).is_file(), f"missing {path}: run `make site`"
    stylesheet = (vendor / "katex/katex.min.css").read_text(encoding="utf-8")
    fonts = re.findall(r"url\((fonts/[^)]+\.woff2)\)", stylesheet)
    assert fonts and all((vendor / "katex" / font).is_file() for font in fonts), "KaTeX fonts"
    assert "SIL OPEN FONT LICENSE" in (vendor / "vazirmatn/OFL.txt").read_text().upper()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_persian_pages_preload_their_font(site, language):
    """A Persian page asks for Vazirmatn with the page, so no late font swap moves its text."""
    for page in pages(site, language):
        text = page.read_text(encoding="utf-8")
        preloads = re.findall(r'<link rel="preload" href="([^"]+)" as="font"', text)
        if language == "en":
            assert preloads == [], page
            continue
        assert [Path(href).name for href in preloads] == ["Vazirmatn-Regular.woff2",
                                                          "Vazirmatn-Bold.woff2"], page
        assert all((page.parent / href).resolve().is_file() for href in preloads), page


def test_notebook_pages_show_no_stderr(site):
    """TensorFlow's log lines and other stderr noise would show as red output blocks."""
    for language in ("en", "fa"):
        for page in pages(site, language):
            text = page.read_text(encoding="utf-8")
            for block in re.findall(r'<div class="output stderr[^"]*">(.{0,400})', text, re.S):
                pytest.fail(f"{page.relative_to(site)} shows stderr output (silence it, or tag "
                            f"the cell remove-stderr if it is deliberate): "
                            f"{re.sub('<[^>]+>', '', block)[:300]!r}")


def test_glued_numbers_are_pasted_in_the_page_language(site):
    """Numbers the prose quotes from the run ({glue:text}) are pasted on the built pages:
    Latin digits on English pages, Persian digits on Persian ones, the same count on both."""
    pasted = {}
    for language in ("en", "fa"):
        for page in pages(site, language):
            values = re.findall(r'<span class="pasted-text">([^<]*)</span>',
                                page.read_text(encoding="utf-8"))
            pasted[language, page.name] = values
            for value in values:
                digits = re.findall(r"\d", value)
                assert digits, f"{page.relative_to(site)}: pasted {value!r}, not a number"
                latin = all("0" <= d <= "9" for d in digits)
                assert latin == (language == "en"), \
                    f"{page.relative_to(site)}: pasted {value!r} in the other language's digits"
    assert any(pasted.values()), "no page pastes a glued number"
    for (language, name), values in pasted.items():
        if language == "en":
            assert len(values) == len(pasted.get(("fa", name), [])), f"{name}: twins paste differently"


def test_answers_are_behind_a_toggle_and_checks_are_off_the_site(site):
    """Each exercise's answer cell is collapsed (tag hide-input) and its tests are not shown."""
    total = 0
    for language in ("en", "fa"):
        for page in pages(site, language):
            text = page.read_text(encoding="utf-8")
            answers = len(re.findall(r'class="[^"]*tag_hide-input', text))
            questions = len(re.findall(r"<strong>\d+\. \(|<strong>[۰-۹]+\. \(", text))
            assert answers >= questions, f"{page.relative_to(site)}: an answer is not collapsed"
            total += questions
            assert "# HIDDEN" not in text and "fingerprint" not in text, \
                f"{page.relative_to(site)}: an exercise's check is on the page"
            english_toggle = "Show code cell source" in text or "Toggle hidden content" in text
            assert english_toggle == (language == "en") or not answers, \
                f"{page.relative_to(site)}: the answers' toggle is not in the page's language"
    assert total, "no exercise found on any page"


class Text(HTMLParser):
    """The text a reader sees: no scripts, styles, code, or KaTeX's MathML copy of a formula."""
    SKIP = {"script", "style", "pre", "code", "math", "textarea"}

    def __init__(self):
        super().__init__()
        self.open, self.parts = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data):
        if not self.open:
            self.parts.append(data)


RAW_TEX = re.compile(r"\$[^$\s][^$]*\$|\$\$|\\\(|\\\[|\\begin\{|\\(?:frac|sqrt|alpha|beta|eta|theta|"
                     r"sigma|lambda|epsilon|rho|sum|prod|mathbf|mathrm|text|hat|nabla|odot|cdot|"
                     r"leftarrow|ell|max|log)\b")


def test_math_is_rendered_at_build_time(site):
    """Every formula (MyST $…$ and $$…$$, amsmath, Markdown outputs, the glossary) is KaTeX's
    HTML in the page: no TeX left for the reader, no KaTeX error, and no math script loaded."""
    formulas = 0
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        reader = Text()
        reader.feed(text)
        seen = "".join(reader.parts)
        raw = [seen[max(0, m.start() - 40):m.end() + 40] for m in RAW_TEX.finditer(seen)]
        assert raw == [], f"{page.relative_to(site)}: raw TeX {raw[:3]}"
        assert "katex-error" not in text, f"{page.relative_to(site)}: KaTeX could not render a formula"
        loads = Loads()
        loads.feed(text)
        scripts = [url for url in loads.urls if re.search(r"mathjax|katex[^/]*\.js", url, re.I)]
        assert scripts == [], f"{page.relative_to(site)} loads a math script: {scripts}"
        formulas += text.count('class="katex"')
    assert formulas > 100, f"only {formulas} formulas rendered on the whole site"


def web_pages(site):
    """Every page a reader can open (not the theme's template fragments in _static/, not the
    redirecting index.html)."""
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if "_static" not in page.relative_to(site).parts and 'http-equiv="refresh"' not in text.lower():
            yield page, text


def head(text):
    return text[:text.index("</head>")]


def stylesheets(text):
    return re.findall(r'<link rel="stylesheet"[^>]*href="([^"]+)"', head(text))


SEARCH_PAGES = ("search.html", "search-fa.html")  # English and Persian results


def test_pages_load_light(site):
    """No Font Awesome script, no search index outside the search page, no script in the
    head that holds up the first paint, one stylesheet, and KaTeX's rules only where a page
    has math."""
    for page, text in web_pages(site):
        name = page.relative_to(site).as_posix()
        assert "fontawesome" not in text, f"{name} loads Font Awesome's script"
        assert ("searchindex.js" in text) == (name in SEARCH_PAGES), \
            f"{name}: the search index belongs to the search pages only"
        blocking = [tag for tag in re.findall(r"<script\b[^>]*>", head(text))
                    if "src=" in tag and not re.search(r"\b(defer|async)\b", tag)]
        assert blocking == [], f"{name}: scripts that hold up the first paint: {blocking}"
        sheets = stylesheets(text)
        assert len(sheets) == 1, f"{name}: {len(sheets)} stylesheets, expected one bundle"
        bundle = (page.parent / sheets[0].split("?")[0]).read_text(encoding="utf-8")
        assert ("katex" in bundle) == ('class="katex"' in text), \
            f"{name}: KaTeX's stylesheet is loaded if and only if the page has math"


def test_site_css_survives_the_purge(site):
    """Every selector of _static/site.css is in every bundle: PurgeCSS keeps rules for what the
    site has (a selector it cannot judge, such as :is(:nth-child(1)), it would drop), and a
    rule of ours it drops selects nothing, so is dead."""
    def plain(css):
        return re.sub(r"\s+", " ", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    ours = plain((ROOT / "_static/site.css").read_text(encoding="utf-8"))
    selectors = {part.strip() for rule in re.findall(r"([^{}@;]+)\{[^{}]*\}", ours)
                 for part in rule.split(",")}
    bundles = sorted((site / "_static").glob("lean-*.css"))
    assert bundles and selectors
    for bundle in bundles:
        text = plain(bundle.read_text(encoding="utf-8"))
        dropped = sorted(selector for selector in selectors if selector not in text)
        assert dropped == [], f"{bundle.name} lacks site.css's {dropped}"


def test_icon_fonts_hold_only_the_icons_used(site):
    fonts = site / "_static/vendor/fontawesome/webfonts"
    for font in fonts.glob("*.woff2"):
        assert font.stat().st_size < 20_000, f"{font.name}: {font.stat().st_size} bytes, not cut down"


def test_persian_font_draws_every_persian_character(site):
    """Vazirmatn is cut down to what the site draws with it (_ext/lean.py): each weight draws
    every Arabic-script character of every page and of the Persian keyboard (a reader may type
    any of them into the search box)."""
    from fontTools.ttLib import TTFont

    from _ext.lean import ARABIC_SCRIPT, PERSIAN_KEYBOARD
    drawn = set(PERSIAN_KEYBOARD)
    for _, text in web_pages(site):
        drawn.update(ARABIC_SCRIPT.findall(text))
    for font in sorted((site / "_static/vendor/vazirmatn").glob("*.woff2")):
        cmap = TTFont(font).getBestCmap()
        missing = sorted(character for character in drawn if ord(character) not in cmap)
        assert missing == [], f"{font.name} cannot draw {missing}"
        assert font.stat().st_size < 20_000, f"{font.name}: {font.stat().st_size} bytes, not cut down"


def test_every_page_has_a_favicon(site):
    for page, text in web_pages(site):
        icons = re.findall(r'<link rel="icon" href="([^"]+)"', text)
        assert len(icons) == 1, f"{page.relative_to(site)}: no favicon"
        assert (page.parent / icons[0]).resolve().is_file(), f"{page.relative_to(site)}: {icons[0]}"


def test_article_images_are_sized_and_lazy(site):
    """Width and height (no layout shift), and loading=lazy for all but a page's first image."""
    total = 0
    for page in pages(site, "en") + pages(site, "fa"):
        article = page.read_text(encoding="utf-8").split('<article class="bd-article">', 1)[-1]
        images = re.findall(r"<img\b[^>]*>", article)
        for index, image in enumerate(images):
            assert re.search(r' width="\d+" height="\d+"', image), f"{page.name}: unsized {image[:120]}"
            assert ('loading="lazy"' in image) == (index > 0), f"{page.name}: {image[:120]}"
        total += len(images)
    assert total, "no image in any article"


# JavaScript and CSS a page loads, uncompressed: 3.5 MB before the pages were made light (Font
# Awesome's script and MathJax its largest part), 620 KB after; 288-299 KB once the stylesheet
# lost its unused rules.
SCRIPT_AND_STYLE_BUDGET = 330 * 1024


def test_page_weight_budget(site):
    for page in pages(site, "en") + pages(site, "fa"):
        text = page.read_text(encoding="utf-8")
        loads = Loads()
        loads.feed(text)
        files = {(page.parent / url.split("?")[0]).resolve() for url in loads.urls
                 if re.search(r"\.(js|css)(\?|$)", url)}
        weight = sum(path.stat().st_size for path in files)
        assert weight <= SCRIPT_AND_STYLE_BUDGET, \
            f"{page.relative_to(site)}: {weight // 1024} KB of scripts and styles, over the budget"


# ----------------------------------------------------------------------------------------------
# Browser checks
# ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "the Python package playwright is not installed (it is in requirements.txt)"
    if reason is None and not CHROMIUM.exists():
        reason = (f"{CHROMIUM} not found: install Debian's chromium "
                  "(`make test` does it when run as root)")
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser test cannot run under CI: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One page opened in a fresh browser context, with every request it makes recorded."""

    def __init__(self, browser, url, **context_options):
        self.context = browser.new_context(**context_options)
        self.page = self.context.new_page()
        self.requests, self.failures, self.errors, self.console = [], [], [], []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("requestfailed", lambda request: self.failures.append(request.url))
        self.page.on("response", lambda response: response.status >= 400
                     and self.failures.append(f"{response.status} {response.url}"))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: message.type == "error"
                     and self.console.append(message.text))
        self.goto(url)

    def goto(self, url):
        response = self.page.goto(url, wait_until="load")
        assert response.status == 200, url
        self.settle()
        return response

    def settle(self):
        """Wait for the widgets and the web fonts (math is rendered at build time)."""
        self.page.evaluate("() => document.fonts.ready.then(() => null)")
        self.page.wait_for_timeout(300)  # the widget manager renders after load

    def js(self, expression, arg=None):
        return self.page.evaluate(expression, arg)

    def used_fonts(self, selector):
        """The fonts Chromium actually used for the text of the first element matching selector."""
        session = self.context.new_cdp_session(self.page)
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"no element matches {selector}"
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        session.detach()
        return {font["familyName"]: font["glyphCount"] for font in fonts}

    def close(self):
        self.context.close()


def page_url(server, language, name=NOTEBOOK):
    return urljoin(server, f"book/{language}/{name}.html")


@pytest.fixture(scope="module", params=["en", "fa"])
def visit(request, browser, server):
    visit = Visit(browser, page_url(server, request.param), viewport={"width": 1280, "height": 900})
    visit.language = request.param
    yield visit
    visit.close()


# The paragraph, code and math of the article body used by the checks below.
ARTICLE = "article.bd-article"
PROSE = f"{ARTICLE} section > p"


def test_html_lang_and_direction(visit):
    rtl = visit.language == "fa"
    assert visit.js("document.documentElement.lang") == visit.language
    directions = visit.js("""(selector) => [...document.querySelectorAll(selector)]
        .map(e => getComputedStyle(e).direction)""", PROSE)
    assert directions and set(directions) == {"rtl" if rtl else "ltr"}
    kept_ltr = visit.js("""(article) => [...document.querySelectorAll(
            `${article} :is(.cell_input, .output.stream, .output.text_plain, pre, .math, .katex)`)]
        .filter(e => getComputedStyle(e).direction !== 'ltr').map(e => e.outerHTML.slice(0, 120))""",
                        ARTICLE)
    assert kept_ltr == [], "code, outputs and math must stay left-to-right"
    counts = visit.js(f"""() => ['.cell_input', '.output.stream', '.math']
        .map(s => document.querySelectorAll('{ARTICLE} ' + s).length)""")
    assert all(counts), f"expected code cells, text outputs and math, found {counts}"


def mark_prose(visit):
    """Mark the first paragraph of the article written (almost) only in the page's language."""
    found = visit.js("""([selector, persian]) => {
        const count = (text, letters) => (text.match(letters) || []).length;
        const p = [...document.querySelectorAll(selector)].find(p => {
            const fa = count(p.textContent, /[\\u0600-\\u06ff]/g), en = count(p.textContent, /[A-Za-z]/g);
            return persian ? fa >= 20 && en < fa / 3 : en >= 20 && fa === 0;
        });
        if (p) p.id = 'prose-under-test';
        return Boolean(p);
    }""", [PROSE, visit.language == "fa"])
    assert found, f"no paragraph written in {visit.language}"
    return "#prose-under-test"


def test_font(visit):
    prose_selector = mark_prose(visit)
    family = visit.js("(s) => getComputedStyle(document.querySelector(s)).fontFamily", prose_selector)
    assert family.startswith("Vazirmatn"), family
    loaded = visit.js("""() => [...document.fonts]
        .filter(f => f.family.replace(/"/g, '') === 'Vazirmatn' && f.status === 'loaded').length""")
    assert loaded, "document.fonts reports no Vazirmatn face loaded"
    prose = visit.used_fonts(prose_selector)
    code = visit.used_fonts(f"{ARTICLE} .cell_input pre")
    assert max(code, key=code.get) != "Vazirmatn", f"code must keep a monospace font, got {code}"
    if visit.language == "fa":
        assert max(prose, key=prose.get) == "Vazirmatn", f"Persian prose rendered with {prose}"
    else:
        assert "Vazirmatn" not in prose, f"English prose rendered with {prose}"


def test_math_is_typeset(visit):
    assert visit.js("document.querySelectorAll('.katex .katex-html').length") > 0
    assert visit.js("document.querySelectorAll('.katex-error').length") == 0
    text = visit.js(f"document.querySelector('{ARTICLE}').innerText")
    assert "$$" not in text and "\\frac" not in text and "\\[" not in text, "raw TeX left"
    loaded = visit.js("""() => document.fonts.ready.then(() => [...document.fonts]
        .filter(f => f.family.replace(/"/g, '').startsWith('KaTeX_') && f.status === 'loaded').length)""")
    assert loaded, "KaTeX's fonts did not load"


def test_no_request_leaves_the_machine(visit):
    elsewhere = [url for url in visit.requests
                 if urlsplit(url).scheme not in ("data", "blob", "about")
                 and urlsplit(url).hostname != "127.0.0.1"]
    assert elsewhere == [], f"requests to other hosts: {elsewhere}"
    assert visit.failures == [], f"failed requests: {visit.failures}"
    assert visit.errors == [], f"JavaScript errors: {visit.errors}"
    assert visit.console == [], f"errors in the console: {visit.console}"


# Interface text: everything a reader sees or hears outside the article body and the list of
# pages (whose titles are in both languages).
INTERFACE_TEXT = """() => {
  const skip = e => e.closest('article.bd-article, nav.bd-docs-nav, .navbar-brand, title, script, style');
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    if (skip(e)) continue;
    for (const a of ['title', 'aria-label', 'placeholder', 'alt', 'data-bs-title', 'data-tooltip'])
      if (e.getAttribute(a)) out.push(e.getAttribute(a).trim());
    for (const n of e.childNodes)
      if (n.nodeType === 3 && n.textContent.trim()) out.push(n.textContent.trim());
  }
  return out;
}"""


def test_interface_language(visit):
    texts = visit.js(INTERFACE_TEXT)
    english = {text for text in texts for key in PERSIAN
               if re.search(rf"(?<![\w-]){re.escape(key.strip())}(?![\w-])", text)}
    persian = [text for text in texts if re.search("[\u0600-\u06ff]", text)]
    if visit.language == "fa":
        assert english == set(), f"English interface text on a Persian page: {sorted(english)}"
        for expected in ["پرش به محتوای اصلی", "جست‌وجو", "حالت تمام‌صفحه", "قبلی", "حق نشر"]:
            assert any(expected in text for text in texts), f"missing {expected!r}"
        latin_digits = [text for text in persian if re.search("[0-9]", text)]
        assert latin_digits == [], f"Latin digits in Persian interface text: {latin_digits}"
    else:
        assert persian == [], f"Persian interface text on an English page: {persian}"
        for expected in ["Skip to main content", "Search", "Fullscreen mode", "previous"]:
            assert any(expected in text for text in texts), f"missing {expected!r}"


def test_twin_link_round_trip(visit, server):
    here = visit.page.url
    link = visit.page.locator(f"{ARTICLE} .bilingual-twin a")
    assert link.get_attribute("hreflang") == OTHER[visit.language]
    assert link.is_visible()
    with visit.page.expect_navigation() as navigation:
        link.click()
    assert navigation.value.status == 200
    assert visit.page.url == page_url(server, OTHER[visit.language])
    assert visit.js("document.documentElement.lang") == OTHER[visit.language]
    with visit.page.expect_navigation() as navigation:
        visit.page.locator(f"{ARTICLE} .bilingual-twin a").click()
    assert navigation.value.status == 200
    assert visit.page.url == here
    visit.settle()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_screenshots(browser, server, visit, device):
    """Screenshots to look at (they assert only that the page has no horizontal scroll)."""
    options = {"desktop": {"viewport": {"width": 1280, "height": 900}},
               "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
                         "is_mobile": True, "has_touch": True}}[device]
    shot = Visit(browser, page_url(server, visit.language), **options)
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot.page.screenshot(path=SHOTS / f"{visit.language}-{device}.png")
        shot.page.screenshot(path=SHOTS / f"{visit.language}-{device}-full.png", full_page=True)
        overflow = shot.js("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{device}: the page scrolls sideways by {overflow}px"
    finally:
        shot.close()


# The contrast of every output text that carries its own colour (Keras' model.summary() prints
# through rich) against the background it is drawn on: WCAG's relative luminance.
OUTPUT_CONTRASTS = """() => {
    const rgb = (css) => css.match(/[\\d.]+/g).slice(0, 4).map(Number);
    const luminance = ([r, g, b]) => [r, g, b].map(v => v / 255)
        .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const background = (element) => {
        for (let e = element; e; e = e.parentElement) {
            const colour = rgb(getComputedStyle(e).backgroundColor);
            if (colour.length < 4 || colour[3] > 0) return colour;
        }
        return [255, 255, 255];
    };
    return [...document.querySelectorAll('.cell_output span[style*="color"]')].map(span => {
        const [a, b] = [luminance(rgb(getComputedStyle(span).color)), luminance(background(span))];
        return [span.getAttribute('style'), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
    });
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["en", "fa"])
def test_coloured_outputs_are_readable(browser, server, language, scheme):
    visit = Visit(browser, page_url(server, language, "batch_normalization"), color_scheme=scheme)
    try:
        contrasts = visit.js(OUTPUT_CONTRASTS)
    finally:
        visit.close()
    assert contrasts, "the page should show model.summary()'s coloured table"
    low = sorted({(style, round(ratio, 2)) for style, ratio in contrasts if ratio < 4.5})
    assert low == [], f"{scheme} mode: output text below 4.5:1 contrast: {low}"
