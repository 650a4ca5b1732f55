// The settings UI's only script (the CSP forbids inline ones). Small, dependency-free helpers:
// - p13nSettings.fetchJSON: same-origin fetch that sends the CSRF token;
// - [data-poll-url]: elements refreshed from a JSON endpoint (tag seen, training progress, sync progress);
// - [data-confirm]: forms that ask before doing something destructive;
// - inside the Shopify admin (<html data-embedded>), no cookie reaches us: every link followed and form sent
//   carries a fresh session token from App Bridge (`id_token`), and App Bridge adds it to fetch calls itself.
(function () {
  'use strict';
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  var embedded = document.documentElement.hasAttribute('data-embedded');

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
    if (form.p13nTokenAdded) { form.p13nTokenAdded = false; return; }  // sent again below, with its token
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    var submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
    var overrides = submitter && submitter.hasAttribute('formaction');
    if (!embedded || !ourOwn(overrides ? submitter.formAction : form.action)) return;
    event.preventDefault();
    function send() { form.p13nTokenAdded = true; form.requestSubmit(submitter); }
    idToken().then(function (token) {
      hiddenField(form, 'id_token', token);
      if ((submitter && submitter.getAttribute('formmethod') || form.getAttribute('method') || 'get').toLowerCase() === 'get') {
        // A GET form replaces the query: keep what says "inside the admin".
        var here = new URLSearchParams(location.search);
        ['embedded', 'shop', 'host'].forEach(function (name) { if (here.get(name)) hiddenField(form, name, here.get(name)); });
      }
      send();
    }, send);  // without App Bridge the server says what went wrong
  });

  // --- Inside the Shopify admin -------------------------------------------------------------------
  function idToken() {
    return window.shopify && window.shopify.idToken ? window.shopify.idToken() : Promise.reject(new Error('App Bridge did not load'));
  }

  function ourOwn(url) {
    var target = new URL(url, location.href);
    return target.origin === location.origin && target.pathname.indexOf('/settings/') === 0;
  }

  function withToken(url, token) {
    var target = new URL(url, location.href);
    target.searchParams.set('id_token', token);
    return target.toString();
  }

  function hiddenField(form, name, value) {
    var field = form.querySelector('input[type=hidden][name="' + name + '"]');
    if (!field) {
      field = document.createElement('input');
      field.type = 'hidden';
      field.name = name;
      form.appendChild(field);
    }
    field.value = value;
  }

  if (embedded) {
    // The token that brought this page in is spent: keep it out of the address (App Bridge shows it in the admin's).
    var arrived = new URL(location.href);
    ['id_token', 'flashed', 'bounced'].forEach(function (name) { arrived.searchParams.delete(name); });
    if (arrived.toString() !== location.href) history.replaceState(history.state, '', arrived.toString());

    // The bounce page: load the address again with a token.
    var reload = document.querySelector('meta[name="p13n-reload"]');
    if (reload) idToken().then(function (token) { location.replace(withToken(reload.content, token)); });

    document.addEventListener('click', function (event) {
      var link = event.target.closest && event.target.closest('a[href]');
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      if ((link.target && link.target !== '_self') || link.hasAttribute('download') || !ourOwn(link.href)) return;
      event.preventDefault();
      idToken().then(function (token) { location.assign(withToken(link.href, token)); }, function () { location.assign(link.href); });
    });
  }

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
