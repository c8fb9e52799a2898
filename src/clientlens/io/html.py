"""Read stage, HTML: a saved web page (a trade-press interview, a blog post, the record of a
hearing) -> its readable text -> clientlens.io.plain.parse_text.

The text clientlens builds, which report offsets index, holds one paragraph per block of the
page (paragraphs, headings, list items, quotations, table cells; « <br> » breaks a line). What
is not the page's content is left out: scripts and styles, navigation, headers, footers,
asides, forms and buttons, and the page's title (« <h1> »: the editor's headline, such as
« Paul Girard : « Nos clients… » », which would read as a speaker label). When the page marks
its content (« <main> », or « <article> »), only that is read, so that the menus and boxes
around it do not speak for the leader. Character references are resolved
(« &eacute; » -> « é »). Python's html.parser reads the page: no dependency, and a malformed
page is read as far as it goes.
"""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

from clientlens.errors import InputError
from clientlens.io.plain import parse_text
from clientlens.io.transcript import Transcript

#: Elements whose text is never read.
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside",
                     "form", "button", "select", "textarea", "iframe", "object", "head", "title", "figure", "h1"})
#: Elements that open a new paragraph.
BLOCKS = frozenset({"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
                    "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "td", "th", "hr", "body"})
#: Elements that mark the page's content, the first found wins.
CONTENT = ("main", "article")
#: Elements that never have an end tag.
VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed",
                  "param", "track"})


def parse(text: str, source: str | None = None) -> Transcript:
    """The HTML reader (the registry's text entry point): the page's text, read as plain text.

    Raises:
        InputError: the page holds no readable text.
    """
    return replace(parse_text(page_text(text), source=source), format="html")


def page_text(html: str) -> str:
    """The readable text of a page, one paragraph per block (module docstring)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    for content in (*CONTENT, None):
        text = reader.text(content)
        if text:
            return text
    raise InputError("the HTML page holds no readable text (only scripts, menus or images?)")


class _Reader(HTMLParser):
    """Collects the text of the blocks, each paragraph with the CONTENT elements it lies in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = dict.fromkeys(CONTENT, 0)  # how deep inside each content element
        self.skipped = 0
        self.paragraphs: list[tuple[frozenset[str], list[str]]] = [(frozenset(), [])]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            self.handle_startendtag(tag, attrs)
            return
        if tag in SKIPPED:
            self.skipped += 1
        if tag in BLOCKS:
            self._break()
        if tag in self.depth:
            self.depth[tag] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self.skipped:
            self._current().append("\n")
        elif tag == "hr":
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self.skipped:
            self.skipped -= 1
        if tag in BLOCKS:
            self._break()
        if self.depth.get(tag):
            self.depth[tag] -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipped:
            self._current().append(data)

    def _current(self) -> list[str]:
        """The paragraph being read, opened inside the content elements around it now."""
        parts = self.paragraphs[-1][1]
        if not parts:
            self.paragraphs[-1] = frozenset(t for t, d in self.depth.items() if d), parts
        return parts

    def _break(self) -> None:
        if self.paragraphs[-1][1]:
            self.paragraphs.append((frozenset(), []))

    def text(self, content: str | None) -> str:
        """The paragraphs inside `content` (all of them for None), one per block."""
        out = []
        for within, parts in self.paragraphs:
            if content is not None and content not in within:
                continue
            lines = "".join(parts).split("\n")
            paragraph = "\n".join(" ".join(line.split()) for line in lines).strip()
            if paragraph:
                out.append(paragraph)
        return "\n\n".join(out)
