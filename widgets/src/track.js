// track.js: building events, and what the page tells us on its own.

var TYPES = ['page_view', 'product_view', 'add_to_cart', 'remove_from_cart', 'purchase'];
// On a Shopify store with our Web Pixel connected, the pixel reports page and product
// views, cart changes and purchases (it sees the theme's cart and the checkout too):
// the script leaves those to it instead of counting them twice.
var pixelTracks = cfg.tracking == 'pixel';
var TOP_LEVEL = ['product_id', 'order_id', 'value', 'currency'];
var sentOrders = [];

function toNumber(value) {
  value = parseFloat(value);
  return isFinite(value) ? value : undefined;
}

// Builds one event and queues it. `fields` may carry product_id, order_id,
// value and currency; absent fields are left out rather than sent as null.
function emit(type, fields, props) {
  var event = {id: uuid(), type: type}, value = toNumber(fields.value), currency;
  if (previewing) return; // a merchant's preview records nothing
  ['product_id', 'order_id'].forEach(function (key) {
    if (fields[key] != null && fields[key] !== '') event[key] = String(fields[key]);
  });
  if (value !== undefined) event.value = Math.round(value * 100) / 100; // the server keeps cents
  // A value without a currency is in the shop's currency.
  currency = fields.currency || (value !== undefined && cfg.currency);
  if (currency) event.currency = String(currency).toUpperCase();
  event.url = location.href.slice(0, 2048); // the server's limit
  if (doc.referrer) event.referrer = doc.referrer.slice(0, 2048);
  event.ts = new Date().toISOString();
  event.props = props || {};
  // Without consent nothing leaves the page: held here, sent if consent comes.
  if (allowed) release(event);
  else if (held.length < 50) held.push(event);
}

// Stamps the ids (known only with consent) and queues the event for sending.
function release(event) {
  event.visitor_id = visitor;
  if (customer) event.customer_id = customer;
  enqueue(event);
}

// p13n('track', type, data): known fields go top-level, the rest into props.
function track(type, data) {
  var props = {};
  data = data && typeof data == 'object' ? data : {};
  if (TYPES.indexOf(type) < 0) return debug('unknown event type: ' + type);
  if (type == 'page_view') props = pageProps();
  Object.keys(data).forEach(function (key) {
    if (TOP_LEVEL.indexOf(key) < 0) props[key] = data[key];
  });
  // A thank-you page reloaded (or reopened from history) is not a new order.
  if (type == 'purchase' && data.order_id != null && !firstTime(String(data.order_id))) return;
  emit(type, data, props);
}

function firstTime(orderId) {
  var sent = loadList(ORDERS_KEY);
  if (sent.indexOf(orderId) >= 0 || sentOrders.indexOf(orderId) >= 0) return false;
  sentOrders.push(orderId);
  saveList(ORDERS_KEY, sent.concat(orderId), 20);
  return true;
}

// Links this browser's visitor to a customer; every later event carries the
// customer id. What the page says on every load (onlyIfNew) is sent once.
function identify(customerId, onlyIfNew) {
  customerId = customerId == null ? '' : String(customerId).trim();
  if (!customerId || (onlyIfNew && customerId == customer)) return;
  customer = customerId;
  save(CUSTOMER_KEY, customerId);
  emit('identify', {}, {});
}

function pageProps() {
  var props = {title: doc.title, device: device(), lang: nav.language}, params;
  try {
    params = new URLSearchParams(location.search);
    ['source', 'medium', 'campaign', 'term', 'content'].forEach(function (name) {
      var value = params.get('utm_' + name);
      if (value) props['utm_' + name] = value;
    });
  } catch (e) {}
  return props;
}

// A coarse pointer means touch: a phone when the screen is narrow, else a
// tablet. Without matchMedia, the user agent decides.
function device() {
  var width = Math.min(win.innerWidth || 1e4, (win.screen && screen.width) || 1e4), ua = nav.userAgent;
  try {
    return win.matchMedia('(pointer:coarse)').matches ? (width < 768 ? 'mobile' : 'tablet') : 'desktop';
  } catch (e) {}
  return /iPad|Tablet|Kindle|Silk|Android(?!.*Mobile)/i.test(ua) ? 'tablet' : /Mobi|iPhone|iPod|Android/i.test(ua) ? 'mobile' : 'desktop';
}

// The JSON the page embeds in <script type="application/json" data-p13n-...>;
// malformed JSON is ignored.
function pageJSON(attribute) {
  var element = doc.querySelector('script[' + attribute + ']'), data;
  try {
    data = element && JSON.parse(element.textContent);
  } catch (e) {}
  return data && typeof data == 'object' ? data : null;
}

function attributeOf(attribute) {
  var element = doc.querySelector('[' + attribute + ']:not([' + attribute + '=""])');
  return element && element.getAttribute(attribute);
}

// Runs once the document is parsed (the async script may run before that).
function scanPage() {
  var product = pageJSON('data-p13n-product'), productId = attributeOf('data-p13n-product-id'), order = pageJSON('data-p13n-order');
  identify(attributeOf('data-p13n-customer-id'), true);
  if (pixelTracks) return;
  if (product && product.id != null) {
    emit('product_view', {product_id: product.id, value: product.price, currency: product.currency},
      product.title ? {title: String(product.title)} : {});
  } else if (productId) {
    emit('product_view', {product_id: productId}, {});
  }
  if (order && order.id != null) {
    identify(order.customer_id, true);
    track('purchase', {order_id: order.id, value: order.total, currency: order.currency, lines: order.lines});
  }
}

// One delegated listener, in the capture phase so that a handler calling
// stopPropagation cannot hide the click from us. It only reads: the click's
// default action and the page's own handlers are untouched.
function onClick(clickEvent) {
  var target = clickEvent.target, element, add, quantity, input, selector, price;
  element = target && target.closest && target.closest('[data-p13n-add-to-cart],[data-p13n-remove-from-cart]');
  if (!element) return;
  add = element.hasAttribute('data-p13n-add-to-cart');
  quantity = toNumber(element.getAttribute('data-p13n-quantity'));
  selector = element.getAttribute('data-p13n-quantity-input');
  try {
    input = selector && doc.querySelector(selector);
    if (input) quantity = toNumber(input.value);
  } catch (e) {} // an invalid selector
  if (!(quantity > 0)) quantity = 1;
  price = toNumber(element.getAttribute('data-p13n-price'));
  emit(add ? 'add_to_cart' : 'remove_from_cart', {
    product_id: element.getAttribute(add ? 'data-p13n-add-to-cart' : 'data-p13n-remove-from-cart'),
    value: price === undefined ? undefined : price * quantity
  }, {quantity: quantity});
}
