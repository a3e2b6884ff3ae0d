"""Offer every chapter of the book as a clean Jupyter notebook.

Jupyter Book 1 offers an ``.ipynb`` download only for chapters written as ``.ipynb``.
Our chapters are MyST Markdown notebooks, so this Sphinx extension converts each one
with jupytext and rewrites what Jupyter cannot show:

- ``{literalinclude}`` with ``:pyobject:`` becomes the function's real source in a
  Markdown ````` ```python ````` block (a code cell would shadow the package import),
- admonitions become block quotes with a bold title; each exercise and each solution
  becomes its own Markdown cell, tagged ``exercise`` or ``solution``,
- ``{eq}``, ``{doc}``, ``{ref}``, ``{numref}`` and ``{glue:text}`` become the number,
  title or value the book shows, and labelled display equations get a ``\\tag``,
- ``from myst_nb import glue`` becomes a stand-in, so the notebook runs where only the
  package is installed.

The notebook is written to ``_sources/<docname>.ipynb`` of the HTML output and offered
in the page's download menu. :func:`to_clean_notebook` works without Sphinx as well
(numbers are then counted within the chapter), which is what the tests use.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat

# Directives whose content is shown as a block quote with a bold title.
ADMONITIONS = {
    "admonition": "",
    "attention": "Attention",
    "caution": "Caution",
    "danger": "Danger",
    "error": "Error",
    "hint": "Hint",
    "important": "Important",
    "note": "Note",
    "seealso": "See also",
    "tip": "Tip",
    "warning": "Warning",
    "dropdown": "",
    "margin": "",
    "sidebar": "",
    "topic": "",
    "epigraph": "",
    "card": "",
}
# Layout containers (sphinx-design): their items follow one another in the notebook.
CONTAINERS = {"tab-set", "grid", "card-carousel", "div", "container"}
# Items of those containers: a bold title, then the content.
ITEMS = {"tab-item", "grid-item", "grid-item-card"}
# Directives that only matter to the HTML book.
DROPPED = {"index", "raw", "toctree", "tableofcontents", "contents", "only", "meta"}
# Roles whose content is code.
CODE_ROLES = {
    "code",
    "literal",
    "samp",
    "file",
    "command",
    "kbd",
    "envvar",
    "option",
    "program",
    "func",
    "class",
    "meth",
    "mod",
    "attr",
    "obj",
    "data",
    "exc",
}
LANGUAGES = {".py": "python", ".toml": "toml", ".yml": "yaml", ".yaml": "yaml", ".txt": ""}

GLUE_STANDIN = """
# In the book, glue() pastes a computed value into the text; here it only shows it.
def glue(name, value, display=True):
    if display:
        from IPython.display import display as show

        show(value)
