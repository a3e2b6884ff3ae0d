"""The chapters as downloadable notebooks: clean for Jupyter, and they run anywhere.

Each chapter page offers a notebook written by ``book/_ext/notebook_download.py``. These
tests convert every chapter with the same function, without building the book, and check
what a student gets: no MyST syntax left in the Markdown, every exercise ending with its
self-check call, and the whole notebook running top to bottom in an empty folder with a
fresh kernel. The first tests pin the conversion itself on a small chapter written here.
"""

import ast
import inspect
import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import notebook_download  # noqa: E402
from notebook_download import Resolver, to_clean_notebook  # noqa: E402

# Text that means MyST syntax survived into a Markdown cell.
RAW_MYST = [
    ":::",
    "```{",
    "{glue",
    "{eq}",
    "{doc}",
    "{ref}",
    "{numref}",
    "{math}",
    "{code-cell}",
    "{literalinclude}",
    "{exercise",
    "{solution",
    "{{",
]
RAW_LINES = [
    re.compile(r"^\s*\([^()\s]+\)=\s*$", re.M),  # a target, (label)=
    re.compile(r"^:[\w-]+:", re.M),  # a directive option, :label: ...
    re.compile(r"\$\$\s*\([^()\s]+\)\s*$", re.M),  # an equation label, $$ (eq-x)
    re.compile(r"\{[\w:.+-]+\}`"),  # any role
]
CHECK_CALL = re.compile(r"^(check_\w+)\(.+\)\s*$")


def _toc_chapters():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    return [ROOT / f"{file}.md" for file in files]


def _has_code(path):
    return "```{code-cell}" in path.read_text(encoding="utf-8")


CHAPTERS = _toc_chapters()
IDS = [path.stem for path in CHAPTERS]


def _convert(path, **kwargs):
    """Convert, turning every warning of the conversion into a test failure."""
    warnings = []
    resolver = Resolver(path, warn=warnings.append)
    notebook = to_clean_notebook(path, resolver=resolver, **kwargs)
    assert not warnings, f"{path.name}: the conversion warned: {warnings}"
    return notebook


def _needs_code(path):
    if not _has_code(path):
        pytest.skip(f"{path.name} has no code cells yet (a stub): no notebook to offer")


def _markdown_problems(notebook):
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        prose = _outside_code_blocks(cell.source)
        found = [marker for marker in RAW_MYST if marker in prose]
        found += [rx.pattern for rx in RAW_LINES if rx.search(prose)]
        if found:
            problems.append(f"cell {index}: {found} in {cell.source[:300]!r}")
    return problems


def _outside_code_blocks(markdown):
    """The Markdown without code blocks and code spans (code may mention anything).

    A code span right after ``}`` is the content of a role, so it stays.
    """
    markdown = re.sub(r"^(>?\s*)```[^\n]*\n.*?^\1```\s*$", "", markdown, flags=re.M | re.S)
    return re.sub(r"(?<!\})(`+)[^`].*?\1", "", markdown)


def _last_code_block(markdown):
    blocks = re.findall(r"^```(\w*)\n(.*?)^```\s*$", markdown, flags=re.M | re.S)
    return blocks[-1] if blocks else (None, "")


def _allowed_imports():
    """What a machine with only the package installed can import."""
    from importlib.metadata import requires

    dists = [re.split(r"[<>=!~ ;\[]", dep)[0].lower() for dep in requires("mlp-by-hand")]
    import_names = {"scikit-learn": "sklearn"}
    return (
        {"mlp_by_hand", "IPython"}
        | {import_names.get(dist, dist.replace("-", "_")) for dist in dists}
        | set(sys.stdlib_module_names)
    )


# -- the conversion, on a chapter written here ----------------------------------

FIXTURE = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

(sec-fixture)=
# A small chapter

% a comment for the authors

$$
\\theta(x) = \\sigma(f(x))
$$ (eq-theta)

By {eq}`eq-theta`, see {ref}`sec-fixture`, {doc}`other` and {math}`x^2`; `{eq}` in code.

:::{literalinclude} ../code/mlp_by_hand/rectifier.py
:pyobject: relu
:language: python
:::

:::{note} Why a column
A column *scales rows*.

```python
grad * grad_pars
```
:::

```{code-cell} ipython3
from myst_nb import glue
from mlp_by_hand import relu

out, grad = relu([-1.0, 2.0])
glue("top", float(out.max()), display=False)
```

The largest value is {glue:text}`top:.2f`.

:::{exercise} Your own relu
:label: ex-relu

Write it:

```python
def my_relu(x):
    ...

check_relu(my_relu)
```
:::

:::{solution-start} ex-relu
:class: dropdown
:::

The package's answer:

