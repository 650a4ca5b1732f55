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


# Resolves once every image the shopper can see (on the page and in our widgets' open shadow roots; lazy ones below
# the fold never load) has loaded or failed, two frames later: by then whatever was going to move the page has.
SETTLED = """
async () => {
  const images = [...document.images];
  document.querySelectorAll('[data-p13n-widget]').forEach((host) => host.shadowRoot && images.push(...host.shadowRoot.querySelectorAll('img')));
  const seen = images.filter((image) => image.loading !== 'lazy' || image.getBoundingClientRect().top < innerHeight);
  await Promise.all(seen.map((image) => image.complete ? null : new Promise((done) => { image.onload = image.onerror = done; })));
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}
"""


def wait_until_settled(page) -> None:
    page.wait_for_load_state("load")
    page.evaluate(SETTLED)
