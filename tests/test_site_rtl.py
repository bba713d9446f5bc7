"""The built website's Persian pages as a Persian reader expects them (issue 18): the whole page
mirrored, left-to-right runs isolated inside Persian text, the page's own language in its
sidebar, its own search page, and every landmark labelled in Persian.

Static checks read _build/html; browser checks open the first topic's pages in Chromium, like
tests/test_site.py, whose fixtures and helpers they use.
"""
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest

from test_site import (ARTICLE, NOTEBOOK, OTHER, SHOTS, Visit, browser, html_lang,  # noqa: F401
                       page_url, pages, server, site)

pytestmark = pytest.mark.site

LATIN = re.compile(r"[A-Za-z0-9]")  # letters and digits that Persian text must isolate
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
# Elements whose text is not Persian prose: code, math, and what is already isolated or in
# another language (the twin link, lang="en").
NOT_PROSE = {"bdi", "code", "pre", "kbd", "samp", "script", "style", "svg", "math"}


class Prose(HTMLParser):
    """The text of an article's Persian prose that is not isolated, and the inline formulas
    that are not inside an isolate."""

    def __init__(self):
        super().__init__()
        self.stack = []  # (tag, left out of the prose, isolated)
        self.in_article = False
        self.loose_text = []
        self.loose_math = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "article" and "bd-article" in classes:
            self.in_article = True
            self.stack = []
        if not self.in_article or tag in VOID:
            return
        isolated = tag == "bdi" or "dir" in attrs or any(s[2] for s in self.stack)
        if tag == "span" and "math" in classes and not isolated:
            self.loose_math.append(self.get_starttag_text())
        left_out = (tag in NOT_PROSE or "dir" in attrs or attrs.get("lang") not in (None, "fa")
                    or "math" in classes or "headerlink" in classes)
        self.stack.append((tag, left_out, isolated))

    def handle_endtag(self, tag):
        if not self.in_article or tag in VOID:
            return
        while self.stack:  # HTML lets some end tags out (</p>, </li>): close up to the match
            if self.stack.pop()[0] == tag:
                break
        self.in_article = bool(self.stack)  # the article's own end tag empties the stack

    def handle_data(self, data):
        if self.in_article and not any(s[1] for s in self.stack) and LATIN.search(data):
            self.loose_text.append(data.strip())


def persian_pages(site):
    return pages(site, "fa")


def test_persian_pages_are_right_to_left_as_a_whole(site):
    """<html dir="rtl"> on every Persian page (the search page too), and on no English one."""
    for page in [*persian_pages(site), site / "search-fa.html"]:
        html_tag = re.search(r"<html[^>]*>", page.read_text(encoding="utf-8"))[0]
        assert 'dir="rtl"' in html_tag and 'lang="fa"' in html_tag, f"{page}: {html_tag}"
    for page in [*pages(site, "en"), site / "search.html", site / "book" / "index.html"]:
        html_tag = re.search(r"<html[^>]*>", page.read_text(encoding="utf-8"))[0]
        assert "dir=" not in html_tag and 'lang="en"' in html_tag, f"{page}: {html_tag}"


def test_latin_runs_and_inline_math_are_isolated_in_persian_text(site):
    """In the article of a Persian page, no Latin letter or digit is left in the Persian text
    outside an isolate (<bdi>, or code, math), and every inline formula is inside one: the
    bidirectional algorithm then cannot move the punctuation around them."""
    isolates = 0
    for page in persian_pages(site):
        text = page.read_text(encoding="utf-8")
        prose = Prose()
        prose.feed(text)
        where = page.relative_to(site)
        assert prose.loose_text == [], f"{where}: Latin text not isolated: {prose.loose_text[:5]}"
        assert prose.loose_math == [], f"{where}: inline math not isolated: {prose.loose_math[:3]}"
        isolates += text.count('<bdi dir="ltr">')
    assert isolates > 100, "hardly any isolate on the Persian pages"


def test_english_pages_have_no_isolates(site):
    for page in pages(site, "en"):
        assert "<bdi" not in page.read_text(encoding="utf-8"), page


