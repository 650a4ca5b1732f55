// core.js: configuration, the never-throw wrapper, ids and storage.
//
// build.py concatenates the files of widgets/src (core, transport, track,
// api, in that order) into one function body:
//
//   (function(){"use strict";try{var cfg=__P13N_CONFIG__; ...files... }catch(e){}})();
//
// so every top-level name here is private to the script, and the server's
// inlined config is the variable `cfg`: {key, api, currency, locale, t (labels), ...}.
// Keep to ES5 syntax (ES2017 library calls are fine): calmjs.parse minifies the bundle.

// Nothing to do without a config, and nothing to do twice: a tag pasted twice
// (or loaded again by a tag manager) must not double-count.
if (!cfg || !cfg.key || !cfg.api || (window.p13n && window.p13n.loaded)) return;

var win = window;
// Shopper-facing words, in the shop's language (app/texts); a decision for a page in another language brings its own.
var T = cfg.t || {};
var doc = document;
var nav = navigator;
var VISITOR_KEY = 'p13n_vid';
var CUSTOMER_KEY = 'p13n_cid';
var SIG_KEY = 'p13n_csig';
var ORDERS_KEY = 'p13n_orders';
var RETRY_KEY = 'p13n_retry';

// Silent unless the config asks: a merchant's console is not ours to fill.
function debug(err) {
  try {
    if (cfg.debug) console.debug('[p13n]', err);
  } catch (e) {}
}

// Every entry point (listeners, timers, the public API) goes through this, so
// no error of ours can ever reach the merchant's page.
function safe(fn) {
  return function () {
    try {
      return fn.apply(this, arguments);
    } catch (err) {
      debug(err);
    }
  };
}

// A random (version 4) UUID. crypto.randomUUID exists only in secure
// contexts; getRandomValues everywhere; Math.random is the last resort.
function uuid() {
  var c = win.crypto, bytes = new Uint8Array(16), out = '', i;
  if (c && c.randomUUID) return c.randomUUID();
  for (i = 0; i < 16; i++) bytes[i] = Math.random() * 256;
  if (c && c.getRandomValues) c.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 15) | 64; // version 4
  bytes[8] = (bytes[8] & 63) | 128; // RFC 4122 variant
  for (i = 0; i < 16; i++) {
    out += (i == 4 || i == 6 || i == 8 || i == 10 ? '-' : '') + (bytes[i] + 256).toString(16).slice(1);
  }
  return out;
}

// Storage only with the shopper's consent; without it, values live in this
// page's memory and vanish with it. localStorage throws in some privacy modes
// and sandboxed frames: every access is guarded.
var memory = {};
var allowed = false; // set by consent.js

function load(key, store) {
  if (key in memory) return memory[key];
  try {
    return allowed ? (store || localStorage).getItem(key) : null;
  } catch (e) {
    return null;
  }
}

function save(key, value, store) {
  memory[key] = value;
  try {
    if (allowed) (store || localStorage).setItem(key, value);
  } catch (e) {}
}

function loadList(key) {
  try {
    var list = JSON.parse(load(key));
    return Array.isArray(list) ? list : [];
  } catch (e) {
    return [];
  }
}

function saveList(key, list, max) {
  save(key, JSON.stringify(list.slice(-max)));
}

// First-party visitor id: localStorage, else a cookie (when localStorage
// throws), else this page's memory. An id already in the cookie is adopted
// so that a browser moving between the two keeps its id.
function visitorId() {
  var match, id;
  try {
    match = doc.cookie.match(/(?:^|;\s*)p13n_vid=([\w-]+)/);
  } catch (e) {}
  id = match && match[1];
  try {
    id = localStorage.getItem(VISITOR_KEY) || id || uuid();
    localStorage.setItem(VISITOR_KEY, id);
    return id;
  } catch (e) {}
  id = id || uuid();
  try {
    doc.cookie = VISITOR_KEY + '=' + id + ';max-age=31536000;path=/;SameSite=Lax' +
      (location.protocol == 'https:' ? ';Secure' : '');
  } catch (e) {}
  return id;
}

// Both stay empty until consent (consent.js).
var visitor = null;
var customer = null;
var customerSig = ''; // the merchant server's signature of `customer` (track.js)
