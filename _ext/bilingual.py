"""Bilingual pages: a small local Sphinx extension for this Jupyter Book.

The chapter lives in twin trees, book/en/NAME and book/fa/NAME (same file names). This
extension

- renders every page under book/fa/ in Persian: ``<html lang="fa" dir="rtl">`` (the whole
  page mirrored: navigation on the right, the page's contents on the left), and the theme's
  interface text (search, navigation, buttons, tooltips, landmark labels) in Persian;
- gives the Persian pages their own search page, ``search-fa.html``, in Persian, which lists
  Persian pages first (the English one lists English pages first);
- puts a link to the twin page at the top of every page of either tree (and a
  ``<link rel="alternate" hreflang>`` in its head), and lists in a page's sidebar only its
  own language's part of the table of contents (the landing page lists both);
- keeps the previous/next links of a page within its language;
- isolates, in Persian text, every run of left-to-right text (Latin words, Latin numbers)
  and every inline formula (``<bdi dir="ltr">``), so that the Unicode bidirectional
  algorithm cannot move the punctuation around them or reverse a ``0.33 ± 0.01``;
- writes the numbers glued into a Persian page's prose (``{glue:text}``) in Persian digits;
- warns when a page has no twin, so ``jupyter-book build -W`` fails on an unpaired page.

How the interface text becomes Persian: Sphinx's ``language`` is global to a build, but all the
interface text of Sphinx, pydata-sphinx-theme and sphinx-book-theme goes through gettext
catalogs looked up at render time. So before a Persian page is written, the extension swaps
in a Persian catalog (the small ``PERSIAN`` dictionary below, falling back to Sphinx's own
Persian catalog) for the catalogs those packages use and for the Jinja templates; before an
English page it swaps the build's English catalogs back. The page is rendered as a
``language: fa`` build would render it; two changes are made to the rendered HTML, where no
template can reach (see ``finish_persian_pages``). Besides: texts the themes take from
the configuration (author, search placeholder) go through the same catalog, the texts of
three scripts (copy button, toggle hints, search results) are set in JavaScript
(``PERSIAN_SCRIPT``), two tooltips and a landmark label that sphinx-book-theme hard-codes in
English come from overridden templates (templates/), and myst-nb's toggle of a collapsed cell
is written by ``visit_hidden_cell``.

Everything visual (right-to-left layout, the Vazirmatn font, code kept left-to-right) is in
``_static/site.css``.
"""
import gettext
import html
import json
import re
from pathlib import Path

import sphinx
from bs4 import BeautifulSoup
from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput
from sphinx import locale
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

TREES = {"en": "book/en/", "fa": "book/fa/"}
OTHER = {"en": "fa", "fa": "en"}
NAMES = {"en": "English", "fa": "فارسی"}  # the twin link's text, in the twin's language
# Each language's search page: Sphinx's own, and a second one rendered from the same template
# (html_additional_pages) that the Persian pages' search box and button send their query to.
SEARCH = {"en": "search", "fa": "search-fa"}
# Latin digits -> Persian ones; and with the decimal point and thousands separator («٫», «٬»)
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
PERSIAN_NUMBER = str.maketrans("0123456789.,", "۰۱۲۳۴۵۶۷۸۹٫٬")
DEFAULT = "en"  # the language of every other page (the landing page, search, index)

# The gettext catalogs that the interface text goes through: Sphinx's own (pydata-sphinx-theme
# adds its strings to it) and sphinx-book-theme's.
CATALOGS = [("general", "sphinx"), ("general", "booktheme")]

# The messages of Sphinx's search scripts (searchtools.js, sphinx_highlight.js), in its
# JavaScript catalog on Persian pages (PERSIAN_SCRIPT).
PERSIAN_SEARCH = {
    "Search Results": "نتیجه‌های جست‌وجو",
    "Searching": "در حال جست‌وجو",
    "Preparing search...": "آماده‌سازی جست‌وجو…",
    ", in ": "، در ",
    "Hide Search Matches": "پنهان کردن نتیجه‌های جست‌وجو",
    "Your search did not match any documents. Please make sure that all words are spelled "
    "correctly and that you've selected enough categories.":
        "هیچ صفحه‌ای با جست‌وجوی شما جور نبود. درستیِ نوشتن واژه‌ها را بررسی کنید.",
    "Search finished, found ${resultCount} page(s) matching the search query.":
        "جست‌وجو تمام شد: ${resultCount} صفحه پیدا شد.",
}

