"""Watching Chromium for executed XSS: a ``__xss`` trap in every frame, dialogs, and a scan for injected active content."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.helpers.xss_vectors import REMOTE_HOST, remote_script

# In every frame before any page script: the vectors call top.__xss(n); a frame without a
# same-origin top (an opaque data: frame) records into its own list, which the scan reads too.
TRAP = """
window.__xss_calls = [];
window.__xss = function (n) { try { top.__xss_calls.push(n); } catch (e) { window.__xss_calls.push(n); } };
"""

# Active content that should never be on our pages, in the page, its shadow roots and
# same-origin frames: handlers and links a vector planted, executed or not (a handler
# waiting for a hover is as bad as one that ran).
SCAN = r"""() => {
  const found = [], urlAttributes = ['href', 'src', 'action', 'formaction', 'data', 'background', 'lowsrc', 'dynsrc', 'poster', 'xlink:href'];
  const scheme = value => value.replace(/[\u0000-\u0020]+/g, '').toLowerCase();
  function scan(root, where) {
    for (const node of root.querySelectorAll('*')) {
      const tag = node.localName;
      for (const attribute of node.attributes) {
        const name = attribute.name.toLowerCase(), value = attribute.value;
        if (name.startsWith('on') && /xss/i.test(value)) found.push(`${where}: <${tag} ${name}=...>`);
        if (urlAttributes.includes(name) && /^(javascript|vbscript|data:text|data:image\/svg)/.test(scheme(value))) found.push(`${where}: <${tag} ${name}="${value.slice(0, 60)}">`);
        if ((name === 'srcdoc' || name === 'style') && /xss|javascript|expression/i.test(value)) found.push(`${where}: <${tag} ${name}=...>`);
      }
      if (tag === 'script' && !/json/.test(node.type) && (/__xss/.test(node.textContent) || /xss\.test/.test(node.src))) found.push(`${where}: <script>`);
      if (tag === 'meta' && /refresh|set-cookie|content-type/i.test(node.httpEquiv || '')) found.push(`${where}: <meta http-equiv=${node.httpEquiv}>`);
      if (tag === 'base' || tag === 'embed' || tag === 'object' || tag === 'frameset') found.push(`${where}: <${tag}>`);
      if (tag === 'style' && /xss|javascript|expression|@import/i.test(node.textContent)) found.push(`${where}: <style>`);
      if (node.shadowRoot) scan(node.shadowRoot, `${where} > shadow of <${tag}>`);
      if (tag === 'iframe') { try { if (node.contentDocument) scan(node.contentDocument, `${where} > iframe`); } catch (e) {} }
    }
  }
  scan(document, location.pathname);
  return found;
}"""

CALLS = """() => {
  const calls = [...(window.__xss_calls || [])];
  for (const frame of document.querySelectorAll('iframe')) { try { calls.push(...(frame.contentWindow.__xss_calls || [])); } catch (e) {} }
  return calls;
}"""


@dataclass
class Findings:
    pages: int = 0
    executions: list = field(default_factory=list)  # (page, vector number)
    dialogs: list = field(default_factory=list)
    injections: list = field(default_factory=list)
    remote_loads: list = field(default_factory=list)  # requests to xss.test: a planted script or frame was fetched


def watch(context, findings: Findings) -> None:
    """Arm a browser context: the trap in every frame, dialogs dismissed and counted, xss.test answered with the trap call."""
    context.add_init_script(TRAP)

    def answer_remote(route):
        findings.remote_loads.append(route.request.url)
        call = remote_script(route.request.url) or ""
        body = f"<script>{call}</script>" if route.request.url.split("?")[0].endswith(".html") else call
        route.fulfill(status=200, body=body, content_type="text/html" if body.startswith("<") else "application/javascript")

    # By host, not a glob: "**://xss.test/**" also matches our own URLs that carry a vector in their path.
    context.route(lambda url: urlsplit(url).hostname == REMOTE_HOST, answer_remote)

    def on_page(page):
        page.on("dialog", lambda dialog: (findings.dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))

    context.on("page", on_page)


def inspect(page, findings: Findings, settle_ms: int = 150) -> None:
    """After a page has loaded (and its widgets rendered): what ran, and what was planted."""
    page.wait_for_timeout(settle_ms)  # let load-time handlers (onerror of a broken image) fire before looking
    findings.pages += 1
    findings.executions += [(page.url, n) for n in page.evaluate(CALLS)]
    findings.injections += page.evaluate(SCAN)
