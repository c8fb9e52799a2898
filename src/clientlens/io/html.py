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
    for content in (*CONTENT, None):
        reader = _Reader(content)
        reader.feed(html)
        reader.close()
        if content is None or reader.found:
            text = reader.text()
            if text:
                return text
    raise InputError("the HTML page holds no readable text (only scripts, menus or images?)")


class _Reader(HTMLParser):
    """Collects the text of the blocks, inside the `content` element only when one is given."""

    def __init__(self, content: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.content = content
        self.found = False
        self.inside = 0 if content else 1  # depth inside the content element (1: the whole page)
        self.skipped = 0
        self.paragraphs: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            self.handle_startendtag(tag, attrs)
            return
        if self.content and tag == self.content:
            self.found = True
            self.inside += 1
        if tag in SKIPPED:
            self.skipped += 1
        if tag in BLOCKS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and self._reading():
            self.paragraphs[-1].append("\n")
        elif tag == "hr":
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self.skipped:
            self.skipped -= 1
        if tag in BLOCKS:
            self._break()
        if self.content and tag == self.content and self.inside:
            self.inside -= 1

    def handle_data(self, data: str) -> None:
        if self._reading():
            self.paragraphs[-1].append(data)

    def _reading(self) -> bool:
        return self.inside > 0 and not self.skipped

    def _break(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def text(self) -> str:
        out = []
        for parts in self.paragraphs:
            lines = ("".join(parts)).split("\n")
            paragraph = "\n".join(" ".join(line.split()) for line in lines).strip()
            if paragraph:
                out.append(paragraph)
        return "\n\n".join(out)
