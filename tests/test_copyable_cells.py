"""Every visible code cell of the built book can be copied and run with only the package.

The intro promises that a reader can copy any code cell on a page and run it with
``mlp_by_hand``, numpy and matplotlib installed (and scikit-learn, which the package
needs). So for each chapter this takes the code cells a reader sees on the built page
(myst-nb's ``cell_input`` blocks; ``remove-cell`` and ``remove-input`` cells are not on
the page), in page order, joins them into one script and runs it with a fresh Python
in a virtual environment made for this test session. That environment has the package
installed from a wheel (not the editable checkout) and its runtime dependencies at the
versions requirements.txt pins, and nothing else: no myst-nb, Sphinx, Jupyter or
IPython. So ``from myst_nb import glue``, ``glue(...)``, ``display(...)`` or a ``%``
magic on a page fails here; a bare expression at the end of a cell is fine (a script
just evaluates it).

The script runs in an empty folder with MPLBACKEND=Agg; the warning plt.show() gives
there is the only output allowed on stderr.

Run after the build (``make built``): the book is looked for in $BOOK_HTML, else
_build/html; without one the tests skip (and fail under CI=true).
"""

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_notebooks import CHAPTERS, IDS, _has_code

ROOT = Path(__file__).resolve().parent.parent
# What a student installs besides the package itself: its runtime dependencies.
RUNTIME = ("numpy", "matplotlib", "scikit-learn")
# Never in the reader's environment: the build's tools.
BUILD_ONLY = ("myst_nb", "sphinx", "jupyter_book", "IPython", "ipykernel", "nbclient")
AGG_SHOW = "FigureCanvasAgg is non-interactive, and thus cannot be shown"
TIMEOUT = 900  # seconds per chapter; the longest chapter trains for about a minute


@pytest.fixture(scope="module")
def html_dir():
    path = Path(os.environ.get("BOOK_HTML") or ROOT / "_build" / "html")
    if not (path / "index.html").is_file():
        message = f"no built book in {path}: run `make gate` first (or set BOOK_HTML)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _pins():
    """requirements.txt's exact pins, without the editable install of the package."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" in line and not line.startswith("-"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return pins


@pytest.fixture(scope="session")
def reader_python(tmp_path_factory):
    """A fresh venv with the package's wheel and its runtime dependencies only."""
    base = tmp_path_factory.mktemp("reader")
    # Build from a copy: setuptools leaves build/ and *.egg-info beside the sources.
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(ROOT / "code", source / "code", ignore=ignore)
    wheels = base / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), "."],
        cwd=source,
        check=True,
    )
    [wheel] = wheels.glob("mlp_by_hand-*.whl")
    venv.create(base / "venv", with_pip=True)
    python = base / "venv" / "bin" / "python"
    # Every pinned version as a constraint: numpy, matplotlib, scikit-learn and what they
    # pull in (scipy, pillow, ...) come at the versions the book was built with.
    constraints = base / "constraints.txt"
    constraints.write_text(
        "".join(f"{name}=={version}\n" for name, version in _pins().items()), encoding="utf-8"
    )
    pins = _pins()
    runtime = [f"{name}=={pins[name]}" for name in RUNTIME]
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", str(constraints), str(wheel), *runtime],
        check=True,
    )  # fmt: skip
    return python


def visible_cells(page):
    """The source of every code cell shown on a built page, in page order."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    cells = []
    for block in soup.select("div.cell div.cell_input"):
        pre = block.find("pre")
        if pre is not None:
            cells.append(pre.get_text().rstrip("\n"))
    return cells


def chapter_script(page):
    """The chapter's visible cells as one script, each marked with its number."""
    cells = visible_cells(page)
    return "\n\n".join(f"# --- visible cell {i + 1} ---\n{cell}" for i, cell in enumerate(cells))


def test_the_reader_has_only_the_package_and_its_runtime(reader_python):
    check = (
        "import importlib.util, sys, mlp_by_hand\n"
        "print(mlp_by_hand.__file__)\n"
        f"print([m for m in {BUILD_ONLY!r} if importlib.util.find_spec(m)])\n"
    )
    out = subprocess.run(
        [str(reader_python), "-c", check], capture_output=True, text=True, check=True, cwd="/"
    ).stdout.splitlines()
    assert "site-packages" in out[0] and str(ROOT) not in out[0], "installed from the wheel"
    assert out[1] == "[]", f"build tools in the reader's environment: {out[1]}"


def test_cells_are_read_from_the_page_in_order(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        """<div class="cell docutils container"><div class="cell_input docutils container">
        <div class="highlight-ipython3"><div class="highlight"><pre><span>a</span> = 1
</pre></div></div></div><div class="cell_output"><pre>ignored output</pre></div></div>
        <div class="cell tag_remove-input docutils container"><div class="cell_output">
        <pre>an output whose input is removed</pre></div></div>
        <div class="cell docutils container"><div class="cell_input docutils container">
        <pre>print(a &lt; 2)</pre></div></div>""",
        encoding="utf-8",
    )
    assert visible_cells(page) == ["a = 1", "print(a < 2)"]


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_visible_cells_run_as_one_script(path, html_dir, reader_python, tmp_path):
    if not _has_code(path):
        pytest.skip(f"{path.name} has no code cells")
    page = html_dir / path.relative_to(ROOT).with_suffix(".html")
    assert page.is_file(), f"no built page {page}"
    script = chapter_script(page)
    assert script, f"{page.name}: no visible code cell on the page"
    (tmp_path / "chapter.py").write_text(script, encoding="utf-8")
    run_dir = tmp_path / "empty"
    run_dir.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(tmp_path / "mpl"),
    }
    result = subprocess.run(
        [str(reader_python), "-W", f"ignore:{AGG_SHOW}:UserWarning", str(tmp_path / "chapter.py")],
        cwd=run_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, (
        f"{path.stem}: the page's visible cells fail as a script:\n{result.stderr[-3000:]}"
    )
    assert not result.stderr.strip(), f"{path.stem}: the script wrote to stderr:\n{result.stderr}"
