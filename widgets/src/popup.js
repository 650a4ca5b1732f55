// popup.js: exit-intent pop-ups. Of the pop-ups the server armed (best
// priority first), the first one the caps allow is armed here, and at most one
// opens per page view, so two campaigns never stack.
//
// Caps: once per session (sessionStorage), once per N days and never after a
// conversion (localStorage); without consent they hold for this page only.

var DAY = 864e5;
var popupOpen = false;

function capKey(kind, popup) {
  return 'p13n_' + kind + '_' + popup.rule_id;
}

function capped(popup) {
  var cap = popup.cap || {}, last = +load(capKey('seen', popup)) || 0;
  return (cap.stop_after_conversion !== false && load(capKey('won', popup))) ||
    (cap.once_per_session && load(capKey('session', popup), sessionStorage)) ||
    (cap.every_days && Date.now() - last < cap.every_days * DAY);
}

function armPopup(popups) {
  var popup = popups.filter(function (candidate) { return !capped(candidate); })[0], trigger, started = Date.now(), fire, idle, idleFor;
  if (!popup) return;
  trigger = popup.trigger || {};
  fire = safe(function () {
    if (!popupOpen && !capped(popup)) openPopup(popup);
  });
  function dwelled() {
    return Date.now() - started >= (trigger.min_dwell_seconds || 0) * 1000;
  }
  if (trigger.exit_intent !== false) {
    // Leaving through the top edge (towards the tabs or the address bar).
    // Clicking an internal link never gets here: that is a click, not an exit.
    doc.addEventListener('mouseout', safe(function (event) {
      if (!event.relatedTarget && event.clientY <= 0 && dwelled()) fire();
    }));
  }
  if (trigger.mobile_exit !== false && device() != 'desktop') {
    // Phones have no pointer to leave by. The signals that do not fight the
    // browser (never its history or back button): a flick back up towards the
    // address bar, the tab going hidden, and a long idle spell.
    win.addEventListener('scroll', safe(flickUp(function () { if (dwelled()) fire(); })), {passive: true});
    doc.addEventListener('visibilitychange', safe(function () {
      if (doc.visibilityState == 'hidden' && dwelled()) fire(); // shown when they come back
    }));
    idleFor = trigger.idle_seconds || MOBILE_IDLE_SECONDS;
  }
  if (trigger.open_now) fire(); // the merchant's preview
  if (trigger.time_on_page_seconds) setTimeout(fire, trigger.time_on_page_seconds * 1000);
  if (trigger.scroll_depth_percent) {
    win.addEventListener('scroll', safe(function () {
      var depth = (win.scrollY + win.innerHeight) / doc.documentElement.scrollHeight * 100;
      if (depth >= trigger.scroll_depth_percent) fire();
    }), {passive: true});
  }
  idleFor = trigger.idle_seconds || idleFor;
  if (idleFor) {
    ['mousemove', 'keydown', 'scroll', 'touchstart'].forEach(function (name) {
      win.addEventListener(name, function () {
        clearTimeout(idle);
        idle = setTimeout(fire, idleFor * 1000);
      }, {passive: true});
    });
    idle = setTimeout(fire, idleFor * 1000);
  }
}

// A flick up: the page moving up at least FLICK_SPEED px/s over the last
// FLICK_WINDOW ms (a thumb's flick is 1,500-3,000 px/s; scrolling back to
// re-read is well under 1,000), from somewhere below the first screen.
var FLICK_SPEED = 1200;
var FLICK_WINDOW = 120;
var MOBILE_IDLE_SECONDS = 30;

function flickUp(onFlick) {
  var samples = [];
  return function () {
    var now = Date.now(), y = win.scrollY, first;
    samples.push([now, y]);
    while (samples.length > 2 && now - samples[1][0] >= FLICK_WINDOW) samples.shift();
    first = samples[0];
    if (now - first[0] >= FLICK_WINDOW * 0.6 && first[1] - y >= FLICK_SPEED * (now - first[0]) / 1000 && first[1] > win.innerHeight / 2) {
      samples = [];
      onFlick();
    }
  };
}