"""

FENCE_OPEN = re.compile(r"^ {0,3}(?P<fence>`{3,}|:{3,})\s*(?P<info>.*?)\s*$")
DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[^}\s]+)\}\s*(?P<argument>.*)$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
TARGET = re.compile(r"^\s*\((?P<label>[^()\s]+)\)=\s*$")
MATH_OPEN = re.compile(r"^\s*\$\$")
MATH_LABEL = re.compile(r"^(?P<body>.*)\$\$\s*(?:\((?P<label>[^()\s]+)\))?\s*$", re.S)
# A role, or something a role pattern must not look into (code span, inline math).
INLINE = re.compile(
    r"\{(?P<role>[\w:.+-]+)\}(?P<tick>`+)(?P<content>.+?)(?P=tick)"
    r"|(?P<code>(?P<ctick>`+).+?(?P=ctick))"
    r"|(?P<math>\$[^$\n]+\$)"
)
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
SUBSTITUTION = re.compile(r"\{\{\s*(?P<name>[\w-]+)\s*\}\}")


class ConversionError(ValueError):
    """A construct the notebook cannot show; the message says where."""


@dataclass
class Resolver:
    """What a chapter refers to outside its own text, without Sphinx.

    Numbers are counted within the chapter (equation 1, exercise 1, ...), titles of
    other chapters are read from their first heading, glued values from an optional
    ``glue`` mapping (the ``.glue.json`` myst-nb writes beside an executed notebook).
    The Sphinx build passes a subclass that knows the book's real numbers.
    """

    md_path: Path
    glue_data: dict = field(default_factory=dict)
    equations: dict = field(default_factory=dict)
    exercises: dict = field(default_factory=dict)
    warn: Callable[[str], None] = field(default=lambda message: None)

    def __post_init__(self):
        # Number the chapter's own equations and exercises in the order they are defined.
        if self.md_path.is_file():
            text = self.md_path.read_text(encoding="utf-8")
            for match in re.finditer(r"^\$\$\s*\(([^()\s]+)\)\s*$", text, re.M):
                self.equations.setdefault(match[1], str(len(self.equations) + 1))
            for match in re.finditer(r"^:{3,}\{exercise(?:-start)?\}.*\n(?::.*\n)*", text, re.M):
                label = re.search(r"^:label:\s*(\S+)", match[0], re.M)
                if label:
                    self.exercises.setdefault(label[1], str(len(self.exercises) + 1))

    def chapter_number(self) -> str | None:
        return None

    def equation(self, label: str) -> str:
        # Another chapter's equation has no number here: name it.
        return self.equations.get(label, label)

    def exercise(self, label: str) -> str:
        if label not in self.exercises:
            self.exercises[label] = str(len(self.exercises) + 1)
        return self.exercises[label]

    def doc(self, target: str) -> tuple[str, str | None]:
        """Title of another page, and its notebook's file name if it has one."""
        path = (self.md_path.parent / target).with_suffix(".md")
        if not path.is_file():
            self.warn(f"{{doc}} target {target!r} not found")
            return target, None
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^#\s+(.+)$", _outside_fences(text), re.M)
        title = match.group(1).strip() if match else target
        has_code = "```{code-cell}" in text
        return title, (path.stem + ".ipynb" if has_code else None)

    def ref(self, label: str) -> str:
        if label in self.exercises:
            return f"Exercise {self.exercises[label]}"
        text = self.md_path.read_text(encoding="utf-8")
        match = re.search(rf"^\({re.escape(label)}\)=\s*\n+#+\s+(.+)$", text, re.M)
        if match:
            return match.group(1).strip()
        return label.replace("-", " ")

    def glue(self, key: str, fmt: str) -> str:
        data = self.glue_data.get(key, {}).get("data", {})
        if "text/plain" not in data:
            return f"`{key}`"
        try:
            return format_plain_text(data["text/plain"], fmt)
        except (TypeError, ValueError) as exc:
            self.warn(f"glued value {key!r} cannot be formatted with {fmt!r}: {exc}")
            return f"`{key}`"

    def glue_image(self, key: str) -> str | None:
        data = self.glue_data.get(key, {}).get("data", {})
        png = data.get("image/png")
        return f"![{key}](data:image/png;base64,{png.strip()})" if png else None


def _outside_fences(text: str) -> str:
    """The text without its fenced blocks, where a ``#`` line is a comment, not a title."""
    return re.sub(r"^(`{3,}|:{3,}).*?^\1\s*$", "", text, flags=re.M | re.S)


def format_plain_text(text: str, fmt: str) -> str:
    """Format a glued ``text/plain`` value the way myst-nb's ``{glue:text}`` does."""
    from ast import literal_eval

    try:
        value = literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if not fmt:
        return str(value)
    kind = fmt[-1]
    if kind == "s":
        value = str(value)
    elif kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    return format(value, fmt)


@dataclass
class Chunk:
    """A piece of a Markdown cell; exercises and solutions become cells of their own."""

    text: str
    tag: str | None = None


