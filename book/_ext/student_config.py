"""Write the student edition's Jupyter Book config: _config.yml with solutions hidden.

Jupyter Book 1 reads one config file and has no overlays, so ``make student`` derives
the student edition's config from _config.yml instead of keeping a second copy that
would drift. Usage (from the repository root)::

    python book/_ext/student_config.py _config.yml _build/student/_config.yml
    jupyter-book build --config _build/student/_config.yml --path-output _build/student .
"""

import sys
from pathlib import Path

import yaml


def student_config(config: dict, config_dir: Path) -> dict:
    """The same book with ``hide_solutions`` on and its paths valid from anywhere.

    Parameters
    ----------
    config : dict
        The parsed _config.yml.
    config_dir : Path
        The folder of _config.yml: Jupyter Book resolves ``local_extensions`` paths
        against the config file's folder, which moves.

    Returns
    -------
    dict
        The student edition's config.
    """
    sphinx = config.setdefault("sphinx", {})
    sphinx.setdefault("config", {})["hide_solutions"] = True
    local = sphinx.get("local_extensions") or {}
    for name, path in local.items():
        local[name] = str((config_dir / path).resolve())
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    return config


def main(source: str, target: str) -> None:
    source_path = Path(source)
    config = yaml.safe_load(source_path.read_text(encoding="utf-8"))
    config = student_config(config, source_path.resolve().parent)
    target_path = Path(target)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    target_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
