// The rule editor's script (loaded by rule_edit.html only; the CSP forbids inline scripts).
// Placement: a widget goes into a slot or at a CSS selector, never both. Typing in
// one chooses it, the other is dimmed and, on submit, not sent (the server drops
// it too, for a form posted without this script).
(function () {
  'use strict';
  var SLOT_MODES = ['append', 'prepend', 'replace'];

  function placement(form) {
    var section = form.querySelector('#placement');
    if (!section) return;
    var radios = section.querySelectorAll('input[name=placement]');
    var mode = section.querySelector('select[name=mode]');

    function chosen() {
      var checked = section.querySelector('input[name=placement]:checked');
      return checked ? checked.value : 'slot';
    }
    function apply() {
      var which = chosen();
      section.querySelectorAll('[data-placement]').forEach(function (group) {
        group.classList.toggle('inactive', group.getAttribute('data-placement') !== which);
      });
      // A slot is filled from inside; "after" and "before" are for a selector's element.
      Array.prototype.forEach.call(mode.options, function (option) {
        option.hidden = option.disabled = which === 'slot' && SLOT_MODES.indexOf(option.value) < 0;
      });
      if (mode.selectedOptions[0] && mode.selectedOptions[0].disabled) mode.value = 'append';
      else if (which === 'selector' && mode.value === 'append' && !mode.dataset.touched) mode.value = 'after';
    }
    function choose(which) {
      radios.forEach(function (radio) { radio.checked = radio.value === which; });
      apply();
    }
    radios.forEach(function (radio) { radio.addEventListener('change', apply); });
    mode.addEventListener('change', function () { mode.dataset.touched = '1'; });
    // Typing a selector is choosing a selector (the slot may have been pre-filled).
    section.querySelectorAll('[data-placement] input').forEach(function (input) {
      input.addEventListener('input', function () {
        if (input.value.trim()) choose(input.closest('[data-placement]').getAttribute('data-placement'));
      });
    });
    form.addEventListener('submit', function () {
      section.querySelectorAll('[data-placement].inactive input').forEach(function (input) { input.disabled = true; });
    });
    // Back from the bfcache after a submit: the inputs must be usable again.
    window.addEventListener('pageshow', function () {
      section.querySelectorAll('[data-placement] input').forEach(function (input) { input.disabled = false; });
    });
    apply();
  }

  // Pins: find a product by title (the admin API, with this session) and add its id to the list.
  function productFinder(form) {
    var finder = form.querySelector('#product-finder'), results = form.querySelector('#product-finder-results');
    var pins = form.querySelector('textarea[name="content.pins"]'), timer = 0;
    if (!finder || !pins || !window.p13nSettings) return;
    finder.addEventListener('input', function () {
      var typed = finder.value.trim(), option = results.querySelector('option[value="' + CSS.escape(finder.value) + '"]');
      if (option) {
        var lines = pins.value.split('\n').map(function (line) { return line.trim(); }).filter(Boolean);
        if (lines.indexOf(option.dataset.id) < 0) lines.push(option.dataset.id);
        pins.value = lines.join('\n');
        finder.value = '';
        return;
      }
      clearTimeout(timer);
      if (typed.length < 2) return;
      timer = setTimeout(function () {
        window.p13nSettings.fetchJSON('/admin/api/products?limit=20&q=' + encodeURIComponent(typed)).then(function (result) {
          results.replaceChildren();
          (result.body.products || []).forEach(function (product) {
            var choice = document.createElement('option');
            choice.value = product.external_id + ' \u2014 ' + product.title;
            choice.dataset.id = product.external_id;
            results.appendChild(choice);
          });
        });
      }, 200);
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('rule-form');
    if (!form) return;
    placement(form);
    productFinder(form);
  });
})();