def sidebar_links(page):
    text = page.read_text(encoding="utf-8")
    nav = re.search(r'<nav class="bd-links bd-docs-nav"[^>]*>(.*?)</nav>', text, re.S)[1]
    return [(page.parent / href).resolve() for href in re.findall(r'href="([^"#]+)', nav)]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_sidebar_lists_the_page_language_only(site, language):
    """A page's table of contents is its own language's part (the twin link switches language);
    the landing page lists both."""
    other = site / "book" / OTHER[language]
    for page in pages(site, language):
        links = sidebar_links(page)
        assert any(site / "book" / language in link.parents for link in links), page
        assert not any(other in link.parents for link in links), f"{page}: links to {other}"
    landing = sidebar_links(site / "book" / "index.html")
    assert all(any(site / "book" / lang in link.parents for link in landing) for lang in OTHER)


def test_each_language_names_the_book_in_its_own_language(site):
    """The sidebar's title and the browser tab: the book's Persian name on a Persian page, its
    English name on an English one (the landing page keeps both)."""
    for language, page in [*(("fa", p) for p in persian_pages(site)), ("fa", site / "search-fa.html"),
                           *(("en", p) for p in pages(site, "en"))]:
        text = page.read_text(encoding="utf-8")
        names = [re.search(r'<p class="title logo__title">([^<]*)<', text)[1],
                 re.search(r"<title>([^<]*)</title>", text)[1].split("&#8212;")[-1].split(" - ")[-1]]
        foreign = "[A-Za-z]" if language == "fa" else "[\u0600-\u06ff]"
        assert not any(re.search(foreign, name) for name in names), f"{page.name}: {names}"


def test_persian_pages_search_in_persian(site):
    """The Persian pages' search box sends its query to search-fa.html, a Persian page."""
    for page in persian_pages(site):
        actions = re.findall(r'<form class="bd-search[^"]*"\s+action="([^"]+)"',
                             page.read_text(encoding="utf-8"))
        assert actions and all(action.endswith("search-fa.html") for action in actions), page
        assert all((page.parent / action).resolve() == site / "search-fa.html" for action in actions)
    for page in pages(site, "en"):
        actions = re.findall(r'<form class="bd-search[^"]*"\s+action="([^"]+)"',
                             page.read_text(encoding="utf-8"))
        assert actions and all(action.endswith("/search.html") for action in actions), page
    search = (site / "search-fa.html").read_text(encoding="utf-8")
    assert html_lang(search) == "fa"
    assert "<title>جست‌وجو" in search


# ----------------------------------------------------------------------------------------------
# Browser checks (Persian pages)
# ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def persian(browser, server):
    visit = Visit(browser, page_url(server, "fa"), viewport={"width": 1280, "height": 900})
    yield visit
    visit.close()


def box(visit, selector):
    return visit.js("(s) => { const r = document.querySelector(s).getBoundingClientRect();"
                    " return {left: r.left, right: r.right, width: r.width}; }", selector)


def test_layout_is_mirrored(persian):
    """The navigation on the right, the page's contents on the left, the article between;
    previous on the right, next on the left, each chevron pointing away from the article."""
    navigation = box(persian, ".bd-sidebar-primary")
    contents = box(persian, ".bd-sidebar-secondary")
    article = box(persian, ARTICLE)
    assert contents["right"] <= article["left"] < article["right"] <= navigation["left"]
    previous, following = box(persian, ".prev-next-area a.left-prev"), box(persian, ".prev-next-area a.right-next")
    assert following["right"] <= previous["left"]
    # The chevron: the link's other child.
    chevrons = persian.js("""() => ['.left-prev', '.right-next'].map(s => {
        const link = document.querySelector('.prev-next-area ' + s);
        const i = link.querySelector(':scope > :not(.prev-next-info)'), r = i.getBoundingClientRect();
        return [getComputedStyle(i).transform, r.left, r.right,
                link.querySelector('.prev-next-info').getBoundingClientRect().left]; })""")
    for transform, _, _, _ in chevrons:
        assert transform.startswith("matrix(-1"), "the chevrons are not mirrored"
    (_, _, prev_icon_right, prev_text_left), (_, next_icon_left, _, next_text_left) = chevrons
    assert prev_icon_right > prev_text_left and next_icon_left < next_text_left


def test_isolates_are_left_to_right_isolates(persian):
    styles = persian.js(f"""() => [...document.querySelectorAll('{ARTICLE} bdi')].map(e => {{
        const s = getComputedStyle(e); return s.direction + ' ' + s.unicodeBidi; }})""")
    assert styles and set(styles) == {"ltr isolate"}


