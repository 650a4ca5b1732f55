// transport.js: batching events and getting them to POST {api}/v1/events.
//
// Events wait up to a second (or until 20 are waiting) so that a page's
// burst goes out as one request. Bodies are text/plain so that the
// cross-origin POST is a "simple" request: no CORS preflight round trip.

var EVENTS_URL = cfg.api + '/v1/events';
var MAX_EVENTS = 100; // per request
var MAX_BYTES = 60000; // per request body; beacons and keepalive cap at 64 KiB
var MAX_RETRY = 200; // events kept in localStorage for the next page load
var queue = [];
var timer = 0;

function byteLength(text) {
  return new Blob([text]).size;
}

function envelope(events) {
  return JSON.stringify({key: cfg.key, sent_at: new Date().toISOString(), events: events});
}

function enqueue(event) {
  queue.push(event);
  if (queue.length >= 20) flush();
  else if (!timer) timer = setTimeout(safe(flush), 1000);
}

// Sends everything queued. `unloading` (the page is going away) prefers a
// beacon, which the browser delivers even after the page is gone.
function flush(unloading) {
  var events = queue;
  clearTimeout(timer);
  timer = 0;
  queue = [];
  chunk(events).forEach(function (batch) {
    send(batch, unloading === true, false);
  });
}

// Splits events into requests of at most MAX_EVENTS events and MAX_BYTES.
function chunk(events) {
  var room = MAX_BYTES - byteLength(envelope([])), batches = [], batch = [], size = 0;
  events.forEach(function (event) {
    var bytes = byteLength(JSON.stringify(event)) + 1; // + its comma
    if (bytes > room) return; // can never be sent (and the server would refuse it)
    if (batch.length == MAX_EVENTS || size + bytes > room) {
      batches.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(event);
    size += bytes;
  });
  if (batch.length) batches.push(batch);
  return batches;
}

// One request. Whatever happens, nothing is thrown or logged: a network
// error, a timeout, 429 or 5xx puts the events in the retry store (unless they
// already are retries: each event gets one second chance); any other 4xx is
// final, since sending the same thing again would fail the same way.
function send(events, unloading, isRetry) {
  var body = envelope(events), controller, timeout;
  if (unloading) {
    try {
      // The beacon's outcome is unknowable, so beacons are never retried.
      if (nav.sendBeacon(EVENTS_URL, new Blob([body], {type: 'text/plain'}))) return;
    } catch (e) {}
  }
  controller = win.AbortController && new AbortController();
  timeout = controller && setTimeout(safe(function () { controller.abort(); }), 5000);
  fetch(EVENTS_URL, {
    method: 'POST',
    body: body,
    headers: {'Content-Type': 'text/plain'},
    credentials: 'omit',
    keepalive: true,
    signal: controller ? controller.signal : undefined
  }).then(function (response) {
    if (response.status >= 500 || response.status == 429) throw response.status;
  }).catch(function () {
    if (!isRetry) saveList(RETRY_KEY, loadList(RETRY_KEY).concat(events), MAX_RETRY);
  }).then(function () {
    clearTimeout(timeout);
  });
}

// What the last page could not send; the ids let the server drop duplicates.
function resendStored() {
  var stored = loadList(RETRY_KEY).filter(function (event) { return event && event.id; });
  if (!stored.length) return;
  save(RETRY_KEY, '[]');
  chunk(stored).forEach(function (batch) {
    send(batch, false, true);
  });
}

// pagehide fires on navigation and on closing the tab; visibilitychange to
// hidden is the last reliable moment on mobile, where pagehide may never come.
win.addEventListener('pagehide', safe(function () { flush(true); }));
doc.addEventListener('visibilitychange', safe(function () {
  if (doc.visibilityState == 'hidden') flush(true);
}));
