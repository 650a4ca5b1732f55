// Live count of matching profiles while a segment is edited: the form is posted (nothing saved) after a pause in typing.
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('segment-form');
    if (!form) return;
    var output = document.getElementById('segment-count-value'), problem = document.getElementById('segment-count-error');
    var timer, latest = 0;
    function refresh() {
      var mine = ++latest;
      fetch(form.getAttribute('data-count-url'), {method: 'POST', body: new FormData(form), credentials: 'same-origin',
        headers: {'Accept': 'application/json'}})
        .then(function (response) { return response.json(); })
        .then(function (body) {
          if (mine !== latest) return; // an older answer arriving late
          output.textContent = body.count == null ? '—' : String(body.count);
          var errors = Object.keys(body.errors || {}).map(function (key) {
            var where = key.replace(/^conditions\.(\d+)\./, function (all, n) { return 'Condition ' + (+n + 1) + ', '; });
            return where + ': ' + body.errors[key];
          });
          problem.textContent = errors.join(' ');
          problem.hidden = errors.length === 0;
        })
        .catch(function () {});
    }
    function soon() { clearTimeout(timer); timer = setTimeout(refresh, 300); }
    form.addEventListener('input', soon);
    form.addEventListener('change', soon);
    refresh();
  });
})();
