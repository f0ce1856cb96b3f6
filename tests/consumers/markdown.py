"""Renders markdown from stdin as GitHub does (cmark-gfm, raw HTML allowed, as GitHub's renderer
reads it before sanitising) and prints what a reader would get, as JSON: every element, every
HTML comment, the text of each <pre> block, table rows, and the paragraphs' text.

Used by the Rust tests (tests/integration/escaping.rs); needs `pip install cmarkgfm`.
"""

import json
import sys
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options


class Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.comments, self.pre, self.paragraphs, self.rows = [], [], [], [], 0
        self.open = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.open.append(tag)
        if tag == "tr":
            self.rows += 1
        if tag in ("pre", "p"):
            self.text = []

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()
        if tag == "pre":
            self.pre.append("".join(self.text))
        if tag == "p":
            self.paragraphs.append("".join(self.text))

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_data(self, data):
        self.text.append(data)


text = sys.stdin.read()
html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
reader = Reader()
reader.feed(html)
print(json.dumps({
    "tags": sorted(set(reader.tags)),
    "comments": reader.comments,
    "pre": reader.pre,
    "paragraphs": reader.paragraphs,
    "rows": reader.rows,
    "list_items": reader.tags.count("li"),
    "html": html,
}))