def test_landmarks_are_labelled_in_persian(persian):
    """Every landmark that has a label has it in Persian (Lighthouse wants them labelled when
    there are several of a kind; a screen reader reads them out)."""
    labels = persian.js("""() => [...document.querySelectorAll(
        'nav, aside, main, header, footer, form, section[aria-label], [role=navigation], [role=main],'
        + ' [role=complementary], [role=search], [role=banner], [role=contentinfo], [role=region], dialog')]
        .map(e => e.getAttribute('aria-label')).filter(Boolean)""")
    assert labels, "no labelled landmark"
    english = [label for label in labels if not re.search("[\u0600-\u06ff]", label)]
    assert english == [], f"landmark labels not in Persian: {english}"


def test_persian_search_page(browser, server):
    """Searching from a Persian page on a phone: the results page is in Persian, right to left,
    lists Persian pages first and does not scroll sideways; its excerpts show each formula once
    (no TeX) and isolate their Latin runs."""
    visit = Visit(browser, urljoin(server, "search-fa.html?q=RMSProp"),
                  viewport={"width": 412, "height": 860})
    try:
        visit.page.wait_for_function(
            "() => document.querySelectorAll('#search-results ul.search li p.context').length > 2",
            timeout=15000)
        visit.page.wait_for_function(
            "() => document.querySelector('#search-results .search-summary').innerText !== ''",
            timeout=15000)
        assert visit.js("document.documentElement.dir") == "rtl"
        summary = visit.js("document.querySelector('#search-results .search-summary').innerText")
        assert re.search("[\u0600-\u06ff]", summary) and not re.search("[A-Za-z]", summary), summary
        first = visit.js("document.querySelector('#search-results ul.search li a').getAttribute('href')")
        assert first.startswith("book/fa/"), f"first result {first} is not a Persian page"
        overflow = visit.js("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the results page scrolls sideways by {overflow}px"
        excerpts = visit.js("[...document.querySelectorAll('#search-results p.context')].map(p => p.textContent)")
        assert not [text for text in excerpts if "\\" in text], "an excerpt shows TeX"
        persian = [text for text in excerpts if re.search("[\u0600-\u06ff]", text)]
        assert persian, "no excerpt of a Persian page"
        for text in persian:
            outside = re.sub("\u2066[^\u2069]*(\u2069|$)", "", text)
            assert not re.search("[A-Za-z]", outside), f"a Latin run outside an isolate: {text!r}"
        assert visit.errors == [], visit.errors
        SHOTS.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=SHOTS / "fa-search.png")
    finally:
        visit.close()


def test_phone_layout_of_a_persian_page(browser, server):
    """At 412 px: nothing scrolls sideways, and the figures are not scaled below 55 % (their
    10 pt text stays at least 7.5 px high)."""
    visit = Visit(browser, page_url(server, "fa"), viewport={"width": 412, "height": 860})
    try:
        assert visit.js("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        scales = visit.js(f"""() => [...document.querySelectorAll('{ARTICLE} .cell_output img')]
            .map(i => i.getBoundingClientRect().width / (+i.getAttribute('width') || i.naturalWidth))""")
        # width attributes (set by _ext/lean.py) cover the lazy images that have not loaded yet
        assert scales and min(scales) >= 0.55, f"figures scaled down to {min(scales):.2f}"
        SHOTS.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=SHOTS / f"fa-{NOTEBOOK}-412.png")
    finally:
        visit.close()


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("kind", ["primary", "secondary"])
def test_phone_sidebar_buttons_open_the_sidebars(browser, server, language, kind):
    """At 412 px the article header's buttons open the site navigation and the page contents
    (the themes listen on the hidden navbar's buttons only; _ext/offline.py forwards)."""
    visit = Visit(browser, page_url(server, language), viewport={"width": 412, "height": 860})
    try:
        dialog = f"#pst-{kind}-sidebar-modal"
        assert not visit.js(f"document.querySelector('{dialog}').open")
        visible = visit.page.locator(f".{kind}-toggle").locator("visible=true")
        assert visible.count() == 1
        visible.click()
        visit.page.wait_for_timeout(300)
        assert visit.js(f"document.querySelector('{dialog}').open"), f"{kind} sidebar did not open"
        links = visit.js(f"[...document.querySelectorAll('{dialog} a')].filter(a => a.getBoundingClientRect().width > 0).length")
        assert links > 0
        assert visit.errors == [], visit.errors
        SHOTS.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=SHOTS / f"{language}-{kind}-sidebar-412.png")
    finally:
        visit.close()
