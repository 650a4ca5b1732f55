// survey.js: the question of an NPS (0-10) or CSAT (1-5) pop-up, rendered in
// the pop-up's own Shadow DOM. Built on its own into static/chunks/survey.js
// and fetched only when a decision arms a survey (chunks.js), inside
//   (function(){"use strict";try{var p13n=window.p13n; ...}catch(e){}})();
// so it sees nothing of the page or of the main script but what `kit` gives.
//
// The scale is a native radio group in a fieldset whose legend is the
// question: Tab reaches it, arrow keys move along it, Enter sends, and screen
// readers announce the question and "4 of 11". The shopper's comment is only
// ever sent as text, never written into the page as markup.

p13n('survey', function (kit) {
  var el = kit.el, safe = kit.safe, cfg = kit.cfg, t = kit.t, sheet = null;
  var CSS = '.sv-q{border:0;margin:4px 0 0;padding:0;min-width:0}.sv-q legend{font-weight:600;margin-bottom:8px;padding:0}' +
    '.sv-o{display:flex;gap:3px}.sv-o label{position:relative;flex:1 1 0;min-width:0;margin:0;display:block}' +
    '.sv-o input{position:absolute;inset:0;width:100%;height:100%;margin:0;opacity:0;cursor:pointer}' +
    '.sv-o span{display:block;text-align:center;padding:10px 0;border:1px solid #888;border-radius:var(--r);font-weight:600;font-size:.95em}' +
    '.sv-o input:checked+span{background:var(--a);border-color:var(--a);color:#fff}' +
    '.sv-o input:focus-visible+span{outline:3px solid var(--a);outline-offset:2px}' +
    '.sv-e{display:flex;justify-content:space-between;gap:12px;font-size:.85em;opacity:.8;margin:6px 0 12px}' +
    '.sv-c{display:block;font-size:.9em;margin:0 0 12px}' +
    '.sv-c textarea{display:block;font:inherit;width:100%;min-height:72px;margin-top:4px;padding:8px;border:1px solid #888;border-radius:var(--r);resize:vertical}' +
    '.sv-n{margin:8px 0 0;font-size:.9em}.sv-t{font-weight:600;margin:12px 0 4px}';

  function styled(root) {
    try {
      sheet = sheet || new CSSStyleSheet();
      if (!sheet.cssRules.length) sheet.replaceSync(CSS);
      root.adoptedStyleSheets = root.adoptedStyleSheets.concat([sheet]);
    } catch (e) {
      root.appendChild(el('style', null, CSS)); // browsers without constructable stylesheets
    }
  }

  function scale(survey, low, high) {
    var group = el('fieldset', 'sv-q'), options = el('div', 'sv-o'), ends = el('div', 'sv-e'), score, label, input;
    group.appendChild(el('legend', null, survey.question || ''));
    for (score = low; score <= high; score++) {
      label = el('label');
      input = el('input');
      input.type = 'radio';
      input.name = 'score';
      input.value = String(score);
      input.required = true;
      // The ends carry their meaning in their names; the words under the scale repeat them for the eye.
      if (score == low) input.setAttribute('aria-label', score + ', ' + (survey.low_label || ''));
      if (score == high) input.setAttribute('aria-label', score + ', ' + (survey.high_label || ''));
      label.append(input, el('span', null, String(score)));
      options.appendChild(label);
    }
    ends.setAttribute('aria-hidden', 'true');
    ends.append(el('span', null, survey.low_label || ''), el('span', null, survey.high_label || ''));
    group.append(options, ends);
    return group;
  }

  return function (popup, survey, root) {
    var low = survey.kind == 'csat' ? 1 : 0, high = survey.kind == 'csat' ? 5 : 10, form = el('form'), box = null,
      submit = el('button', 'm', (popup.content || {}).button || t.send), note = el('p', 'sv-n'), sending = false;
    styled(root);
    form.appendChild(scale(survey, low, high));
    if (survey.comment !== false) {
      var wrap = el('label', 'sv-c', survey.comment_label || '');
      box = el('textarea');
      box.name = 'comment';
      box.maxLength = 1000;
      wrap.appendChild(box);
      form.appendChild(wrap);
    }
    submit.type = 'submit';
    note.setAttribute('role', 'status');
    form.append(submit, note);

    function thank() {
      var thanks = el('p', 'sv-t', survey.thanks || t.thanks);
      thanks.setAttribute('role', 'status');
      thanks.tabIndex = -1;
      form.replaceChildren(thanks);
      thanks.focus(); // the button that had focus is gone
      kit.converted(popup, 'survey');
    }

    function failed() {
      sending = false;
      submit.disabled = false;
      note.textContent = t.survey_failed;
    }

    form.addEventListener('submit', safe(function (event) {
      var picked = form.querySelector('input[name=score]:checked'), context = kit.context(), body;
      event.preventDefault();
      if (!picked || sending) return;
      body = {key: cfg.key, rule_id: popup.rule_id, score: +picked.value, variant: popup.variant || null,
        decision_id: context.decision && context.decision.decision_id};
      if (box && box.value.trim()) body.comment = box.value.slice(0, 1000);
      if (context.visitor) body.visitor_id = context.visitor;
      if (context.decision && context.decision.preview) return thank(); // the merchant's preview records nothing
      sending = true;
      submit.disabled = true;
      note.textContent = '';
      fetch(cfg.api + '/v1/surveys', {method: 'POST', body: JSON.stringify(body), headers: {'Content-Type': 'text/plain'}, credentials: 'omit'})
        .then(safe(function (response) {
          // 409: this shopper already answered (another tab); nothing to try again.
          if (response.ok || response.status == 409) thank();
          else failed();
        }), safe(failed));
    }));
    return form;
  };
});
