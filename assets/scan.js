// Scanning an exhibit label with the phone's camera (BarcodeDetector, in Chromium on Android and
// recent Safari). Only the path of a label's address is followed, so a QR code made elsewhere
// cannot send the officer to another site. Without the API the page keeps its typed-number form.
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var video = box.querySelector("video");
  var note = box.querySelector(".scan-note");
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });

  function target(text) {
    var m = /\/exhibits\/lot\/([A-Za-z0-9._-]+)/.exec(text) || /^([A-Za-z0-9._-]+-TV-\d{4}-\d+)$/.exec(text.trim());
    return m ? "/exhibits/lot/" + encodeURIComponent(m[1]) : null;
  }

  function tick() {
    detector.detect(video).then(function (codes) {
      for (var i = 0; i < codes.length; i++) {
        var to = target(codes[i].rawValue || "");
        if (to) { window.location.assign(to); return; }
      }
      if (codes.length) note.textContent = "Mã QR này không phải nhãn tang vật.";
      window.requestAnimationFrame(tick);
    }).catch(function () { window.setTimeout(tick, 300); });
  }

  box.hidden = false;
  navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
    .then(function (stream) { video.srcObject = stream; return video.play(); })
    .then(tick)
    .catch(function () { note.textContent = "Không mở được camera: hãy nhập số lô."; });
})();
