// Behaviour that pages used to write inline, as data attributes instead: the
// Content-Security-Policy (script-src 'self') runs no inline script and no on…= handler.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form (the unit pickers).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });

  // <button data-geolocate data-lat="id" data-lon="id" data-output="id"
  //   data-unavailable="…" data-failed="…">: fill the two inputs with the device's position.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-geolocate]") : null;
    if (!button) { return; }
    var d = button.dataset;
    var text = document.getElementById(d.output);
    var say = function (message) { if (text) { text.textContent = message; } };
    if (!navigator.geolocation) { say(d.unavailable); return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById(d.lat).value = p.coords.latitude.toFixed(6);
      document.getElementById(d.lon).value = p.coords.longitude.toFixed(6);
      say(p.coords.latitude.toFixed(5) + ", " + p.coords.longitude.toFixed(5));
    }, function () { say(d.failed); });
  });
})();
