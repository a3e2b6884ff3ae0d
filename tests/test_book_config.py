"""The book's configuration, as Jupyter Book turns it into Sphinx's: offline and strict.

These tests read _config.yml through Jupyter Book's own config code, without building.
What the built pages actually load is checked in test_built_book.py, after the build.
"""

import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import package_hash  # noqa: E402
import student_config  # noqa: E402


@pytest.fixture(scope="module")
def user_config():
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sphinx_config():
    """The Sphinx configuration Jupyter Book derives from _config.yml."""
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(
        user_yaml=ROOT / "_config.yml",
        sourcedir=ROOT,
        cli_config={"latex_individualpages": False},
    )
    return config


def test_no_extension_that_loads_from_another_host(sphinx_config):
    extensions = sphinx_config["extensions"]
    # sphinx_thebe writes a CDN address into every page, even with Thebe switched off.
    assert "sphinx_thebe" not in extensions
    # book/_ext/mathjax4.py: MathJax 4 from node_modules, copied into the build.
    assert "mathjax4" in extensions, "MathJax must come from the build"
    assert sphinx_config.get("mathjax_path") in (None, "mathjax/tex-chtml.js")


def test_launch_buttons_and_thebe_are_off(sphinx_config):
    launch = sphinx_config["html_theme_options"]["launch_buttons"]
    assert launch["thebe"] is False
    services = {key: value for key, value in launch.items() if key.endswith("_url")}
    assert services and not any(services.values()), f"a launch service is set: {services}"
    analytics = sphinx_config["html_theme_options"].get("analytics", {})
    assert not analytics.get("google_analytics_id")
    assert not analytics.get("plausible_analytics_domain")


def test_jupyter_books_default_extensions_are_all_kept_but_thebe(sphinx_config):
    from jupyter_book.config import get_default_sphinx_config

    defaults = set(get_default_sphinx_config()["extensions"]) - {"sphinx_thebe"}
    assert defaults <= set(sphinx_config["extensions"])


def test_local_extensions_are_loaded_and_importable(user_config, sphinx_config):
    local = user_config["sphinx"]["local_extensions"]
    for name, folder in local.items():
        assert name in sphinx_config["extensions"]
        assert (ROOT / folder / f"{name}.py").is_file()


def test_the_build_is_strict(user_config, sphinx_config):
    execute = user_config["execute"]
    # cache, keyed on the package as well by package_hash (tests below); make gate forces.
    assert execute["execute_notebooks"] == "cache"
    assert sphinx_config["nb_execution_mode"] == "cache"
    assert "package_hash" in sphinx_config["extensions"]
    assert "cache" not in execute, "the cache stays in the build folder (myst-nb's default)"
    assert execute["raise_on_error"] is True
    assert execute["stderr_output"] == "severe"
    assert sphinx_config["hide_solutions"] is False
    assert sphinx_config["numfig"] and sphinx_config["math_numfig"]


def test_page_sources_outside_book_are_excluded(user_config):
    excluded = set(user_config["exclude_patterns"])
    assert {".*", "_build", "code", "tests"} <= excluded
    assert user_config["only_build_toc_files"] is True


def test_student_config_hides_solutions_and_keeps_the_rest(user_config, tmp_path):
    target = tmp_path / "student" / "_config.yml"
    student_config.main(str(ROOT / "_config.yml"), str(target))
    student = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert student["sphinx"]["config"]["hide_solutions"] is True
    assert "student edition" in student["title"]
    for name, folder in student["sphinx"]["local_extensions"].items():
        assert Path(folder).is_absolute() and (Path(folder) / f"{name}.py").is_file()
    # Everything else is the normal book's.
    for key in ("execute", "parse", "html", "launch_buttons", "exclude_patterns"):
        assert student[key] == user_config[key]
    normal = dict(user_config["sphinx"]["config"], hide_solutions=True)
    assert student["sphinx"]["config"] == normal


# -- the execution cache, keyed on the package (book/_ext/package_hash.py) --------------


def _fake_package(folder):
    (folder / "pkg" / "sub").mkdir(parents=True)
    (folder / "pkg" / "__init__.py").write_text("from .core import f\n")
    (folder / "pkg" / "sub" / "core.py").write_text("def f():\n    return 1\n")
    return folder / "pkg"


