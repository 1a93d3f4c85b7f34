// Preview mode (`rumours serve --dev`): reload the page when the content is saved.
// The server sends a `version` event on /_dev/events; when it differs from the version this
// page was rendered from (data-version on this script tag), the page reloads. Only loaded
// in preview mode; no inline script, so the Content-Security-Policy stays strict.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("EventSource" in window)) {
    return;
  }
  var url = script.getAttribute("data-events");
  var version = script.getAttribute("data-version");
  if (!url) {
    return;
  }
  var source = new EventSource(url);
  source.addEventListener("version", function (event) {
    if (!version) {
      version = event.data;
    } else if (event.data !== version) {
      source.close();
      window.location.reload();
    }
  });
})();
