// decide.js: one request per page view for everything the page shows, then rendering.
//
// Asked as soon as the document is parsed (the product id is in it), with a
// 2 s limit: a slow or absent server means no widgets, never a broken page.

var DECIDE_URL = cfg.api + '/v1/decide';
var decision = null;

function decideNow() {
  var params = new URLSearchParams(), product = pageJSON('data-p13n-product'), controller, timer, preview;
  params.set('key', cfg.key);
  params.set('url', location.href.slice(0, 2000));
  params.set('device', device());
  params.set('lang', doc.documentElement.lang); // the server answers in it if it can (empty: the shop's language)
  if (allowed && visitor) params.set('visitor_id', visitor); // without consent: non-personalized widgets only
  if (product && product.id != null) params.set('product_id', String(product.id));
  preview = location.search.match(/[?&]p13n_preview=([^&#]+)/);
  if (preview) params.set('preview', decodeURIComponent(preview[1]));
  controller = win.AbortController && new AbortController();
  timer = controller && setTimeout(safe(function () { controller.abort(); }), 2000);
  fetch(DECIDE_URL + '?' + params, {credentials: 'omit', signal: controller ? controller.signal : undefined})
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(safe(function (answer) {
      clearTimeout(timer);
      if (answer) render(answer, product || {});
    }))
    .catch(function () {})
    .then(safe(settleLayout)); // whatever happened, slots left empty give their space back when unseen
}

function render(answer, product) {
  decision = answer;
  if (answer.t) T = answer.t;
  var vars = answer.vars || {};
  vars['product.title'] = product.title;
  vars['product.price'] = product.price != null ? money(product.price, product.currency) : '';
  (answer.blocks || []).forEach(safe(function (block) { renderBlock(block, vars); }));
  (answer.sliders || []).forEach(safe(renderSlider));
  armPopups(answer.popups || []); // chunks.js: with the survey form first, if one is a survey
}

// Widget events carry the decision they came from, for attribution.
function widgetEvent(type, item, props, fields) {
  props.decision_id = decision.decision_id;
  props.rule_id = item.rule_id;
  props.variant = item.variant;
  emit(type, fields || {}, props);
}
