// dom.js: every widget lives in its own Shadow DOM root. The theme's CSS
// cannot reach in (:host resets inherited styles), ours cannot leak out, and
// merchants tune the look through CSS custom properties, which do inherit:
//   --p13n-accent, --p13n-text, --p13n-bg, --p13n-radius, --p13n-font.
// Styles go in as a constructable stylesheet, which a strict CSP allows.

// !important on :host: against a theme's own !important rules on the host
// element, the shadow tree's important declarations win (CSS Scoping).
var CSS = ':host{all:initial!important;display:block!important;font:15px/1.45 var(--p13n-font,system-ui,sans-serif)!important;color:var(--p13n-text,#222)!important;' +
  '--a:var(--p13n-accent,#b5473a);--r:var(--p13n-radius,10px);--b:var(--p13n-bg,#fff)}' +
  '*{box-sizing:border-box}a{color:var(--a)}img{max-width:100%}h2{margin:0 0 .4em;font-size:1.35em}p{margin:0 0 .6em}' +
  '.b{padding:16px 20px;border-radius:var(--r);background:var(--b)}' +
  '.s h2{font-size:1.2em}.t{display:flex;gap:14px;overflow-x:auto;scroll-snap-type:x mandatory;scroll-behavior:smooth;padding:4px 2px 10px;list-style:none;margin:0;scrollbar-width:thin}' +
  '.t li{flex:0 0 180px;scroll-snap-align:start}.t a{display:block;text-decoration:none;color:inherit}' +
  '.t img{display:block;width:180px;height:180px;object-fit:cover;border-radius:var(--r);background:#eee}' +
  // Card lines are clamped, so a slider is never taller than the space reserved for it (layout.js).
  '.n{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;height:2.6em;margin-top:6px;font-weight:600;line-height:1.3}' +
  '.p,.w{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.p{margin-top:2px}.w{font-size:.85em;opacity:.75}' +
  '.z{display:flex;gap:14px;overflow:hidden;padding:44px 2px}.z i{flex:0 0 180px;height:180px;border-radius:var(--r);background:#eee}' +
  '.h{display:flex;justify-content:space-between;align-items:center}' +
  'button{font:inherit;cursor:pointer;border:1px solid currentColor;background:var(--b);color:inherit;border-radius:var(--r);padding:6px 12px}' +
  '.k{position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:2147483647;padding:16px}' +
  '.d{position:relative;max-width:420px;width:100%;background:var(--b);border-radius:var(--r);padding:24px;box-shadow:0 10px 40px rgba(0,0,0,.3)}' +
  '.x{position:absolute;top:8px;right:8px;border:0;font-size:22px;line-height:1;padding:4px 8px}' +
  '.c{display:flex;gap:8px;align-items:center;margin:10px 0}.c code{font-size:1.2em;font-weight:700;letter-spacing:.06em;padding:4px 10px;border:2px dashed var(--a);border-radius:var(--r)}' +
  '.m{background:var(--a);color:#fff;border-color:var(--a)}input[type=email]{font:inherit;width:100%;padding:8px;border:1px solid #999;border-radius:var(--r);margin:8px 0}' +
  'label{display:flex;gap:8px;align-items:flex-start;font-size:.9em;margin-bottom:10px}' +
  'progress{display:block;width:100%;height:8px;accent-color:var(--a)}.q{width:100%;margin-top:6px}';
var sheet = null;

function el(tag, className, text) {
  var element = doc.createElement(tag);
  if (className) element.className = className;
  if (text != null) element.textContent = text;
  return element;
}

// A host element at the widget's place, with a styled shadow root. A slot or
// a selector, never one falling back to the other; only an explicit "replace"
// removes what the target held (our own skeleton in a slot always goes).
function mount(item) {
  var target = null, mode = item.mode, host, root;
  try {
    target = item.slot ? slotElement(item.slot) : item.selector ? doc.querySelector(item.selector) : null;
  } catch (e) {} // an invalid selector
  if (!target) return null;
  if (!/^(replace|prepend|append|before|after)$/.test(mode) || (item.slot && /^(before|after)$/.test(mode))) mode = item.slot ? 'append' : 'after';
  if (item.slot) [].forEach.call(target.querySelectorAll('[data-p13n-skeleton]'), function (skeleton) { skeleton.remove(); });
  host = el('div');
  host.setAttribute('data-p13n-widget', item.rule_id);
  root = shadow(host);
  if (mode == 'replace') target.replaceChildren(host);
  else target[mode](host);
  return root;
}

function slotElement(name) {
  return doc.querySelector('[data-p13n-slot="' + String(name).replace(/"/g, '') + '"]');
}

function shadow(host) {
  var root = host.attachShadow({mode: 'open'});
  try {
    sheet = sheet || new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    root.appendChild(el('style', null, CSS)); // browsers without constructable stylesheets
  }
  return root;
}

// Links and images only over http(s) (or relative, which keeps the page's): never javascript:, data:
// or vbscript:. The server refuses them too; this holds even for a row it stored before, or by hand.
function webUrl(value) {
  try {
    return value && /^https?:$/.test((value = new URL(value, location.href)).protocol) ? value.href : '';
  } catch (e) {
    return '';
  }
}

function money(value, currency) {
  try {
    return new Intl.NumberFormat(cfg.locale || undefined, {style: 'currency', currency: currency || cfg.currency}).format(value);
  } catch (e) {
    return String(value);
  }
}

// Emits once, when at least half of the element has been on screen.
function onSeen(element, callback) {
  if (!win.IntersectionObserver) return callback();
  var observer = new IntersectionObserver(safe(function (entries) {
    if (entries.some(function (entry) { return entry.intersectionRatio >= 0.5; })) {
      observer.disconnect();
      callback();
    }
  }), {threshold: 0.5});
  observer.observe(element);
}