# Interface text that neither the themes nor Sphinx translate into Persian (or translate
# poorly); everything else falls back to Sphinx's Persian catalog.
PERSIAN = {
    # pydata-sphinx-theme
    "Skip to main content": "پرش به محتوای اصلی",
    "Back to top": "بازگشت به بالا",
    "Search": "جست‌وجو",
    "Search the docs ...": "جست‌وجو در این کتاب…",
    "Search this book...": "جست‌وجو در این کتاب…",
    "Version warning": "هشدار نسخه",
    "Search within this site": "جست‌وجو در این کتاب",
    "Clear search": "پاک کردن جست‌وجو",
    "Site navigation": "پیمایش سایت",
    "Section Navigation": "پیمایش بخش",
    "Section navigation": "پیمایش بخش",
    "Contents": "محتوا",
    "On this page": "در این صفحه",
    "Breadcrumb": "مسیر صفحه",
    "Home": "خانه",
    "previous": "قبلی",
    "next": "بعدی",
    "previous page": "صفحهٔ قبلی",
    "next page": "صفحهٔ بعدی",
    "Color mode": "حالت رنگ",
    "Light": "روشن",
    "Dark": "تیره",
    "System Settings": "تنظیمات سیستم",
    "By": "نوشتهٔ",
    "© Copyright %(copyright)s.": "© حق نشر %(copyright)s.",
    "Copyright": "حق نشر",
    "Created using": "ساخته‌شده با",
    "Built with the": "ساخته‌شده با",
    "theme": "پوسته",
    "Last updated on": "آخرین به‌روزرسانی",
    "Link to this heading": "پیوند به این عنوان",
    "Link to this equation": "پیوند به این معادله",
    "Link to this table": "پیوند به این جدول",
    "Link to this image": "پیوند به این تصویر",
    "Link to this code": "پیوند به این کد",
    "Link to this definition": "پیوند به این تعریف",
    # Sphinx's search page
    **PERSIAN_SEARCH,
    "Please activate JavaScript to enable the search functionality.":
        "برای جست‌وجو، جاوااسکریپت مرورگر را روشن کنید.",
    "Error": "خطا",
    # sphinx-book-theme
    "Toggle navigation": "نمایش و پنهان کردن فهرست",
    "Toggle primary sidebar": "نمایش و پنهان کردن نوار کناری اصلی",
    "Toggle secondary sidebar": "نمایش و پنهان کردن نوار کناری محتوا",
    "Download this page": "بارگیری این صفحه",
    "Download notebook file": "بارگیری فایل دفترچه",
    "Download source file": "بارگیری فایل منبع",
    "Print to PDF": "چاپ به PDF",
    "Fullscreen mode": "حالت تمام‌صفحه",
    "Launch interactive content": "اجرای تعاملی",
    "Launch on": "اجرا در",
    "Source repository": "مخزن منبع",
    "Source repositories": "مخزن‌های منبع",
    "Repository": "مخزن",
    "Open issue": "گزارش مشکل",
    "Open an issue": "گزارش یک مشکل",
    "Suggest edit": "پیشنهاد ویرایش",
    "Show source": "نمایش منبع",
    "Edit this page": "ویرایش این صفحه",
    "logo": "لوگو",
    "Main": "اصلی",  # the landmark label of the table of contents (templates/sbt-sidebar-nav.html)
    "Page": "صفحه",  # ... and of the page's contents when printed (finish_persian_pages)
    # this book's configuration (_config.yml)
    "The course authors": "نویسندگان درس",
    # myst-nb's toggle of a collapsed cell (the exercises' answers: tag hide-input)
    "Show code cell source": "نمایش کد",
    "Hide code cell source": "پنهان کردن کد",
    "Show code cell outputs": "نمایش خروجی",
    "Hide code cell outputs": "پنهان کردن خروجی",
    "Show code cell content": "نمایش سلول کد",
    "Hide code cell content": "پنهان کردن سلول کد",
    "Toggle hidden content": "نمایش یا پنهان کردن محتوای پنهان",
}

