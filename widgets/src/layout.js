// layout.js: honest layout. The server tells (cfg.layout) how much space each
// slot's widget takes: {slot: [height, height on phones, slider?]}. It is
// reserved as soon as this script runs, before the decision is even asked, so
// nothing moves when the widget lands; a slider slot shows a skeleton
// meanwhile. A slot that gets nothing collapses only where that moves nothing
// the shopper sees: below the fold, or while the page is hidden.

var RESERVED = cfg.layout || {};
var PHONE = '(max-width:599px)';

function onPhone() {
  try {
    return win.matchMedia(PHONE).matches;
  } catch (e) {
    return false;
  }
}

// A stylesheet on the page (constructable, so a strict CSP allows it) that
// gives each reserved slot its min-height until we mark it empty. Slot names
// are [A-Za-z0-9_-] (the server validates them), safe in a selector.
function reserveSpace() {
  var wide = '', narrow = '', sheet, name, rule;
  for (name in RESERVED) {
    rule = '[data-p13n-slot="' + name + '"]:not([data-p13n-empty]){min-height:';
    wide += rule + RESERVED[name][0] + 'px}';
    narrow += rule + RESERVED[name][1] + 'px}';
  }
  if (!wide) return;
  wide += '@media ' + PHONE + '{' + narrow + '}';
  try {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(wide);
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.concat(sheet);
  } catch (e) {
    (doc.head || doc.documentElement).appendChild(el('style', null, wide));
  }
}

function showSkeletons() {
  eachReserved(function (slot, space) {
    var host, card, i;
    if (!space[2] || slot.children.length) return;
    host = el('div');
    host.setAttribute('data-p13n-skeleton', '');
    card = el('div', 'z');
    card.setAttribute('aria-hidden', 'true');
    for (i = 0; i < 8; i++) card.appendChild(el('i'));
    shadow(host).appendChild(card);
    slot.appendChild(host);
  });
}

function eachReserved(callback) {
  for (var name in RESERVED) {
    var slot = slotElement(name);
    if (slot) callback(slot, RESERVED[name]);
  }
}

// After the decision (or its failure): slots left without a widget lose their
// skeleton at once (the reserved height stays) and their height when unseen.
function settleLayout() {
  eachReserved(function (slot) {
    var observer;
    if (slot.querySelector('[data-p13n-widget]')) return;
    [].forEach.call(slot.querySelectorAll('[data-p13n-skeleton]'), function (skeleton) { skeleton.remove(); });
    function collapse() {
      if (observer) observer.disconnect();
      slot.setAttribute('data-p13n-empty', '');
    }
    if (doc.hidden || slot.getBoundingClientRect().top >= win.innerHeight) return collapse();
    if (win.IntersectionObserver) {
      observer = new IntersectionObserver(safe(function (entries) {
        if (!entries[0].isIntersecting && entries[0].boundingClientRect.top > 0) collapse();
      }));
      observer.observe(slot);
    }
    doc.addEventListener('visibilitychange', safe(function () { if (doc.hidden) collapse(); }));
  });
}