function openPopup(popup) {
  var content = popup.content || {}, host = el('div'), root, backdrop, dialog, close, heading, returnTo = doc.activeElement, done;
  popupOpen = true;
  save(capKey('session', popup), '1', sessionStorage);
  save(capKey('seen', popup), String(Date.now()));
  doc.body.appendChild(host);
  host.setAttribute('data-p13n-widget', popup.rule_id);
  root = shadow(host);
  backdrop = el('div', 'k');
  dialog = el('div', 'd');
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  dialog.setAttribute('aria-labelledby', 'p13n-h');
  close = el('button', 'x', '\u00d7');
  close.setAttribute('aria-label', T.close);
  heading = el('h2', null, content.headline || '');
  heading.id = 'p13n-h';
  dialog.append(close, heading);
  if (webUrl(content.image)) {
    var image = el('img');
    image.src = webUrl(content.image);
    image.alt = '';
    dialog.appendChild(image);
  }
  if (content.body) dialog.appendChild(el('p', null, content.body));
  if (content.coupon) dialog.appendChild(couponRow(popup, content.coupon));
  if (content.email_capture) dialog.appendChild(emailForm(popup, content));
  if (content.survey) dialog.appendChild(surveyForm(popup, content.survey, root)); // chunks.js, survey.js
  backdrop.appendChild(dialog);
  root.appendChild(backdrop);

  // Closed by the shopper (the ×, Esc or the backdrop): recorded, but not as a click-through.
  done = safe(function () {
    host.remove();
    popupOpen = false;
    clicked(popup, 'dismiss');
    try { if (returnTo && returnTo.focus) returnTo.focus(); } catch (e) {}
  });
  close.addEventListener('click', done);
  backdrop.addEventListener('click', safe(function (event) { if (event.target == backdrop) done(); }));
  dialog.addEventListener('keydown', safe(function (event) {
    var focusable, first, last;
    if (event.key == 'Escape') return done();
    if (event.key != 'Tab') return;
    // Keep focus inside the dialog while it is open.
    focusable = [].slice.call(dialog.querySelectorAll('button,input,a[href]'));
    first = focusable[0];
    last = focusable[focusable.length - 1];
    if (event.shiftKey && root.activeElement == first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && root.activeElement == last) { event.preventDefault(); first.focus(); }
  }));
  close.focus();
  widgetEvent('widget_impression', popup, {widget: 'popup'});
}

function clicked(popup, action) {
  widgetEvent('widget_click', popup, {widget: 'popup', action: action});
}

function converted(popup, kind) {
  save(capKey('won', popup), '1');
  widgetEvent('popup_submit', popup, {kind: kind});
}

function couponRow(popup, code) {
  var row = el('div', 'c'), copy = el('button', null, T.copy);
  row.append(el('code', null, code), copy);
  copy.addEventListener('click', safe(function () {
    var copied = function () { copy.textContent = T.copied; };
    try {
      nav.clipboard.writeText(code).then(copied, copied);
    } catch (e) {
      copied();
    }
    clicked(popup, 'coupon_copy');
    converted(popup, 'coupon_copy');
  }));
  return row;
}

function emailForm(popup, content) {
  var form = el('form'), email = el('input'), label = el('label'), box = el('input'), submit = el('button', 'm', content.button || T.send);
  email.type = 'email';
  email.required = true;
  email.placeholder = T.email_placeholder;
  email.setAttribute('aria-label', T.email);
  box.type = 'checkbox'; // never pre-ticked: consent is the shopper's act
  label.append(box, el('span', null, content.consent_label || ''));
  submit.type = 'submit';
  form.append(email, label, submit);
  form.addEventListener('submit', safe(function (event) {
    event.preventDefault();
    clicked(popup, 'submit');
    var body = {key: cfg.key, email: email.value, consent: box.checked, rule_id: popup.rule_id, decision_id: decision.decision_id,
      lang: doc.documentElement.lang}; // the answer's and the confirmation email's language
    if (allowed && visitor) body.visitor_id = visitor;
    fetch(cfg.api + '/v1/leads', {method: 'POST', body: JSON.stringify(body), headers: {'Content-Type': 'text/plain'}, credentials: 'omit'})
      .then(function (response) { return response.ok && response.json(); })
      .then(safe(function (answer) {
        if (!answer) return;
        // A unique code comes only now, in the answer to this email (never in /v1/decide).
        form.replaceChildren(el('p', null, answer.message || T.thanks));
        if (answer.discount_code) form.appendChild(couponRow(popup, answer.discount_code));
        converted(popup, 'email');
      }))
      .catch(function () {});
  }));
  return form;
}
