// pixel.js: consent, the shared visitor id, and sending to the p13n server.
//
// Visitor id: the storefront script keeps it in the shop's first-party storage,
// localStorage `p13n_vid` (a cookie `p13n_vid` where localStorage is unavailable).
// The pixel reads the same two places, in the same order, through the sandbox's
// browser.localStorage / browser.cookie (which reach the shop's top frame). When
// neither holds an id yet, it waits a moment for the script, then creates one and
// stores it where the script looks first, so both report the same visitor.
//
// Consent: nothing is read, stored or sent unless the visitor allowed analytics
// (init.customerPrivacy, updated by `visitorConsentCollected`).
import {SUBSCRIBED, numericId, toEvent} from './events.js';

var VISITOR_KEY = 'p13n_vid';
var VISITOR_ID = /^[\w-]{1,64}$/;
var RETRIES = [1000, 4000];

function uuid() {
  var c = typeof crypto !== 'undefined' ? crypto : null, bytes = new Uint8Array(16), out = '', i;
  if (c && c.randomUUID) return c.randomUUID();
  if (c && c.getRandomValues) c.getRandomValues(bytes);
  else for (i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 15) | 64;
  bytes[8] = (bytes[8] & 63) | 128;
  for (i = 0; i < 16; i++) out += (i === 4 || i === 6 || i === 8 || i === 10 ? '-' : '') + (bytes[i] + 256).toString(16).slice(1);
  return out;
}

function wait(ms) {
  return new Promise(function (resolve) { setTimeout(resolve, ms); });
}

export function startPixel(api) {
  var settings = api.settings || {}, browser = api.browser || {}, init = api.init || {};
  var backend = String(settings.backendUrl || '').replace(/\/+$/, '');
  var key = String(settings.publicKey || '');
  if (!/^https?:\/\/[^\s]+$/.test(backend) || !key) return;
  var privacy = init.customerPrivacy || {};
  var known = null; // the visitor id found or made on this page
  var customerId = numericId(init.data && init.data.customer && init.data.customer.id);

  function allowed() {
    return privacy.analyticsProcessingAllowed === true;
  }

  if (api.customerPrivacy && api.customerPrivacy.subscribe) {
    api.customerPrivacy.subscribe('visitorConsentCollected', function (event) {
      privacy = (event && event.customerPrivacy) || {};
    });
  }

  async function stored() {
    var id = null;
    try { id = await browser.localStorage.getItem(VISITOR_KEY); } catch (e) {}
    if (!VISITOR_ID.test(id || '')) {
      try { id = await browser.cookie.get(VISITOR_KEY); } catch (e) {} // the cookie's value
    }
    return VISITOR_ID.test(id || '') ? id : null;
  }

  // Read every time: if the storefront script stored its id after ours was made, we follow it.
  async function visitorId() {
    var id = await stored();
    if (id) return (known = id);
    if (!known) {
      await wait(800); // the storefront script loads async and may be about to store its id
      id = await stored();
      if (id) return (known = id);
      known = uuid();
    }
    try { // (again, if the storage lost it: the script then adopts ours rather than making a third)
      await browser.localStorage.setItem(VISITOR_KEY, known);
    } catch (e) {
      try { await browser.cookie.set(VISITOR_KEY + '=' + known + '; path=/; max-age=31536000; SameSite=Lax'); } catch (e2) {}
    }
    return known;
  }

  async function post(body, attempt) {
    try {
      var response = await fetch(backend + '/v1/events', {
        method: 'POST', body: body, keepalive: true, credentials: 'omit',
        headers: {'Content-Type': 'text/plain'}
      });
      var status = response.status;
      if (status < 500 && status !== 429) return; // delivered, or refused for good (a 4xx says why)
    } catch (e) {}
    if (attempt < RETRIES.length) {
      await wait(RETRIES[attempt]);
      return post(body, attempt + 1); // the event id makes a resend harmless
    }
  }

  async function handle(shopifyEvent) {
    if (!allowed()) return;
    var event = toEvent(shopifyEvent);
    if (!event) return;
    event.id = String(shopifyEvent.id || uuid()).slice(0, 64);
    event.visitor_id = await visitorId();
    if (!allowed()) return; // consent withdrawn while we waited
    var customer = event.customer_id || customerId;
    if (customer) event.customer_id = String(customer);
    else delete event.customer_id;
    if (event.value !== undefined) event.value = Math.round(event.value * 100) / 100;
    var location = (shopifyEvent.context && shopifyEvent.context.document && shopifyEvent.context.document.location) || {};
    if (location.href) event.url = String(location.href).slice(0, 2048);
    var referrer = shopifyEvent.context && shopifyEvent.context.document && shopifyEvent.context.document.referrer;
    if (referrer) event.referrer = String(referrer).slice(0, 2048);
    if (shopifyEvent.timestamp) event.ts = shopifyEvent.timestamp;
    await post(JSON.stringify({key: key, sent_at: new Date().toISOString(), events: [event]}), 0);
  }

  SUBSCRIBED.forEach(function (name) {
    api.analytics.subscribe(name, function (event) {
      handle(event).catch(function () {}); // a pixel error never reaches the shop
    });
  });
}