class _Converter:
    def __init__(self, md_path: Path, resolver: Resolver, root: Path):
        self.md_path = md_path
        self.resolver = resolver
        self.root = root

    # -- inline ----------------------------------------------------------------

    def inline(self, text: str) -> str:
        def replace(match: re.Match) -> str:
            if match.group("role") is None:
                return match.group(0)
            return self.role(match.group("role"), match.group("content"))

        text = INLINE.sub(replace, text)
        if SUBSTITUTION.search(text):
            self.resolver.warn(f"MyST substitution left in the notebook: {text.strip()!r}")
        return text

    def role(self, name: str, content: str) -> str:
        explicit = EXPLICIT.match(content)
        text, target = (explicit["text"], explicit["target"]) if explicit else (None, content)
        if name == "eq":
            return f"({self.resolver.equation(target)})"
        if name == "doc":
            title, notebook = self.resolver.doc(target)
            title = text or title
            return f"[{title}]({notebook})" if notebook else f"*{title}*"
        if name in ("ref", "numref", "any", "std:ref"):
            return text or self.resolver.ref(target)
        if name in ("math",):
            return f"${content}$"
        if name.startswith("glue"):
            key, _, fmt = content.partition(":")
            return self.resolver.glue(key, fmt)
        if name in CODE_ROLES or name.startswith("py:"):
            return f"`{content}`"
        if name == "abbr":
            return re.sub(r"\s*\(.*\)$", "", content)
        if name in ("sub", "sup"):
            return f"<{name}>{content}</{name}>"
        if name in ("term", "download", "cite", "guilabel", "menuselection", "dfn"):
            return text or content
        self.resolver.warn(f"unknown role {{{name}}} shown as plain text")
        return text or content

    # -- blocks ----------------------------------------------------------------

    def markdown(self, source: str) -> list[Chunk]:
        """Convert one Markdown cell's source into chunks of clean Markdown."""
        chunks: list[Chunk] = []
        out: list[str] = []

        def flush():
            text = "\n".join(_squeeze_blank_lines(out)).strip("\n")
            if text.strip():
                chunks.append(Chunk(text))
            out.clear()

        for item in self.blocks(source.splitlines()):
            if isinstance(item, Chunk):
                flush()
                chunks.append(item)
            else:
                out.append(item)
        flush()
        return chunks

    def blocks(self, lines: list[str]):
        """Yield converted lines, and whole Chunks for exercises and solutions."""
        i = 0
        while i < len(lines):
            line = lines[i]
            fence = FENCE_OPEN.match(line)
            if fence:
                char, size = fence["fence"][0], len(fence["fence"])
                close = re.compile(rf"^ {{0,3}}{re.escape(char)}{{{size},}}\s*$")
                j = i + 1
                while j < len(lines) and not close.match(lines[j]):
                    j += 1
                body = lines[i + 1 : j]
                directive = DIRECTIVE_INFO.match(fence["info"])
                if directive:
                    yield from self.directive(directive["name"], directive["argument"], body)
                else:
                    # A plain code block: copied as it is, nothing inside is MyST.
                    yield from lines[i : j + 1]
                i = j + 1
                continue
            if TARGET.match(line) or line.lstrip().startswith("%"):
                i += 1
                continue
            if MATH_OPEN.match(line):
                j = i
                text = line.split("$$", 1)[1]
                while True:
                    closing = MATH_LABEL.match(text) if "$$" in text else None
                    if closing or j + 1 >= len(lines):
                        break
                    j += 1
                    text += "\n" + lines[j]
                if closing is None:
                    raise ConversionError(f"{self.md_path}: unclosed $$ at line {i + 1}")
                yield from self.math(closing["body"], closing["label"])
                i = j + 1
                continue
            yield self.inline(line)
            i += 1

    def math(self, body: str, label: str | None) -> list[str]:
        body = body.strip("\n")
        if label:
            body += f"\n\\tag{{{self.resolver.equation(label)}}}"
        return ["$$", *body.strip().splitlines(), "$$"]

    def directive(self, name: str, argument: str, body: list[str]):
        options, content = parse_options(body)
        if name in ("literalinclude",):
            yield from self.literalinclude(argument, options)
        elif name in ("code-block", "code", "sourcecode"):
            yield f"```{argument}"
            yield from content
            yield "```"
        elif name == "math":
            yield from self.math("\n".join(content), options.get("label"))
        elif name in ("exercise", "exercise-start"):
            label = options.get("label", "")
            number = self.resolver.exercise(label) if "nonumber" not in options else ""
            heading = f"**Exercise {number}**" if number else "**Exercise**"
            if argument:
                heading += f" ({self.inline(argument)})"
            text = "\n".join(_squeeze_blank_lines([heading, "", *self.blocks(content)]))
            yield Chunk(text.strip(), tag="exercise" if name == "exercise" else "exercise-start")
        elif name == "exercise-end":
            yield Chunk("", tag="exercise-end")
        elif name in ("solution", "solution-start"):
            number = self.resolver.exercise(argument)
            heading = f"**Solution to Exercise {number}**"
            text = "\n".join(_squeeze_blank_lines([heading, "", *self.blocks(content)]))
            yield Chunk(text.strip(), tag="solution" if name == "solution" else "solution-start")
        elif name == "solution-end":
            yield Chunk("", tag="solution-end")
        elif name in ADMONITIONS:
            title = self.inline(argument) if argument else ADMONITIONS[name]
            inner = list(self.blocks(content))
            if any(isinstance(item, Chunk) for item in inner):
                raise ConversionError(f"{self.md_path}: an exercise inside {{{name}}}")
            quoted = ([f"**{title}**", ""] if title else []) + inner
            yield ""
            yield from (f"> {item}" if item.strip() else ">" for item in quoted)
            yield ""
        elif name in CONTAINERS:
            yield from self.blocks(content)
        elif name in ITEMS:
            if argument:
                yield f"**{self.inline(argument)}**"
                yield ""
            yield from self.blocks(content)
            yield ""
        elif name in ("figure", "image"):
            alt = options.get("alt", "figure")
            if not argument.startswith(("http:", "https:", "data:")):
                self.resolver.warn(f"{{{name}}} {argument!r}: a file the notebook lacks")
            yield f"![{alt}]({argument})"
            yield from self.blocks(content)
        elif name == "table":
            if argument:
                yield f"**{self.inline(argument)}**"
                yield ""
            yield from self.blocks(content)
        elif name.startswith("glue"):
            key = argument.split(":", 1)[0]
            image = self.resolver.glue_image(key)
            yield image if image else self.resolver.glue(key, "")
            yield from self.blocks(content)
        elif name == "include":
            # A snippet shared by pages (book/_playground/): its text, converted in place.
            path = Path(os.path.normpath(self.md_path.parent / argument))
            yield from self.blocks(path.read_text(encoding="utf-8").splitlines())
        elif name == "playground":
            yield "*The interactive playground runs on the book's web page, not in a notebook.*"
        elif name in DROPPED:
            return
        else:
            self.resolver.warn(f"directive {{{name}}} is not converted; its text is kept")
            yield from self.blocks(content)

    def literalinclude(self, argument: str, options: dict) -> list[str]:
        from sphinx.directives.code import LiteralIncludeReader

        base = self.root if argument.startswith("/") else self.md_path.parent
        path = Path(os.path.normpath(base / argument.lstrip("/")))
        reader_options = dict(options)
        for key in ("lineno-start", "dedent", "tab-width"):
            if key in reader_options:
                reader_options[key] = int(reader_options[key] or 0)

        class _Config:
            source_encoding = "utf-8-sig"

        try:
            text, _ = LiteralIncludeReader(str(path), reader_options, _Config()).read()
        except (OSError, ValueError) as exc:
            raise ConversionError(f"{self.md_path}: literalinclude {argument}: {exc}") from exc
        language = options.get("language", LANGUAGES.get(path.suffix, ""))
        lines = []
        if "caption" in options:
            lines += [f"*{self.inline(options['caption'])}*", ""]
        elif "mlp_by_hand" in path.parts:
            shown = "/".join(path.parts[path.parts.index("mlp_by_hand") :])
            what = f"`{options['pyobject']}` in " if "pyobject" in options else ""
            lines += [f"*The package's source of {what}`{shown}`:*", ""]
        return [*lines, f"```{language}", *text.rstrip("\n").splitlines(), "```"]