```{code-cell} ipython3
from mlp_by_hand.checks import check_relu

assert check_relu(relu)
```

:::{solution-end}
:::

After {ref}`ex-relu`, the chapter goes on.
"""

OTHER = """\
---
kernelspec:
  name: python3
---

# The other chapter

```{code-cell} ipython3
print("hello")
```
"""


@pytest.fixture
def fixture_chapter(tmp_path):
    """A two-chapter book in tmp_path whose literalinclude reads the real package."""
    (tmp_path / "_config.yml").write_text("title: Fixture\n", encoding="utf-8")
    (tmp_path / "code").symlink_to(ROOT / "code")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "other.md").write_text(OTHER, encoding="utf-8")
    path = tmp_path / "book" / "small.md"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


def _markdown(notebook):
    return "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def test_fixture_converts_to_clean_markdown(fixture_chapter):
    notebook = _convert(fixture_chapter)
    assert _markdown_problems(notebook) == []
    text = _markdown(notebook)
    assert "\\tag{1}" in text  # the labelled equation keeps a visible number ...
    assert "By (1)," in text  # ... and {eq} cites it
    assert "see A small chapter," in text  # {ref} gives the section's title
    assert "[The other chapter](other.ipynb)" in text  # {doc} links the sibling notebook
    assert "$x^2$" in text and "`{eq}` in code" in text
    assert "a comment for the authors" not in text
    assert "> **Why a column**\n>\n> A column *scales rows*." in text
    assert "> ```python\n> grad * grad_pars\n> ```" in text
    assert "After Exercise 1, the chapter goes on." in text


def test_literalinclude_becomes_the_functions_source(fixture_chapter):
    from mlp_by_hand import relu

    notebook = _convert(fixture_chapter)
    source = inspect.getsource(relu).rstrip("\n")
    blocks = [c.source for c in notebook.cells if f"```python\n{source}\n```" in c.source]
    assert len(blocks) == 1, "relu's source, verbatim, in one python block"


def test_exercise_and_gated_solution_become_tagged_cells(fixture_chapter):
    notebook = _convert(fixture_chapter)
    tagged = [(c.cell_type, c.metadata.get("tags", []), c.source) for c in notebook.cells]
    exercises = [t for t in tagged if "exercise" in t[1]]
    solutions = [t for t in tagged if "solution" in t[1]]
    assert len(exercises) == 1
    assert exercises[0][2].startswith("**Exercise 1** (Your own relu)\n\nWrite it:")
    assert exercises[0][2].rstrip().endswith("check_relu(my_relu)\n```")
    assert [t[0] for t in solutions] == ["markdown", "code"]
    assert solutions[0][2] == "**Solution to Exercise 1**\n\nThe package's answer:"
    assert "check_relu(relu)" in solutions[1][2]


def test_hide_solutions_drops_every_solution_cell(fixture_chapter):
    full = _convert(fixture_chapter)
    student = _convert(fixture_chapter, hide_solutions=True)
    assert not [c for c in student.cells if "solution" in c.metadata.get("tags", [])]
    assert "check_relu(relu)" not in "".join(c.source for c in student.cells)
    kept = [c.source for c in full.cells if "solution" not in c.metadata.get("tags", [])]
    assert [c.source for c in student.cells][2:] == kept[2:]  # all but the opening note


def test_glue_gets_a_standin_and_the_prose_a_value(fixture_chapter):
    code = "\n".join(c.source for c in _convert(fixture_chapter).cells if c.cell_type == "code")
    assert "myst_nb" not in code
    namespace = {}
    exec(compile(notebook_download.GLUE_STANDIN, "standin", "exec"), namespace)
    namespace["glue"]("x", 1.0, display=False)  # accepts myst-nb's signature, shows nothing

    # With the values myst-nb saved during the build, the prose gets the number.
    glued = {"top": {"data": {"text/plain": "2.0"}}}
    resolver = Resolver(fixture_chapter, glue_data=glued)
    text = _markdown(to_clean_notebook(fixture_chapter, resolver=resolver))
    assert "The largest value is 2.00." in text


def test_unknown_directive_warns_and_keeps_its_text(fixture_chapter):
    fixture_chapter.write_text(
        FIXTURE + "\n:::{mystery} arg\nThe hidden text.\n:::\n", encoding="utf-8"
    )
    warnings = []
    notebook = to_clean_notebook(
        fixture_chapter, resolver=Resolver(fixture_chapter, warn=warnings.append)
    )
    assert any("mystery" in w for w in warnings)
    assert "The hidden text." in _markdown(notebook)
    assert _markdown_problems(notebook) == []


def test_a_literalinclude_that_cannot_be_read_is_an_error(fixture_chapter):
    fixture_chapter.write_text(
        FIXTURE.replace(":pyobject: relu", ":pyobject: no_such_function"), encoding="utf-8"
    )
    with pytest.raises(notebook_download.ConversionError, match="no_such_function"):
        to_clean_notebook(fixture_chapter)


def test_the_fixture_runs(fixture_chapter, tmp_path, monkeypatch):
    _execute(_convert(fixture_chapter), tmp_path / "run", monkeypatch)


# -- every chapter of the book ----------------------------------------------------


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_notebook_markdown_has_no_myst_left(path):
    _needs_code(path)
    for hide in (False, True):
        assert _markdown_problems(_convert(path, hide_solutions=hide)) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_every_exercise_ends_with_its_check_call(path):
    _needs_code(path)
    from mlp_by_hand import checks

    directives = len(re.findall(r"^:{3,}\{exercise(-start)?\}", path.read_text("utf-8"), re.M))
    assert directives >= 1, f"{path.name}: every chapter has at least one exercise"
    exercises = [c for c in _convert(path).cells if "exercise" in c.metadata.get("tags", [])]
    assert len(exercises) == directives
    for cell in exercises:
        language, code = _last_code_block(cell.source)
        assert cell.source.rstrip().endswith("```"), f"text after the skeleton: {cell.source!r}"
        assert language == "python", f"the skeleton is a python block: {cell.source!r}"
        last = [line for line in code.splitlines() if line.strip()][-1]
        match = CHECK_CALL.match(last)
        assert match, f"{path.name}: the skeleton ends with {last!r}, not a check_* call"
        assert match[1] in checks.__all__, f"{match[1]} is not in mlp_by_hand.checks"


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_notebook_imports_only_what_the_package_brings(path):
    _needs_code(path)
    allowed = _allowed_imports()
    for cell in _convert(path).cells:
        if cell.cell_type != "code":
            continue
        lines = [line for line in cell.source.splitlines() if not line.lstrip().startswith("%")]
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


def _bound_and_used(code):
    """Top-level names a cell binds, and names it reads."""
    lines = [line for line in code.splitlines() if not line.lstrip().startswith("%")]
    tree = ast.parse("\n".join(lines))
    bound, used = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else used).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return bound, used


def _read_from_solutions(notebook):
    """Names that a non-solution cell reads but only a solution cell defines."""
    bound_outside, from_solutions, needed = set(), set(), set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        bound, used = _bound_and_used(cell.source)
        if "solution" in cell.metadata.get("tags", []):
            from_solutions |= bound - bound_outside
            continue
        needed |= (used & from_solutions) - bound_outside - bound
        bound_outside |= bound
    return needed


def test_a_cell_reading_a_solutions_name_is_found(fixture_chapter):
    text = FIXTURE + "\n```{code-cell} ipython3\nprint(check_relu)\n```\n"
    fixture_chapter.write_text(text, encoding="utf-8")
    assert _read_from_solutions(_convert(fixture_chapter)) == {"check_relu"}


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_student_notebook_needs_nothing_from_a_solution(path):
    """The student edition drops solution cells: no later cell may read what they define.

    (A static check: executing every notebook a second time would double the test time.)
    """
    _needs_code(path)
    needed = _read_from_solutions(_convert(path))
    assert not needed, (
        f"{path.name}: a cell after a solution reads {sorted(needed)}, defined only in a "
        "solution; the student edition would fail there. Define it outside the solution."
    )


def _execute(notebook, folder, monkeypatch):
    """Run the notebook with a fresh kernel in an empty folder; return the run."""
    from nbclient import NotebookClient

    # MPLBACKEND=Agg would make every plt.show() warn on stderr in the kernel.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    folder.mkdir()
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": folder}}
    )
    client.execute()
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"cell {index} raised: {output.get('ename')}"
            if output.output_type == "stream":
                assert output.name == "stdout", f"cell {index} wrote to stderr: {output.text}"
    assert list(folder.iterdir()) == [], "the notebook wrote files into the folder"
    return notebook


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_notebook_runs_top_to_bottom_in_an_empty_folder(path, tmp_path, monkeypatch):
    _needs_code(path)
    notebook = _execute(_convert(path), tmp_path / "empty", monkeypatch)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), "every code cell ran"
    nbformat.validate(notebook)


def test_the_kernel_is_this_python(tmp_path, monkeypatch):
    """The notebooks above ran with the interpreter (and package) under test."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import sys, mlp_by_hand\nprint(sys.prefix)")]
    )
    _execute(notebook, tmp_path / "kernel", monkeypatch)
    assert notebook.cells[0].outputs[0].text.strip() == sys.prefix


def test_every_toc_chapter_exists():
    missing = [path.name for path in CHAPTERS if not path.is_file()]
    assert CHAPTERS and not missing, f"_toc.yml names missing chapters: {missing}"