# Interface text set in JavaScript, added to Persian pages after the scripts it changes:
# sphinx-togglebutton's hints (its globals), sphinx-copybutton's tooltips (its `messages`
# table, keyed by <html lang>, which lacks Persian), and the search scripts' messages (Sphinx's
# JavaScript catalog).
PERSIAN_SCRIPT = """
toggleHintShow = "برای نمایش کلیک کنید";
toggleHintHide = "برای پنهان کردن کلیک کنید";
if (typeof messages !== "undefined") {
  messages.fa = {copy: "رونوشت", copy_to_clipboard: "رونوشت در حافظه", copy_success: "رونوشت شد",
                 copy_failure: "رونوشت نشد"};
  locale = "fa";
}
if (typeof Documentation !== "undefined") {
  Documentation.addTranslations({locale: "fa", messages: %s});
}
""" % json.dumps(PERSIAN_SEARCH, ensure_ascii=False)

# On a search page: the results in the page's language first (Sphinx's Scorer is defined by
# searchtools.js, which comes after this script; it scores before the query runs); excerpts
# that show a formula once, without KaTeX's MathML copy for screen readers (the formula again,
# then its TeX), which Sphinx's excerpt takes as text; and in a Persian page's excerpt each
# Latin run isolated (LRI ... PDI) as the build isolates it in the page: LATIN_RUN below, a
# closing bracket joining the run that opened it (latin_runs).
SEARCH_PAGE_SCRIPT = r"""
document.addEventListener("DOMContentLoaded", () => {
  const score = Scorer.score;
  Scorer.score = (result) => (score ? score(result) : result[4]) + (result[0].startsWith(TREE) ? 1000 : 0);
  const toText = Search.htmlToText;
  Search.htmlToText = (html, anchor) =>
    toText(html.replace(/<span class="katex-mathml">[\s\S]*?<\/math><\/span>/g, ""), anchor);
  const latin = new RegExp(LATIN_RUN + "[)\\]}]*", "g"), opening = {")": "(", "]": "[", "}": "{"};
  const count = (text, character) => text.split(character).length - 1;
  const isolate = (run) => {
    let end = run.search(/[)\]}]*$/);
    while (end < run.length && count(run.slice(0, end), opening[run[end]]) > count(run.slice(0, end), run[end])) end++;
    return "\u2066" + run.slice(0, end) + "\u2069" + run.slice(end);
  };
  const summarize = Search.makeSearchSummary;
  Search.makeSearchSummary = (...args) => {
    const summary = summarize(...args);
    if (summary && /[\u0600-\u06ff]/.test(summary.textContent))
      summary.textContent = summary.textContent.replace(latin, isolate);
    return summary;
  };
});
"""


class PersianCatalog(gettext.NullTranslations):
    """``PERSIAN`` first, then Sphinx's Persian catalog, then the English text itself."""

    def __init__(self):
        super().__init__()
        sphinx_locales = Path(sphinx.__file__).parent / "locale"
        self.add_fallback(gettext.translation("sphinx", sphinx_locales, ["fa"], fallback=True))

    def gettext(self, message):
        return PERSIAN.get(message) or super().gettext(message)


def page_language(pagename):
    return next((lang for lang, tree in TREES.items() if pagename.startswith(tree)
                 or pagename == SEARCH[lang]), DEFAULT)


def twin_of(pagename):
    """(the twin page's name, its language), or None for a page outside the two trees."""
    lang = page_language(pagename)
    if not pagename.startswith(TREES[lang]):
        return None
    other = "fa" if lang == "en" else "en"
    return TREES[other] + pagename[len(TREES[lang]):], other


def remember_catalogs(app):
    # The build's own (English) catalogs, and the Persian one for each; without
    # sphinx-book-theme (as in tests/test_twins.py) only Sphinx's catalog is registered.
    registered = [key for key in CATALOGS if key in locale.translators]
    app.bilingual_catalogs = {
        "en": {key: locale.translators[key] for key in registered},
        "fa": dict.fromkeys(registered, PersianCatalog()),
    }
    app.bilingual_language = DEFAULT


def use_language(app, language):
    """Render from now on with the interface text of `language`."""
    if getattr(app, "bilingual_language", language) == language:
        return
    catalogs = app.bilingual_catalogs[language]
    locale.translators.update(catalogs)
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        templates.environment.install_gettext_translations(catalogs[("general", "sphinx")])
    app.bilingual_language = language


