"""A link to the whole book as one PDF in every page's download menu.

``make pdf`` (tools/make_pdf.py) prints the built pages into ``_build/html/PDF_NAME``,
beside the pages, so the link works offline and on any static host. The theme's own
".pdf" item only printed the one page in front of the reader: this one replaces it.
"""

from __future__ import annotations

PDF_NAME = "backprop-by-hand.pdf"


def _link_the_pdf(app, pagename, templatename, context, doctree):
    pathto = context.get("pathto")
    # The student edition (make student) has no PDF: the PDF is the instructor's edition.
    if pathto is None or getattr(app.config, "hide_solutions", False):
        return
    item = {
        "type": "link",
        "url": pathto(PDF_NAME, 1),
        "text": "Book (PDF)",
        "tooltip": "Download the whole book as one PDF, with the solutions",
        "icon": "fas fa-file-pdf",
        "label": "download-book-pdf-button",
    }
    groups = [
        button
        for button in context.get("header_buttons", [])
        if button.get("label") == "download-buttons"
    ]
    if not groups:
        # A page without a source (search, index): a menu with only the book in it.
        context.setdefault("header_buttons", []).insert(
            0,
            {
                "type": "group",
                "tooltip": "Download",
                "icon": "fas fa-download",
                "buttons": [item],
                "label": "download-buttons",
            },
        )
        return
    buttons = groups[0]["buttons"]
    buttons[:] = [b for b in buttons if b.get("label") != "download-pdf-button"] + [item]


def setup(app):
    # After sphinx-book-theme builds the header's buttons (priority 501).
    app.connect("html-page-context", _link_the_pdf, priority=510)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
