// transport.js: batching events and getting them to POST {api}/v1/events.
//
// Events wait up to a second (or until 20 are waiting) so that a page's
// burst goes out as one request. Bodies are text/plain so that the
// cross-origin POST is a "simple" request: no CORS preflight round trip.

var EVENTS_URL = cfg.api + '/v1/events';
var MAX_EVENTS = 100; // per request
var MAX_BYTES = 60000; // per request body; beacons and keepalive cap at 64 KiB
var MAX_RETRY = 200; // events kept in localStorage for the next page load
var MAX_ROUNDS = 10; // 1 s, 2 s ... 5 min: a quarter of an hour of outage before giving up
var RETRY_AT_KEY = 'p13n_retry_at'; // "round:due time"
var queue = [];
var timer = 0;
var retryTimer = 0; // set while waiting to send again: nothing is sent until then

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
    send(batch, unloading === true);
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
// error, a timeout, 429 or 5xx keeps the events for a retry with jittered
// exponential backoff (or after the server's Retry-After); any other 4xx is
// final, since sending the same thing again would fail the same way.
function send(events, unloading) {
  var body = envelope(events), controller, timeout;
  // The server asked us to wait (or is away): these join the retry, kept for the next page if need be.
  if (retryTimer) return retryLater(events);
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
    if (response.status >= 500 || response.status == 429) throw response;
    save(RETRY_AT_KEY, '0:0'); // delivered: the backoff starts over
  }).catch(safe(function (failure) {
    retryLater(events, failure && failure.headers && parseFloat(failure.headers.get('Retry-After')));
  })).then(function () {
    clearTimeout(timeout);
  });
}

// Keeps events (at most MAX_RETRY, in localStorage so the next page can send
// them) and plans one round of resending: 1 s, 2 s, 4 s ... up to 5 min, each
// times a random 0.5-1.5 so that many browsers do not retry in step, and never
// sooner than the server's Retry-After. Failures while a round is planned join
// it rather than counting as rounds of their own; after MAX_ROUNDS, give up.
function retryLater(events, retryAfterSeconds) {
  var round = +(load(RETRY_AT_KEY) || '0:0').split(':')[0] + 1, wait;
  saveList(RETRY_KEY, loadList(RETRY_KEY).concat(events), MAX_RETRY);
  if (retryTimer) return;
  if (round > MAX_ROUNDS) {
    save(RETRY_AT_KEY, '0:0');
    return save(RETRY_KEY, '[]');
  }
  wait = Math.min(1000 * Math.pow(2, round - 1), 3e5) * (0.5 + Math.random());
  if (retryAfterSeconds > 0) wait = Math.max(wait, retryAfterSeconds * 1000 * (1 + Math.random() / 4));
  save(RETRY_AT_KEY, round + ':' + (Date.now() + wait));
  planResend(wait);
}

function planResend(wait) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(safe(resendStored), wait);
}

// What could not be sent yet, once its time has come; the ids let the server
// drop duplicates.
function resendStored() {
  var due = +(load(RETRY_AT_KEY) || '0:0').split(':')[1], stored;
  retryTimer = 0;
  if (Date.now() < due) return planResend(due - Date.now());
  stored = loadList(RETRY_KEY).filter(function (event) { return event && event.id; });
  if (!stored.length) return;
  save(RETRY_KEY, '[]');
  chunk(stored).forEach(function (batch) {
    send(batch, false);
  });
}

// pagehide fires on navigation and on closing the tab; visibilitychange to
// hidden is the last reliable moment on mobile, where pagehide may never come.
win.addEventListener('pagehide', safe(function () { flush(true); }));
doc.addEventListener('visibilitychange', safe(function () {
  if (doc.visibilityState == 'hidden') flush(true);
}));
