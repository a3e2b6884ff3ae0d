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
    assert "sphinx-mathjax-offline" in extensions, "MathJax must come from the build"
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
    # force: the cache keys on cell text, and a change in the package must re-run pages.
    assert execute["execute_notebooks"] == "force"
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
