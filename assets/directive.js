// Live read receipts: the server sends a "receipt" event when an officer reads this directive or
// a unit acknowledges it; the receipts section reloads itself (htmx listens for
// "receipt-changed" on the body).
(function () {
  "use strict";
  var box = document.getElementById("receipts");
  if (!window.EventSource || !box) return;
  var source = new EventSource("/directives/" + box.getAttribute("data-directive") + "/events");
  source.addEventListener("receipt", function () {
    if (window.htmx) window.htmx.trigger(document.body, "receipt-changed");
  });
})();
