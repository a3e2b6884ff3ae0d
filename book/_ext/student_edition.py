"""Hide gated solutions completely when ``hide_solutions`` is set (the student edition).

sphinx-exercise's ``hide_solutions`` drops a ``solution-start`` directive, but the cells
and text between ``solution-start`` and ``solution-end`` stay on the page, unfolded.
This extension replaces ``solution-start`` so that, in the student edition, it leaves a
marker, and a transform removes everything from the marker to its ``solution-end``.
The cells still execute (myst-nb runs the whole notebook before rendering), so later
cells that depend on them keep working. With ``hide_solutions`` false it changes nothing.
"""

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx_exercise.directive import SolutionStartDirective
from sphinx_exercise.nodes import solution_end_node

logger = logging.getLogger(__name__)


class hidden_solution_start(nodes.Element):  # noqa: N801 (docutils names nodes in lowercase)
    """Where a hidden gated solution begins; removed with it before writing."""


class HidingSolutionStartDirective(SolutionStartDirective):
    def run(self):
        result = super().run()  # registers the start, so the gated structure check holds
        if self.config.hide_solutions:
            marker = hidden_solution_start()
            self.set_source_info(marker)
            return [marker]
        return result


class RemoveHiddenSolutions(SphinxTransform):
    """Remove each hidden solution: its marker, the nodes after it, its ``solution-end``."""

    default_priority = 5  # before sphinx-exercise merges gated solutions (priority 10)

    def apply(self, **kwargs):
        for marker in list(self.document.findall(hidden_solution_start)):
            parent = marker.parent
            start = parent.index(marker)
            end = next(
                (
                    i
                    for i in range(start + 1, len(parent.children))
                    if isinstance(parent.children[i], solution_end_node)
                ),
                None,
            )
            if end is None:
                logger.warning(
                    "hidden solution: no solution-end at the same level as its solution-start",
                    location=marker,
                )
                parent.remove(marker)
                continue
            del parent.children[start : end + 1]


def setup(app):
    app.setup_extension("sphinx_exercise")
    app.add_node(hidden_solution_start)
    app.add_directive("solution-start", HidingSolutionStartDirective, override=True)
    app.add_transform(RemoveHiddenSolutions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
