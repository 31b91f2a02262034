// Drop files on the upload form to send them; without JavaScript the file input does the same.
// The upload area is re-rendered by htmx, so listen on the document once, not on the form.
(function () {
  "use strict";
  if (window.liftoffUploadDrop) return;
  window.liftoffUploadDrop = true;

  function zoneOf(event) {
    return event.target.closest ? event.target.closest("[data-drop-zone]") : null;
  }

  document.addEventListener("dragover", function (event) {
    var zone = zoneOf(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.add("dragging");
  });

  document.addEventListener("dragleave", function (event) {
    var zone = zoneOf(event);
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("dragging");
  });

  document.addEventListener("drop", function (event) {
    var zone = zoneOf(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("dragging");
    var input = zone.querySelector("input[type=file]");
    if (!input || !event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    if (zone.requestSubmit) zone.requestSubmit();
    else zone.submit();
  });
})();