def test_package_hash_follows_every_byte_of_the_source(tmp_path):
    package = _fake_package(tmp_path)
    before = package_hash.package_hash(package, also=())
    assert before == package_hash.package_hash(package, also=())  # deterministic
    core = package / "sub" / "core.py"
    core.write_text("def f():\n    return 2\n")
    edited = package_hash.package_hash(package, also=())
    assert edited != before
    core.rename(package / "sub" / "other.py")
    assert package_hash.package_hash(package, also=()) != edited  # a rename counts
    # Byte code and non-Python files do not.
    renamed = package_hash.package_hash(package, also=())
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "core.cpython-311.py").write_text("junk")
    (package / "notes.txt").write_text("notes")
    assert package_hash.package_hash(package, also=()) == renamed


def test_package_hash_covers_the_real_package_and_the_requirements():
    files = package_hash.package_files()
    assert ROOT / "code" / "mlp_by_hand" / "__init__.py" in files
    assert ROOT / "code" / "mlp_by_hand" / "n_neurons.py" in files
    assert ROOT / "requirements.txt" in files
    assert len(package_hash.package_hash()) == 64


CHAPTER = """---
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A chapter

Some prose.

```{code-cell} ipython3
x = 1
```
"""


def _cache_key(text, tmp_path):
    """jupyter-cache's key for the notebook myst-nb reads from `text`."""
    import jupytext
    from jupyter_cache import get_cache

    notebook = jupytext.reads(text, fmt="md:myst")
    return get_cache(tmp_path / "cache").create_hashed_notebook(notebook)[1]


def test_the_hash_cell_changes_the_cache_key_and_prose_does_not(tmp_path):
    with_hash = package_hash.add_hash_cell(CHAPTER, "a" * 64)
    key = _cache_key(with_hash, tmp_path)
    # A prose edit keeps the key: the cached outputs are reused.
    prose_edit = with_hash.replace("Some prose.", "Some better prose.")
    assert _cache_key(prose_edit, tmp_path) == key
    # A new package hash changes it: the chapter executes again.
    assert _cache_key(package_hash.add_hash_cell(CHAPTER, "b" * 64), tmp_path) != key
    # ... as a code edit does.
    assert _cache_key(with_hash.replace("x = 1", "x = 2"), tmp_path) != key


def test_the_hash_cell_is_a_removed_code_cell_only_in_notebooks():
    import jupytext

    notebook = jupytext.reads(package_hash.add_hash_cell(CHAPTER, "c" * 64), fmt="md:myst")
    last = notebook.cells[-1]
    assert last.cell_type == "code"
    assert last.metadata["tags"] == ["remove-cell"]
    assert last.source == package_hash.MARKER + "c" * 64
    assert last.source.startswith("#"), "a comment: executing it prints nothing"
    prose_only = "# A page\n\nNo code here.\n"
    assert package_hash.add_hash_cell(prose_only, "c" * 64) == prose_only


def test_the_downloaded_notebook_has_no_hash_cell():
    """notebook_download converts the file on disk, which never holds the cell."""
    from notebook_download import to_clean_notebook

    chapter = ROOT / "book" / "02_relu.md"
    assert package_hash.MARKER not in chapter.read_text(encoding="utf-8")
    notebook = to_clean_notebook(chapter)
    assert not any(package_hash.MARKER in cell.source for cell in notebook.cells)


def test_gate_config_forces_execution(user_config, tmp_path):
    target = tmp_path / "gate" / "_config.yml"
    package_hash.main(str(ROOT / "_config.yml"), str(target))
    gate = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert gate["execute"]["execute_notebooks"] == "force"
    for name, folder in gate["sphinx"]["local_extensions"].items():
        assert Path(folder).is_absolute() and (Path(folder) / f"{name}.py").is_file()
    # Jupyter Book turns it into myst-nb's force mode; the rest is the book's config.
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(
        user_yaml=target, sourcedir=ROOT, cli_config={"latex_individualpages": False}
    )
    assert config["nb_execution_mode"] == "force"
    for key in ("parse", "html", "launch_buttons", "exclude_patterns", "title"):
        assert gate[key] == user_config[key]
    assert {k: v for k, v in gate["execute"].items() if k != "execute_notebooks"} == {
        k: v for k, v in user_config["execute"].items() if k != "execute_notebooks"
    }


def test_make_gate_uses_the_forced_config_and_make_book_the_cache():
    import subprocess

    def dry_run(target):
        out = subprocess.run(
            ["make", "-n", target, "OUT=/tmp/dry"], cwd=ROOT, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        return [line for line in out.stdout.splitlines() if "jupyter-book build" in line]

    [gate] = dry_run("gate")
    assert "--config /tmp/dry/_build/gate/_config.yml" in gate
    assert "--all" in gate and "-W" in gate and "-n" in gate
    [book] = dry_run("book")
    assert "--config" not in book and "--all" not in book  # _config.yml: the cache
    assert "-W" in book and "-n" in book
