// api.js: the public window.p13n function, the queue replay and start-up.
//
// Merchants may call p13n() before this script has loaded, through the stub
//   window.p13n=window.p13n||function(){(p13n.q=p13n.q||[]).push(arguments)};
// whose queued calls are replayed here, in order.

function command(name, a, b) {
  if (name == 'identify') identify(a, b);
  else if (name == 'track') track(a, b);
  else if (name == 'purchase') track('purchase', a);
  else if (name == 'flush') flush();
  else if (name == 'consent') setConsent(a);
  else if (name == 'survey') surveyReady(a); // the survey chunk, once loaded
  else debug('unknown command: ' + name);
}

// Before anything else: the slots' space, so the page is laid out with it from the first paint.
safe(reserveSpace)();

var stub = win.p13n;
var pending = (stub && stub.q) || [];
var api = safe(command);
api.loaded = true;
win.p13n = api;

// Queued calls first, so that a queued consent or identify already applies to the page view.
var replay = safe(function (args) { command.apply(null, args); });
applyConsent();
for (var i = 0; i < pending.length; i++) replay(pending[i]);
if (!pixelTracks) {
  emit('page_view', {}, pageProps());
  doc.addEventListener('click', safe(onClick), true);
}
function start() {
  showSkeletons();
  scanPage();
  decideNow();
}
if (doc.readyState == 'loading') doc.addEventListener('DOMContentLoaded', safe(start));
else start();
