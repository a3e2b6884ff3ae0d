"""Key the execution cache on the package too, so that `make book` re-runs only what changed.

myst-nb's cache (jupyter-cache, ``execute_notebooks: cache``) keys each chapter on the
text of its code cells. The chapters' numbers also depend on ``mlp_by_hand``: a change
to the package changes no cell, and the cache would serve the old numbers. So while
Sphinx reads a chapter, this extension appends one more code cell to it, tagged
``remove-cell`` (never shown), whose only line is a comment carrying a hash of the
package's source and of requirements.txt (the versions of numpy and friends)::

    # mlp_by_hand source and requirements: sha256 3f2a...

jupyter-cache hashes every code cell, so a change to the package gives every chapter a
new key and every chapter re-executes; a prose edit changes no key and reuses the
stored outputs. The cell is added to the text Sphinx parses (the ``source-read``
event), never to the file on disk: the downloadable notebook (notebook_download.py
reads the file) and the built page (the cell is removed) do not have it.

Sphinx itself re-reads only pages whose file changed; each chapter is also made to
depend on the package's files, so that a package edit makes Sphinx read every chapter
again (and then the new hash re-executes it).

The cache lives in the build folder (``<output>/_build/.jupyter_cache``, myst-nb's
default next to ``html``). ``make gate`` overrides the mode to ``force`` with
:func:`forced_config` (``python book/_ext/package_hash.py _config.yml OUT.yml``): the
gate executes every chapter whatever the cache holds.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "code" / "mlp_by_hand"
ALSO_HASHED = (ROOT / "requirements.txt",)
MARKER = "# mlp_by_hand source and requirements: sha256 "
CODE_CELL = "```{code-cell}"


def package_files(package: Path = PACKAGE, also: tuple[Path, ...] = ALSO_HASHED) -> list[Path]:
    """The files whose content the chapters' outputs depend on, in a fixed order."""
    files = sorted(path for path in package.rglob("*.py") if "__pycache__" not in path.parts)
    return files + [path for path in also if path.is_file()]


def package_hash(package: Path = PACKAGE, also: tuple[Path, ...] = ALSO_HASHED) -> str:
    """sha256 over the package's ``*.py`` files (names and bytes) and `also`.

    Parameters
    ----------
    package : Path
        The package folder, searched recursively for ``*.py``.
    also : tuple of Path
        More files to hash (those missing are skipped).

    Returns
    -------
    str
        64 hexadecimal digits; any change to any byte or file name changes it.
    """
    digest = hashlib.sha256()
    for path in package_files(package, also):
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        digest.update(str(name).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def hash_cell(digest: str) -> str:
    """The MyST text of the removed code cell that carries `digest`."""
    return f"\n\n{CODE_CELL} ipython3\n:tags: [remove-cell]\n\n{MARKER}{digest}\n```\n"


def add_hash_cell(text: str, digest: str) -> str:
    """`text` with the hash cell appended if it is a notebook (has a code cell)."""
    if CODE_CELL not in text:
        return text  # a page without code is not executed: nothing to key
    return text.rstrip("\n") + hash_cell(digest)


def forced_config(config: dict, config_dir: Path) -> dict:
    """`config` with every chapter executed (``force``) and paths valid from anywhere.

    Parameters
    ----------
    config : dict
        The parsed _config.yml.
    config_dir : Path
        Its folder: Jupyter Book resolves ``local_extensions`` against the folder of
        the config file it is given, which moves.

    Returns
    -------
    dict
    """
    config.setdefault("execute", {})["execute_notebooks"] = "force"
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, path in local.items():
        local[name] = str((config_dir / path).resolve())
    return config


def _source_read(app, docname, source):
    if CODE_CELL not in source[0]:
        return
    source[0] = add_hash_cell(source[0], app.config.mlp_package_hash)
    for path in package_files():
        app.env.note_dependency(str(path))


def _config_inited(app, config):
    # Computed once, in the main process: parallel readers inherit it.
    config.mlp_package_hash = package_hash()


def setup(app):
    # Not part of the environment's config ("env"), so a new hash does not make
    # Sphinx re-read pages by itself: the dependencies noted above do that.
    app.add_config_value("mlp_package_hash", "", rebuild="", types=[str])
    app.connect("config-inited", _config_inited)
    app.connect("source-read", _source_read)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


def main(source: str, target: str) -> None:
    source_path = Path(source)
    config = yaml.safe_load(source_path.read_text(encoding="utf-8"))
    config = forced_config(config, source_path.resolve().parent)
    target_path = Path(target)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    target_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
