"""Cumulative Layout Shift as Chromium reports it, through a `layout-shift` PerformanceObserver."""
from __future__ import annotations

# Installed before any page script runs; buffered, so shifts before the observer existed count too.
OBSERVE = """
window.__layoutShifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__layoutShifts.push({value: entry.value, at: entry.startTime,
      rects: (entry.sources || []).map((s) => [s.previousRect.y, s.previousRect.height, s.currentRect.y, s.currentRect.height]),
      sources: (entry.sources || []).map((s) => s.node ? (s.node.nodeName + (s.node.className ? '.' + s.node.className : '')
        + (s.node.getAttribute && s.node.getAttribute('data-p13n-slot') ? '[' + s.node.getAttribute('data-p13n-slot') + ']' : '')) : '?')});
  }
}).observe({type: 'layout-shift', buffered: true});
"""


def cumulative_layout_shift(page) -> float:
    """The page's CLS so far (every shift without recent input; pages here are short-lived, so one session window)."""
    return page.evaluate("window.__layoutShifts.reduce((sum, shift) => sum + shift.value, 0)")


def layout_shifts(page) -> list[dict]:
    return page.evaluate("window.__layoutShifts")


# True once every image the shopper can see (on the page and in our widgets' open shadow roots) has loaded or failed;
# lazy images out of view (below the fold, or further along a slider's track) never load, and do not count.
IMAGES_IN_VIEW_LOADED = """
() => {
  const images = [...document.images];
  document.querySelectorAll('[data-p13n-widget]').forEach((host) => host.shadowRoot && images.push(...host.shadowRoot.querySelectorAll('img')));
  return images.every((image) => {
    const box = image.getBoundingClientRect();
    const inView = box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth;
    return image.complete || (image.loading === 'lazy' && !inView);
  });
}
"""
TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def wait_until_settled(page) -> None:
    """Loaded, every image in view in, and two frames laid out since: whatever was going to move the page has."""
    page.wait_for_load_state("load")
    page.wait_for_function(IMAGES_IN_VIEW_LOADED)
    page.evaluate(TWO_FRAMES)
