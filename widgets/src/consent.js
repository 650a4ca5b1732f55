// consent.js: nothing is stored and no behavioural event is sent until the
// shopper may be tracked. The page says so through Shopify's Customer Privacy
// API, the browser through Global Privacy Control, the merchant through the
// "require consent" setting; an explicit p13n('consent', true|false) wins.

var CONSENT_KEY = 'p13n_consent';
var held = [];
var choice = null; // the explicit answer given through the API, if any
var previewing = /[?&]p13n_preview=/.test(location.search);

function consentGiven() {
  var privacy = win.Shopify && win.Shopify.customerPrivacy, stored;
  if (choice !== null) return choice;
  try {
    stored = localStorage.getItem(CONSENT_KEY); // reading stores nothing
  } catch (e) {}
  if (stored == '1') return true;
  if (nav.globalPrivacyControl === true) return false;
  if (privacy && typeof privacy.analyticsProcessingAllowed == 'function') return !!privacy.analyticsProcessingAllowed();
  return !(cfg.consent && cfg.consent.required);
}

// Re-reads the signals; starts tracking (without a reload) when they allow it.
function applyConsent() {
  var keep = consentGiven();
  if (keep && !allowed) {
    allowed = true;
    Object.keys(memory).forEach(function (key) { save(key, memory[key]); });
    visitor = visitorId();
    customer = customer || load(CUSTOMER_KEY);
    customerSig = customerSig || load(SIG_KEY) || '';
    if (choice) save(CONSENT_KEY, '1');
    held.splice(0).forEach(release);
    resendStored();
  } else if (!keep && allowed) {
    forget();
  }
  return allowed;
}

// Consent withdrawn: stop, and remove every identifier we stored.
function forget() {
  allowed = false;
  visitor = null;
  queue = [];
  [localStorage, sessionStorage].forEach(function (store) {
    try {
      Object.keys(store).forEach(function (key) { if (key.indexOf('p13n_') == 0) store.removeItem(key); });
    } catch (e) {}
  });
  try {
    doc.cookie = VISITOR_KEY + '=;max-age=0;path=/';
  } catch (e) {}
}

function setConsent(given) {
  choice = !!given;
  applyConsent();
  if (!choice) forget();
}

doc.addEventListener('visitorConsentCollected', safe(applyConsent)); // Shopify's event
