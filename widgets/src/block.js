// block.js: content blocks. The merchant's HTML was sanitized by the server;
// it is parsed here without innerHTML (an inert DOMParser document, whose
// scripts never run), and {{variables}} are filled in as text only. Before it
// joins the page, active parts are dropped all the same (handlers, styles,
// non-http(s) links, frames), in case a stored block never went through the sanitizer;
// {{name|fallback}} shows the fallback where the value is empty.

function renderBlock(block, vars) {
  var root = mount(block), wrapper, parsed, walker, node, height, texts = [], bar, name;
  if (!root) return;
  vars = Object.assign({}, vars);
  for (name in block.vars || {}) vars[name] = /^free_/.test(name) ? money(block.vars[name]) : block.vars[name];
  wrapper = el('div', 'b');
  height = onPhone() && block.min_height_mobile != null ? block.min_height_mobile : block.min_height;
  if (height) wrapper.style.minHeight = height + 'px'; // as reserved before it came; images load inside it
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
  while ((node = walker.nextNode())) texts.push([node, node.nodeValue]);
  function paint() {
    if (block.ends_at) vars.countdown = timeLeft(block.ends_at);
    texts.forEach(function (text) {
      text[0].nodeValue = text[1].replace(/\{\{\s*([\w.]+)\s*(?:\|([^}]*))?\}\}/g, function (_, name, fallback) {
        return vars[name] == null || vars[name] === '' ? (fallback || '').trim() : String(vars[name]);
      });
    });
  }
  paint();
  if (block.ends_at) setInterval(safe(paint), 1000); // {{countdown}} ticks
  if (block.progress) { // free shipping: the cart's way to the threshold
    bar = el('progress');
    bar.max = block.progress[1];
    bar.value = block.progress[0];
    wrapper.appendChild(bar);
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

// "2d 04:13:22" (the days as the shopper's language writes them, T.days) to the rule's end, never below zero.
function timeLeft(end) {
  var left = Math.max(0, (Date.parse(end) - Date.now()) / 1000 | 0), days = left / 86400 | 0;
  return (days ? T.days.replace('{n}', days) + ' ' : '') + [left / 3600 % 24, left / 60 % 60, left % 60].map(function (n) {
    return ('0' + (n | 0)).slice(-2);
  }).join(':');
}
