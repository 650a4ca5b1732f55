// events.js: Shopify's standard customer events as p13n /v1/events events. Pure functions.
//
//   page_viewed                  -> page_view (not on checkout pages: the checkout events cover them)
//   product_viewed               -> product_view  (product_id, price, currency)
//   collection_viewed            -> page_view with props.collection_id / collection_title
//   search_submitted             -> page_view with props.search_query
//   product_added_to_cart        -> add_to_cart   (value = the line's cost, props.quantity)
//   product_removed_from_cart    -> remove_from_cart
//   checkout_started             -> page_view with props.checkout = "started" and the cart's total
//   checkout_completed           -> purchase      (order_id, value, currency, props.lines)
//
// Ids are the numeric ids the Admin API sync stores as external ids (a `gid://` id
// is reduced to its last part); the event id is Shopify's, so a resent event is
// recognised as a duplicate by the server.

var CHECKOUT_PATH = /^\/(checkouts?|[0-9]+\/checkouts)(\/|$)|\/thank[_-]you(\/|$)/;

export function numericId(id) {
  if (id === null || id === undefined || id === '') return undefined;
  var text = String(id);
  return text.indexOf('gid://') === 0 ? text.split('/').pop().split('?')[0] : text;
}

function amount(money) {
  var value = money && typeof money === 'object' ? parseFloat(money.amount) : NaN;
  return isFinite(value) ? value : undefined;
}

function currencyOf(money) {
  return money && typeof money === 'object' && money.currencyCode ? String(money.currencyCode) : undefined;
}

function clip(text, length) {
  return text === null || text === undefined ? undefined : String(text).slice(0, length);
}

function locationOf(event) {
  return (event && event.context && event.context.document && event.context.document.location) || {};
}

export function isCheckoutPage(event) {
  return CHECKOUT_PATH.test(locationOf(event).pathname || '');
}

// A coarse device class from the user agent (the sandbox cannot run media queries).
export function deviceOf(userAgent) {
  var ua = String(userAgent || '');
  if (/iPad|Tablet|Kindle|Silk|Android(?!.*Mobile)/i.test(ua)) return 'tablet';
  return /Mobi|iPhone|iPod|Android/i.test(ua) ? 'mobile' : 'desktop';
}

// What the storefront script sends with every page view: title, device, language, UTM tags.
export function pageProps(event) {
  var context = (event && event.context) || {};
  var documentInfo = context.document || {};
  var navigatorInfo = context.navigator || {};
  var props = {via: 'shopify_pixel'};
  if (documentInfo.title) props.title = clip(documentInfo.title, 300);
  props.device = deviceOf(navigatorInfo.userAgent);
  if (navigatorInfo.language) props.lang = clip(navigatorInfo.language, 35);
  try {
    var params = new URLSearchParams(locationOf(event).search || '');
    ['source', 'medium', 'campaign', 'term', 'content'].forEach(function (name) {
      var value = params.get('utm_' + name);
      if (value) props['utm_' + name] = clip(value, 200);
    });
  } catch (e) {}
  return props;
}

function variantFields(variant) {
  variant = variant || {};
  var product = variant.product || {};
  return {product_id: numericId(product.id), variant_id: numericId(variant.id), title: product.title || variant.title};
}

function cartEvent(type, event) {
  var line = (event.data && event.data.cartLine) || null;
  if (!line || !line.merchandise) return null;
  var fields = variantFields(line.merchandise), quantity = parseInt(line.quantity, 10) || 1;
  var cost = line.cost && line.cost.totalAmount;
  var value = amount(cost);
  if (value === undefined && amount(line.merchandise.price) !== undefined) value = amount(line.merchandise.price) * quantity;
  return {type: type, product_id: fields.product_id, value: value,
    currency: currencyOf(cost) || currencyOf(line.merchandise.price),
    props: {via: 'shopify_pixel', quantity: quantity, variant_id: fields.variant_id, title: clip(fields.title, 300)}};
}

export function orderLines(checkout) {
  return ((checkout && checkout.lineItems) || []).slice(0, 200).map(function (item) {
    var variant = item.variant || {}, quantity = parseInt(item.quantity, 10) || 1;
    var lineTotal = amount(item.finalLinePrice);
    var unit = lineTotal !== undefined ? lineTotal / quantity : amount(variant.price);
    return {product_id: numericId(variant.product && variant.product.id), variant_id: numericId(variant.id),
      quantity: quantity, price: unit === undefined ? 0 : Math.round(unit * 100) / 100};
  }).filter(function (line) { return line.product_id; });
}

// The p13n event for one Shopify event, without id, visitor or customer (pixel.js adds them), or null.
export function toEvent(event) {
  var data = (event && event.data) || {};
  var checkout = data.checkout || {};
  switch (event && event.name) {
    case 'page_viewed':
      return isCheckoutPage(event) ? null : {type: 'page_view', props: pageProps(event)};
    case 'product_viewed': {
      var variant = data.productVariant;
      if (!variant) return null;
      var fields = variantFields(variant);
      if (!fields.product_id) return null;
      return {type: 'product_view', product_id: fields.product_id, value: amount(variant.price),
        currency: currencyOf(variant.price),
        props: {via: 'shopify_pixel', variant_id: fields.variant_id, title: clip(fields.title, 300)}};
    }
    case 'collection_viewed': {
      var collection = data.collection || {}, props = pageProps(event);
      props.collection_id = numericId(collection.id);
      props.collection_title = clip(collection.title, 255);
      return {type: 'page_view', props: props};
    }
    case 'search_submitted': {
      var searched = pageProps(event);
      searched.search_query = clip(data.searchResult && data.searchResult.query, 300);
      return {type: 'page_view', props: searched};
    }
    case 'product_added_to_cart':
      return cartEvent('add_to_cart', event);
    case 'product_removed_from_cart':
      return cartEvent('remove_from_cart', event);
    case 'checkout_started': {
      var started = pageProps(event);
      started.checkout = 'started';
      started.checkout_total = amount(checkout.totalPrice);
      started.checkout_currency = checkout.currencyCode || currencyOf(checkout.totalPrice);
      started.items = orderLines(checkout).length;
      return {type: 'page_view', props: started};
    }
    case 'checkout_completed': {
      var order = checkout.order || {};
      var orderId = numericId(order.id);
      if (!orderId) return null;
      return {type: 'purchase', order_id: orderId, value: amount(checkout.totalPrice),
        currency: checkout.currencyCode || currencyOf(checkout.totalPrice),
        customer_id: numericId(order.customer && order.customer.id),
        props: {via: 'shopify_pixel', lines: orderLines(checkout)}};
    }
    default:
      return null;
  }
}

export var SUBSCRIBED = ['page_viewed', 'product_viewed', 'collection_viewed', 'search_submitted',
  'product_added_to_cart', 'product_removed_from_cart', 'checkout_started', 'checkout_completed'];