def check_twins(app, env):
    """Warn about every page of book/en or book/fa whose twin is not in the book."""
    for docname in sorted(env.found_docs):
        twin = twin_of(docname)
        if twin and twin[0] not in env.found_docs:
            logger.warning("page has no twin: %s is missing (each page of book/en/ needs one "
                           "of the same name in book/fa/ and the other way round; add both to "
                           "_toc.yml)", twin[0], location=docname, type="bilingual",
                           subtype="twin")


def switch_for_doctree(app, doctree, docname):
    # Called just before a page's body is translated to HTML: body text that Sphinx
    # translates (admonition titles, "Link to this heading") follows the page's language.
    use_language(app, page_language(docname))


def persian_glued_numbers(app, doctree, docname):
    # Values glued into the prose (lab.report.glue, {glue:text}`name:.3f`) are numbers that
    # Python formats in Latin digits; a Persian page states them in Persian digits.
    if page_language(docname) != "fa":
        return
    for node in list(doctree.findall(nodes.inline)):
        if "pasted-text" in node["classes"]:
            node[:] = [nodes.Text(node.astext().translate(PERSIAN_NUMBER))]


# Left-to-right text inside Persian text. A run starts with a Latin or Greek letter, a Latin
# digit (or a sign before one), and goes on over what joins such characters inside a name, a
# number or a short formula (spaces, . , - + / × ± = ( ) …), never over Persian letters or a
# colon or semicolon (Persian punctuation too: the sentence's, not the name's).
LTR = "A-Za-z0-9\u00b2\u00b3\u00b9\u00c0-\u024f\u0370-\u03ff\u1e00-\u1eff\u2070-\u209f"
JOIN = re.escape(" \u00a0.,'’&%*^_·/+-−–×±=<>≤≥≈≠~|‖√()[]{}")
LATIN_RUN = re.compile(f"(?:[-+−±](?=[0-9]))?[{LTR}]+(?:[{JOIN}]+[{LTR}]+)*")
CLOSING = {")": "(", "]": "[", "}": "{"}


class isolate(nodes.inline):
    """Left-to-right text in Persian text, written as ``<bdi dir="ltr">``: one unit for the
    bidirectional algorithm, ordered left to right inside, neutral outside."""


def visit_isolate(translator, node):
    translator.body.append('<bdi dir="ltr">')


def depart_isolate(translator, node):
    translator.body.append("</bdi>")


# A formula still written in TeX ($…$): the glossary's, made math later (_ext/lean.py).
TEX = re.compile(r"\$[^$]+\$")


def latin_runs(text):
    """(start, end) of each left-to-right run of `text` outside TeX, with the brackets it
    opened closed."""
    done = 0
    for tex_start, tex_end in [*(m.span() for m in TEX.finditer(text)), (len(text), len(text))]:
        for match in LATIN_RUN.finditer(text, done, tex_start):
            start, end = match.span()
            while end < tex_start and text[end] in CLOSING and (
                    text.count(CLOSING[text[end]], start, end) > text.count(text[end], start, end)):
                end += 1
            yield start, end
        done = tex_end


# Text left alone: code, math (isolated as a whole) and raw HTML.
NOT_PROSE = (nodes.FixedTextElement, nodes.literal, nodes.math, nodes.raw, nodes.comment, isolate)


class IsolateLeftToRight(SphinxTransform):
    """In a Persian page, every Latin run and every inline formula becomes an isolate. Done
    while the page is read, before Sphinx copies its titles: the page's table of contents,
    the sidebar and the previous/next links show them isolated too."""
    default_priority = 860  # after smart quotes (750), before doctree-read (880)

    def apply(self):
        if page_language(self.env.docname) != "fa":
            return
        isolate_math(None, self.document, self.env.docname)
        for text in list(self.document.findall(nodes.Text)):
            if any(isinstance(ancestor, NOT_PROSE) for ancestor in _ancestors(text)):
                continue
            content, parts, done = str(text), [], 0
            for start, end in latin_runs(content):
                parts += [nodes.Text(content[done:start]), isolate("", content[start:end])]
                done = end
            if parts:
                parts.append(nodes.Text(content[done:]))
                text.parent.replace(text, [part for part in parts if part.astext()])


