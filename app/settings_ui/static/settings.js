// The settings UI's only script (the CSP forbids inline ones). Small, dependency-free helpers:
// - p13nSettings.fetchJSON: same-origin fetch that sends the CSRF token;
// - [data-poll-url]: elements refreshed from a JSON endpoint (tag seen, training progress, sync progress);
// - [data-confirm]: forms that ask before doing something destructive.
(function () {
  'use strict';
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';

  function fetchJSON(url, options) {
    options = options || {};
    options.headers = Object.assign({'Accept': 'application/json', 'X-CSRF-Token': csrf}, options.headers || {});
    options.credentials = 'same-origin';
    return fetch(url, options).then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, status: response.status, body: body}; });
    });
  }

  function poll(element) {
    var url = element.getAttribute('data-poll-url');
    var every = parseInt(element.getAttribute('data-poll-every') || '3000', 10);
    function tick() {
      fetchJSON(url).then(function (result) {
        var keepGoing = render(element, result.body);
        if (keepGoing !== false) setTimeout(tick, every);
      }).catch(function () { setTimeout(tick, every * 2); });
    }
    tick();
  }

  // Fill [data-field="a.b"] descendants with values from the JSON (as text, never HTML).
  function render(element, body) {
    element.querySelectorAll('[data-field]').forEach(function (target) {
      var value = target.getAttribute('data-field').split('.').reduce(function (o, k) { return o == null ? o : o[k]; }, body);
      target.textContent = value == null ? '—' : String(value);
    });
    element.querySelectorAll('[data-show-when]').forEach(function (target) {
      var spec = target.getAttribute('data-show-when').split('='), key = spec[0], want = spec[1];
      var value = key.split('.').reduce(function (o, k) { return o == null ? o : o[k]; }, body);
      target.hidden = String(value) !== want;
    });
    element.querySelectorAll('progress[data-progress]').forEach(function (bar) {
      var p = body.progress || {};
      if (p.total) { bar.max = p.total; bar.value = p.done || 0; }
    });
    var stop = element.getAttribute('data-poll-until');
    if (stop) {
      var spec = stop.split('='), value = spec[0].split('.').reduce(function (o, k) { return o == null ? o : o[k]; }, body);
      if (spec[1].split('|').indexOf(String(value)) >= 0) return false;
    }
    return true;
  }

  document.addEventListener('submit', function (event) {
    var form = event.target, question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });

  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-copy]');
    if (!button) return;
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (source && navigator.clipboard) navigator.clipboard.writeText(source.textContent).then(function () { button.textContent = 'Copied'; });
  });

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-poll-url]').forEach(poll);
  });

  window.p13nSettings = {fetchJSON: fetchJSON, csrf: csrf};
})();
