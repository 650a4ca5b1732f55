// slider.js: recommendation sliders. A scroll-snap track that swipes natively,
// arrow buttons and arrow keys to move it, lazy images, prices in the shop's
// currency and locale, and the reason under each item. Only text is inserted.

function renderSlider(slider) {
  var root = mount(slider), box, head, track, prev, next;
  if (!root || !slider.items || !slider.items.length) return;
  box = el('section', 's');
  box.setAttribute('aria-label', slider.title || T.recommendations);
  head = el('div', 'h');
  head.appendChild(el('h2', null, slider.title || ''));
  prev = el('button', null, '\u2039');
  next = el('button', null, '\u203a');
  prev.setAttribute('aria-label', T.previous);
  next.setAttribute('aria-label', T.next);
  head.appendChild(el('span')).append(prev, ' ', next);
  track = el('ul', 't');
  track.tabIndex = 0;
  slider.items.forEach(function (item) {
    var li = el('li'), link = el('a'), image = el('img'), src = webUrl(item.image);
    link.href = webUrl(item.url) || '#';
    if (src) image.src = src;
    image.alt = '';
    image.loading = 'lazy';
    image.width = image.height = 180;
    link.append(image, el('span', 'n', item.title), el('span', 'p', item.price != null ? money(item.price, item.currency) : ''),
      el('span', 'w', item.reason || ''));
    link.addEventListener('click', safe(function () {
      widgetEvent('widget_click', slider, {widget: 'slider'}, {product_id: item.id});
      flush(true); // the page is about to go
    }));
    li.appendChild(link);
    if (slider.quick_add) li.appendChild(quickAddButton(slider, item));
    track.appendChild(li);
  });
  function move(direction) {
    track.scrollBy({left: direction * track.clientWidth * 0.8, behavior: 'smooth'});
  }
  prev.addEventListener('click', safe(function () { move(-1); }));
  next.addEventListener('click', safe(function () { move(1); }));
  track.addEventListener('keydown', safe(function (key) {
    if (key.key == 'ArrowRight' || key.key == 'ArrowLeft') {
      key.preventDefault();
      move(key.key == 'ArrowRight' ? 1 : -1);
    }
  }));
  box.append(head, track);
  root.appendChild(box);
  onSeen(root.host, function () { widgetEvent('widget_impression', slider, {widget: 'slider'}); });
}

// Quick add-to-cart. On Shopify: the product's first available variant
// (/products/<handle>.js) into /cart/add.js. Elsewhere the merchant's code
// listens for the p13n:add-to-cart event on document and adds the item to
// their cart (widgets/README.md); calling detail.done(false) marks a failure.
function quickAddButton(slider, item) {
  var button = el('button', 'q', T.add_to_cart);
  button.addEventListener('click', safe(function () {
    function done(ok) { button.textContent = ok === false ? T.try_again : T.added; }
    widgetEvent('widget_click', slider, {widget: 'slider', action: 'add_to_cart'}, {product_id: item.id});
    emit('add_to_cart', {product_id: item.id, value: item.price}, {quantity: 1});
    if (win.Shopify && win.Shopify.shop) {
      fetch(item.url + '.js').then(function (r) { return r.json(); }).then(function (product) {
        var variant = product.variants.filter(function (v) { return v.available; })[0];
        return fetch('/cart/add.js', {method: 'POST', headers: {'Content-Type': 'application/json'},
          body: JSON.stringify({items: [{id: variant.id, quantity: 1}]})});
      }).then(function (r) { done(r.ok); }, function () { done(false); });
    } else {
      doc.dispatchEvent(new CustomEvent('p13n:add-to-cart', {detail: {product_id: item.id, quantity: 1, price: item.price, done: done}}));
    }
  }));
  return button;
}
