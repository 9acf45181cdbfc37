// Live board: the server sends a "report" event when a unit sends this report, sends it again,
// or a leader accepts or returns it; the board section reloads itself (htmx listens for
// "report-changed" on the body), so a leader watching the deadline sees who has sent as it
// happens.
(function () {
  "use strict";
  var box = document.getElementById("board");
  if (!window.EventSource || !box) return;
  var source = new EventSource("/periodic-reports/" + box.getAttribute("data-report") + "/events");
  function changed() {
    if (window.htmx) window.htmx.trigger(document.body, "report-changed");
  }
  source.addEventListener("report", changed);
  source.addEventListener("reload", changed);
})();
