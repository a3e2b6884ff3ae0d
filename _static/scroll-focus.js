// Backprop by Hand: a box that scrolls sideways can be reached from the keyboard (WCAG
// 2.1.1; axe's scrollable-region-focusable). The theme does this when a page loads; a box
// inside a solution only scrolls once the solution is opened, so do it again then, and for
// MathJax's equations, which the theme does not look at.
(() => {
  const SCROLLERS = [
    "pre",
    ".cell_output > .output",
    ".pst-scrollable-table-container",
    "div.math mjx-container",
  ].join(", ");
  const update = () => {
    // Only ever add a stop: MathJax 4 makes every formula focusable for its explorer.
    document.querySelectorAll(SCROLLERS).forEach((box) => {
      const scrolls =
        box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (scrolls && box.tabIndex < 0) box.tabIndex = 0;
      // Tables draw their own backgrounds over the scroll shadows: custom.css fades the
      // edge where more of the table is hidden instead (classes f-more-left/right).
      if (box.classList.contains("pst-scrollable-table-container")) edges(box);
    });
  };
  const edges = (box) => {
    const hidden = box.scrollWidth - box.clientWidth;
    box.classList.toggle("f-more-left", hidden > 1 && box.scrollLeft > 1);
    box.classList.toggle("f-more-right", hidden > 1 && box.scrollLeft < hidden - 1);
    if (hidden > 1 && !box.dataset.fWatched) {
      box.dataset.fWatched = "1";
      box.addEventListener("scroll", () => edges(box), { passive: true });
    }
  };
  let timer = null;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(update, 100);
  };
  window.addEventListener("load", soon);
  window.addEventListener("resize", soon);
  document.addEventListener("click", soon);
  document.addEventListener("toggle", soon, true);
  const typeset = () =>
    window.MathJax && MathJax.startup && MathJax.startup.promise
      ? MathJax.startup.promise.then(soon)
      : null;
  window.addEventListener("load", typeset);
  // A page opened with its solutions already shown (the tests, the PDF) changes classes.
  new MutationObserver(soon).observe(document.documentElement, {
    subtree: true,
    attributes: true,
    attributeFilter: ["class", "open"],
  });
})();