def isolate_math(app, doctree, docname):
    """Every inline formula of a Persian page in an isolate; run again when the page is
    resolved, for the formulas made after it was read (the glossary's)."""
    if page_language(docname) != "fa":
        return
    for math in list(doctree.findall(nodes.math)):
        if not isinstance(math.parent, isolate):
            math.replace_self(isolate("", "", math.deepcopy()))


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def switch_for_page(app, pagename, templatename, context, doctree):
    # Runs before the themes' own handlers (priority 100 < 500), whose tooltips and labels
    # then come out in the page's language; the templates are rendered after all handlers.
    language = page_language(pagename)
    use_language(app, language)
    context["language"] = language
    if language != DEFAULT:
        # The search box and button (pydata-sphinx-theme's search-field.html asks for
        # pathto('search')) send the query to the page's own search page.
        pathto = context["pathto"]
        context["pathto"] = lambda name, *args, **kwargs: pathto(
            SEARCH[language] if name == SEARCH[DEFAULT] else name, *args, **kwargs)
    if pagename in SEARCH.values():
        app.add_js_file(None, body=SEARCH_PAGE_SCRIPT.replace("TREE", json.dumps(TREES[language]))
                        .replace("LATIN_RUN", json.dumps(LATIN_RUN.pattern, ensure_ascii=False)))


def own_part_of_the_contents(app, pagename, templatename, context, doctree):
    """A page of one language lists in its sidebar only that language's part of the table of
    contents (its twin link switches language); the landing page keeps both."""
    language = page_language(pagename)
    if "toctree" not in context or not (pagename.startswith(TREES[language])
                                        or pagename == SEARCH[language] != SEARCH[DEFAULT]):
        return
    foreign = {context["pathto"](docname) for docname in app.env.found_docs
               if docname.startswith(TREES[OTHER[language]])}
    toctree = context["toctree"]

    def own_toctree(**kwargs):
        soup = BeautifulSoup(toctree(**kwargs), "html.parser")
        for caption in soup.find_all("p", class_="caption"):
            part = caption.find_next_sibling("ul")
            links = {a["href"].split("#")[0] for a in part.find_all("a", href=True)} if part else set()
            if links and links <= foreign:
                caption.decompose()
                part.decompose()
        return str(soup)

    context["toctree"] = own_toctree


def keep_navigation_in_language(app, pagename, templatename, context, doctree):
    """The toc puts the Persian part after the English one: previous/next links stop at the
    border between the languages instead of crossing it."""
    def crosses(docname):
        return bool(docname and twin_of(docname) and twin_of(pagename)
                    and page_language(docname) != page_language(pagename))

    parent, previous, following = app.env.collect_relations().get(pagename, [None] * 3)
    for key, docname in (("prev", previous), ("next", following)):
        if crosses(docname):
            context[key] = None
    context["rellinks"] = [link for link in context.get("rellinks", []) if not crosses(link[0])]


PERSIAN_FONTS = ("_static/vendor/vazirmatn/Vazirmatn-Regular.woff2",
                 "_static/vendor/vazirmatn/Vazirmatn-Bold.woff2")  # as in _static/site.css


def mark_page(app, pagename, templatename, context, doctree):
    """The link to the twin at the top of the article; a Persian article right to left, with
    its font preloaded."""
    if "body" not in context:
        return
    body = context["body"]
    twin = twin_of(pagename)
    if twin and twin[0] in app.env.found_docs:
        twin_name, twin_language = twin
        href = html.escape(context["pathto"](twin_name))
        attributes = f'href="{href}" hreflang="{twin_language}" lang="{twin_language}"'
        body = (f'<p class="bilingual-twin"><a class="reference internal" {attributes}>'
                f'{NAMES[twin_language]}</a></p>\n{body}')
        context["metatags"] = context.get("metatags", "") + f'\n<link rel="alternate" {attributes}>'
    if page_language(pagename) == "fa":
        body = f'<div class="bilingual-rtl" dir="rtl">\n{body}</div>\n'
        # Fetch the Persian font with the page, not after the first paint: a late font swap
        # rewraps every Persian line and shifts the layout (Lighthouse's CLS).
        for font in PERSIAN_FONTS:
            href = html.escape(context["pathto"](font, 1))
            context["metatags"] = (context.get("metatags", "") + f'\n<link rel="preload" '
                                   f'href="{href}" as="font" type="font/woff2" crossorigin>')
    context["body"] = body