def parse_options(body: list[str]) -> tuple[dict, list[str]]:
    """Split a directive's body into its options (``:key: value`` or YAML) and content."""
    options: dict = {}
    i = 0
    if body and body[0].strip() == "---":
        import yaml

        end = next((j for j in range(1, len(body)) if body[j].strip() == "---"), None)
        if end is not None:
            options = {k: str(v) for k, v in (yaml.safe_load("\n".join(body[1:end])) or {})}
            i = end + 1
    while i < len(body):
        match = OPTION.match(body[i])
        if not match:
            break
        value = match["value"].strip()
        if value[:1] in ("'", '"'):
            # MyST reads option values as YAML: quotes delimit the string.
            import yaml

            value = str(yaml.safe_load(value))
        options[match["key"]] = value
        i += 1
    content = body[i:]
    while content and not content[0].strip():
        content = content[1:]
    return options, content


def _add_opening_note(cells: list, number: str | None, book_title: str, hide: bool) -> None:
    """Number the title and, right under it, say what the notebook needs."""
    where = f"Chapter {number} of *{book_title}*" if number else f"A chapter of *{book_title}*"
    note = (
        f"> {where} as a notebook. It runs top to bottom wherever the book's package "
        "`mlp_by_hand` is installed (`pip install` the book's repository; see the "
        "introduction). Exercise skeletons are Markdown: copy one into a new code cell "
        "to work on it."
    )
    if not hide:
        note += " Each solution follows its exercise: try first, then read on."
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        match = re.search(r"^#\s+(.+)$", cell.source, re.M)
        if match:
            title = f"# {number}. {match[1]}" if number else match[0]
            before, after = cell.source[: match.start()], cell.source[match.end() :]
            cell.source = (before + title).strip("\n")
            rest = [nbformat.v4.new_markdown_cell(note)]
            if after.strip():
                rest.append(nbformat.v4.new_markdown_cell(after.strip("\n")))
            cells[index + 1 : index + 1] = rest
            return
    cells.insert(0, nbformat.v4.new_markdown_cell(note))


