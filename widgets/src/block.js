// block.js: content blocks. The merchant's HTML was sanitized by the server;
// it is parsed here without innerHTML (an inert DOMParser document, whose
// scripts never run), and {{variables}} are filled in as text only;
// {{name|fallback}} shows the fallback where the value is empty.

function renderBlock(block, vars) {
  var root = mount(block), wrapper, parsed, walker, node, height;
  if (!root) return;
  wrapper = el('div', 'b');
  height = onPhone() && block.min_height_mobile != null ? block.min_height_mobile : block.min_height;
  if (height) wrapper.style.minHeight = height + 'px'; // as reserved before it came; images load inside it
  parsed = new DOMParser().parseFromString(block.html || '', 'text/html');
  while (parsed.body.firstChild) wrapper.appendChild(doc.adoptNode(parsed.body.firstChild));
  walker = doc.createTreeWalker(wrapper, NodeFilter.SHOW_TEXT);
  while ((node = walker.nextNode())) {
    node.nodeValue = node.nodeValue.replace(/\{\{\s*([\w.]+)\s*(?:\|([^}]*))?\}\}/g, function (_, name, fallback) {
      return vars[name] == null || vars[name] === '' ? (fallback || '').trim() : String(vars[name]);
    });
  }
  root.appendChild(wrapper);
  onSeen(root.host, function () { widgetEvent('widget_impression', block, {widget: 'block'}); });
  // Any link or button in the merchant's content is a click-through.
  root.addEventListener('click', safe(function (event) {
    var target = event.target.closest && event.target.closest('a[href],button');
    if (!target) return;
    widgetEvent('widget_click', block, {widget: 'block', action: target.tagName == 'A' ? 'link' : 'button'});
    if (target.tagName == 'A') flush(true); // the page is about to go
  }));
}