def own_language_title(app, pagename, templatename, context, doctree):
    """A page of one language names the book in that language only: the title in the sidebar
    and the browser's tab (the configured title is both names, "English · فارسی", which the
    landing page, the index and the English search page keep). The sidebar's link to the
    landing page keeps both: that page is the book in both languages, and the chapter's first
    page already bears the one-language name."""
    language = page_language(pagename)
    names = str(context.get("docstitle") or "").split(" · ")
    own = pagename.startswith(TREES[language]) or pagename == SEARCH[language] != SEARCH[DEFAULT]
    if len(names) == len(TREES) and own:
        context["docstitle"] = names[list(TREES).index(language)]


def translate_configured_text(app, pagename, templatename, context, doctree):
    """Text that the themes take from the configuration, not from a catalog."""
    if page_language(pagename) != "fa":
        return
    translate = locale.get_translation("sphinx")
    for key in ("author", "theme_search_bar_text"):
        if context.get(key):
            context[key] = translate(context[key])
    if context.get("copyright"):  # the footer's year, in Persian digits as in the prose
        context["copyright"] = context["copyright"].translate(PERSIAN_DIGITS)
    app.add_js_file(None, body=PERSIAN_SCRIPT, priority=900)  # this page only


def visit_hidden_cell(translator, node):
    """myst-nb's collapsed cell, its toggle's text and label in Persian on a Persian page (myst-nb
    takes the text from its configuration and writes the label as a literal)."""
    persian = page_language(translator.builder.current_docname) == "fa"
    if persian:
        node["prompt_show"] = PERSIAN.get(node["prompt_show"], node["prompt_show"])
        node["prompt_hide"] = PERSIAN.get(node["prompt_hide"], node["prompt_hide"])
    start = len(translator.body)
    visit_HideCellInput(translator, node)
    if persian:
        label = 'aria-label="Toggle hidden content"'
        translator.body[start:] = [part.replace(label, f'aria-label="{PERSIAN["Toggle hidden content"]}"')
                                   for part in translator.body[start:]]


def translate_hidden_cells(app):
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput))


def add_templates(app, config):
    # Theme components overridden: two whose tooltips and one whose landmark label are
    # hard-coded in English (now with _()), and the colour-mode button (an accessibility fix,
    # see the file).
    config.templates_path.insert(0, str(Path(__file__).parent / "templates"))  # before the themes
    # The Persian search page, from the theme's search template.
    config.html_additional_pages = {**config.html_additional_pages, SEARCH["fa"]: "search.html"}


def finish_persian_pages(app):
    """On Persian pages, ``<html lang="fa" dir="rtl">`` and the label of sphinx-book-theme's
    printed table of contents. The themes write the <html> tag from a template variable that
    pydata-sphinx-theme's layout sets last, and the label is in the layout that _ext/lean.py
    overrides: no template or handler of this extension reaches them, so they are set in the
    rendered page."""
    templates = getattr(app.builder, "templates", None)
    if templates is None or not hasattr(templates, "render"):
        return
    render = templates.render

    def render_persian(template, context):
        output = render(template, context)
        if context.get("language") == "fa":
            output = re.sub(r'(<html\b[^>]*? lang="fa")', r'\1 dir="rtl"', output, count=1)
            output = output.replace('<nav aria-label="Page">', f'<nav aria-label="{PERSIAN["Page"]}">')
        return output

    templates.render = render_persian


def restore_language(app, exception):
    if hasattr(app, "bilingual_catalogs"):
        use_language(app, DEFAULT)


def setup(app):
    # An isolate is an inline (its children's own output) for every other builder.
    app.add_node(isolate, html=(visit_isolate, depart_isolate))
    app.add_transform(IsolateLeftToRight)
    app.connect("config-inited", add_templates)
    app.connect("builder-inited", remember_catalogs)
    app.connect("builder-inited", translate_hidden_cells)  # after myst-nb has added its node
    app.connect("builder-inited", finish_persian_pages)
    app.connect("env-check-consistency", check_twins)
    app.connect("doctree-resolved", switch_for_doctree)
    app.connect("doctree-resolved", persian_glued_numbers)
    app.connect("doctree-resolved", isolate_math)
    app.connect("html-page-context", switch_for_page, priority=100)
    app.connect("html-page-context", keep_navigation_in_language)
    app.connect("html-page-context", own_part_of_the_contents)
    app.connect("html-page-context", mark_page)
    app.connect("html-page-context", translate_configured_text, priority=900)
    app.connect("html-page-context", own_language_title, priority=900)
    app.connect("build-finished", restore_language)
    # Not parallel-write-safe: the language is switched per page while pages are written.
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": False}
