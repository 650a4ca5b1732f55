// chunks.js: code most page views never run, fetched only when a decision needs it.
//
// The question form of a survey pop-up (widgets/src/survey.js, built on its own
// into static/chunks/survey.js) loads when a decision arms a survey: a survey
// shows at most once in months to a shopper, so no other page pays its bytes.
// The chunk hands its renderer over through p13n('survey', build).

var surveyForm = null;
var surveyWaiting = null;

function hasSurvey(popup) {
  return (popup.content || {}).survey;
}

// Arms the pop-ups once the survey form is here; without it (blocked, offline,
// slower than 5 s) the surveys are left out and the other pop-ups still arm.
function armPopups(popups) {
  if (surveyForm || !popups.some(hasSurvey)) return armPopup(popups);
  var script = el('script'), timer, done = surveyWaiting = safe(function (loaded) {
    if (surveyWaiting != done) return;
    surveyWaiting = null;
    clearTimeout(timer);
    armPopup(loaded ? popups : popups.filter(function (popup) { return !hasSurvey(popup); }));
  });
  timer = setTimeout(function () { done(false); }, 5000);
  script.src = cfg.api + '/s/chunks/survey.js';
  script.async = true;
  script.onerror = function () { done(false); };
  (doc.head || doc.documentElement).appendChild(script);
}

function surveyReady(build) {
  surveyForm = build({el: el, safe: safe, cfg: cfg, t: T, converted: converted, context: function () {
    return {decision: decision, visitor: allowed ? visitor : null};
  }});
  if (surveyWaiting) surveyWaiting(true);
}