def _squeeze_blank_lines(lines: list[str]) -> list[str]:
    """Drop repeated blank lines outside code blocks (left where MyST lines vanished)."""
    out: list[str] = []
    fence = None
    for line in lines:
        opening = FENCE_OPEN.match(line.lstrip("> "))
        if opening and fence is None and opening["fence"][0] == "`":
            fence = opening["fence"]
        elif fence and line.lstrip("> ").strip() == fence:
            fence = None
        if fence is None and not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return out


def _find_root(md_path: Path) -> Path:
    for folder in md_path.resolve().parents:
        if (folder / "_config.yml").is_file():
            return folder
    return md_path.resolve().parent


def to_clean_notebook(
    md_path: str | Path,
    *,
    resolver: Resolver | None = None,
    hide_solutions: bool = False,
    book_title: str = "Backprop by Hand",
) -> nbformat.NotebookNode:
    """Convert a MyST Markdown chapter into a notebook Jupyter shows cleanly.

    Parameters
    ----------
    md_path : str or Path
        The chapter, a MyST Markdown notebook with a jupytext header.
    resolver : Resolver, optional
        Numbers, titles and glued values the chapter refers to. The default counts
        within the chapter; the Sphinx build passes the book's real numbers.
    hide_solutions : bool
        Leave the solutions out (the student edition).
    book_title : str
        Named in the note that opens the notebook.

    Returns
    -------
    nbformat.NotebookNode
        A version 4 notebook: Markdown cells free of MyST syntax, and the chapter's
        code cells (tagged ``solution`` inside a solution).

    Raises
    ------
    ConversionError
        If the chapter uses a construct the notebook cannot show (an unreadable
        literalinclude, an unclosed equation).
    """
    md_path = Path(md_path)
    resolver = resolver or Resolver(md_path)
    converter = _Converter(md_path, resolver, _find_root(md_path))
    source = jupytext.read(md_path, fmt="md:myst")

    cells = []
    in_solution = False

    def add(cell, tag):
        if tag:
            cell.metadata.setdefault("tags", [])
            if tag not in cell.metadata["tags"]:
                cell.metadata["tags"].append(tag)
        if not (hide_solutions and tag == "solution"):
            cells.append(cell)

    heading = None  # a solution's title waits for the solution's first Markdown

    for cell in source.cells:
        if cell.cell_type == "code":
            if heading:
                add(nbformat.v4.new_markdown_cell(heading), "solution")
                heading = None
            code = cell.source
            if re.search(r"^from myst_nb import glue\s*$", code, re.M):
                code = re.sub(r"^from myst_nb import glue\s*$", GLUE_STANDIN, code, flags=re.M)
            if "myst_nb" in code:
                raise ConversionError(f"{md_path}: a code cell uses myst_nb beyond glue")
            tags = [t for t in cell.metadata.get("tags", []) if t]
            new = nbformat.v4.new_code_cell(code, metadata={"tags": tags} if tags else {})
            add(new, "solution" if in_solution else None)
            continue
        for chunk in converter.markdown(cell.source):
            tag, text = chunk.tag, chunk.text
            if tag == "solution-start":
                in_solution, heading = True, text
                continue
            if tag == "solution-end":
                in_solution = False
                if heading:
                    add(nbformat.v4.new_markdown_cell(heading), "solution")
                    heading = None
                continue
            if tag in ("exercise-start", "exercise-end"):
                tag = "exercise" if tag == "exercise-start" else None
            elif in_solution:
                tag = "solution"
                if heading:
                    text, heading = f"{heading}\n\n{text}", None
            if text:
                add(nbformat.v4.new_markdown_cell(text), tag)

    _add_opening_note(cells, resolver.chapter_number(), book_title, hide_solutions)

    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nbformat.validate(notebook)
    return notebook


