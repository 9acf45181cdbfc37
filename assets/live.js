// Live queues: the server sends an event when a case in this officer's scope changes; the
// queues fragment reloads itself (htmx listens for "case-changed" on the body).
(function () {
  "use strict";
  if (!window.EventSource || !document.getElementById("queues")) return;
  var source = new EventSource("/events");
  function changed() {
    if (window.htmx) window.htmx.trigger(document.body, "case-changed");
    else window.location.reload();
  }
  source.addEventListener("case", changed);
  source.addEventListener("reload", changed);
})();
