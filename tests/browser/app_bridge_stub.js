// A stand-in for Shopify's App Bridge (https://cdn.shopify.com/shopifycloud/app-bridge.js), served by the test at that
// address since the machine has no internet. It does the two things of App Bridge our pages rely on, the way the real
// one does them: `shopify.idToken()` gets a session token from the Shopify admin (the parent frame, by postMessage),
// and fetch calls to our own origin get `Authorization: Bearer <token>` added (App Bridge's fetch interceptor).
(function () {
  'use strict';
  var pending = {}, last = 0;
  var originalFetch = window.fetch.bind(window);

  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || !event.data || event.data.type !== 'stub-admin:id-token') return;
    var resolve = pending[event.data.id];
    delete pending[event.data.id];
    if (resolve) resolve(event.data.token);
  });

  function idToken() {
    return new Promise(function (resolve) {
      var id = ++last;
      pending[id] = resolve;
      window.parent.postMessage({type: 'stub-admin:request-id-token', id: id}, '*');
    });
  }

  window.fetch = function (input, init) {
    var request = new Request(input, init);
    if (new URL(request.url).origin !== location.origin) return originalFetch(request);
    return idToken().then(function (token) {
      var headers = new Headers(request.headers);
      headers.set('Authorization', 'Bearer ' + token);
      return originalFetch(new Request(request, {headers: headers}));
    });
  };

  var key = document.querySelector('meta[name="shopify-api-key"]');
  window.shopify = {idToken: idToken, config: {apiKey: key ? key.content : null}};
  window.fetchWithoutAppBridge = originalFetch;  // for the test: the same call without the token
})();