# -- Sphinx --------------------------------------------------------------------


class SphinxResolver(Resolver):
    """The book's real numbers and titles, read from the Sphinx environment."""

    def __init__(self, app, docname: str, warn):
        md_path = Path(app.env.doc2path(docname))
        glue_file = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.glue.json"
        glue_data = json.loads(glue_file.read_text("utf8")) if glue_file.is_file() else {}
        super().__init__(md_path, glue_data=glue_data, warn=warn)
        self.app, self.env, self.docname = app, app.env, docname

    @staticmethod
    def _join(numbers) -> str:
        return ".".join(str(n) for n in numbers)

    def _relative_doc(self, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(self.docname), target))

    def chapter_number(self) -> str | None:
        numbers = self.env.toc_secnumbers.get(self.docname, {}).get("")
        return self._join(numbers) if numbers else None

    def equation(self, label: str) -> str:
        found = self.env.get_domain("math").equations.get(label)
        if found is None:  # Sphinx itself reports the broken reference
            return label
        docname, number = found
        if self.app.config.math_numfig and self.app.config.numfig:
            from docutils.nodes import make_id

            # The same key Sphinx's math domain uses (make_id lowercases: eq-D -> eq-d).
            node_id = make_id(f"equation-{label}")
            figs = self.env.toc_fignumbers.get(docname, {}).get("displaymath", {})
            if node_id in figs:
                return self._join(figs[node_id])
        return str(number)

    def exercise(self, label: str) -> str:
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        entry = registry.get(label)
        if entry is None:
            return super().exercise(label)
        figs = self.env.toc_fignumbers.get(entry["docname"], {}).get("exercise", {})
        return self._join(figs[label]) if label in figs else super().exercise(label)

    def doc(self, target: str) -> tuple[str, str | None]:
        docname = self._relative_doc(target)
        if docname not in self.env.titles:  # Sphinx itself reports the broken reference
            return target, None
        title = self.env.titles[docname].astext()
        numbers = self.env.toc_secnumbers.get(docname, {}).get("")
        if numbers:
            title = f"{self._join(numbers)}. {title}"
        notebook = Path(docname).name + ".ipynb" if _has_notebook(self.app, docname) else None
        return title, notebook

    def glue(self, key: str, fmt: str) -> str:
        if "text/plain" not in self.glue_data.get(key, {}).get("data", {}):
            self.warn(f"glued value {key!r} not found (no text/plain in the build's glue data)")
        return super().glue(key, fmt)

    def ref(self, label: str) -> str:
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        if label in registry and registry[label]["type"].startswith("exercise"):
            return f"Exercise {self.exercise(label)}"
        labels = self.env.get_domain("std").labels
        if label in labels:
            return labels[label][2]
        # Not a section or an exercise: Sphinx itself reports a broken reference.
        return label.replace("-", " ")


def _has_notebook(app, docname: str) -> bool:
    """Chapters with code cells get a notebook; prose-only pages do not."""
    cache = app.env.__dict__.setdefault("_notebook_download_cache", {})
    if docname not in cache:
        path = Path(app.env.doc2path(docname))
        has = False
        if path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            has = text.startswith("---") and "```{code-cell}" in text
        cache[docname] = has
    return cache[docname]


def _write_notebook(app, pagename, templatename, context, doctree):
    if doctree is None or not _has_notebook(app, pagename):
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)

    def warn(message):
        logger.warning(f"[notebook] {message}", location=pagename, type="notebook")

    resolver = SphinxResolver(app, pagename, warn)
    try:
        notebook = to_clean_notebook(
            resolver.md_path,
            resolver=resolver,
            hide_solutions=app.config.hide_solutions,
            book_title=app.config.html_title or app.config.project,
        )
    except ConversionError as exc:
        warn(str(exc))
        return
    target = Path(app.outdir, "_sources", pagename + ".ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    context["ipynb_source"] = pagename + ".ipynb"


def setup(app):
    # sphinx-book-theme reads ipynb_source at priority 501: set it before.
    app.connect("html-page-context", _write_notebook, priority=400)
    if "hide_solutions" not in app.config.values:
        app.add_config_value("hide_solutions", False, "env")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": False}
