// block.js: content blocks. The merchant's HTML was sanitized by the server;
// it is parsed here without innerHTML (an inert DOMParser document, whose
// scripts never run), and {{variables}} are filled in as text only. Before it
// joins the page, active parts are dropped all the same (handlers, styles,
// non-http(s) links, frames), in case a stored block never went through the sanitizer.

function renderBlock(block, vars) {
  var root = mount(block), wrapper, parsed, walker, node;
  if (!root) return;
  wrapper = el('div', 'b');
  if (block.min_height) wrapper.style.minHeight = block.min_height + 'px'; // reserved before images load
  parsed = new DOMParser().parseFromString(block.html || '', 'text/html');
  [].forEach.call(parsed.body.querySelectorAll('*'), function (node) {
    if (/^(script|style|iframe|frame|object|embed|base|meta|link|form|svg|math|template)$/i.test(node.localName)) return node.remove();
    [].slice.call(node.attributes).forEach(function (attribute) {
      var name = attribute.name.toLowerCase();
      if (/^(on|style$)/.test(name) || /href$|src$|action$|^data$|^background$/.test(name) && !/^mailto:/i.test(attribute.value) && !webUrl(attribute.value)) {
        node.removeAttribute(attribute.name);
      }
    });
  });
  while (parsed.body.firstChild) wrapper.appendChild(doc.adoptNode(parsed.body.firstChild));
  walker = doc.createTreeWalker(wrapper, NodeFilter.SHOW_TEXT);
  while ((node = walker.nextNode())) {
    node.nodeValue = node.nodeValue.replace(/\{\{\s*([\w.]+)\s*\}\}/g, function (_, name) {
      return vars[name] == null ? '' : String(vars[name]);
    });
  }
  root.appendChild(wrapper);
  onSeen(root.host, function () { widgetEvent('widget_impression', block, {widget: 'block'}); });
}
