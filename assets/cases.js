// Step forms of the case page: builds the JSON body of the API's step from the form, keeps a
// draft on this device as the officer types (a dropped connection on an island loses nothing),
// captures GPS and a signature. Posts with the page session's CSRF token.
(function () {
  "use strict";
  var section = document.querySelector("section.steps");
  if (!section) return;
  var caseId = section.dataset.case;
  var version = Number(section.dataset.version);
  var csrf = (document.querySelector("meta[name=csrf-token]") || {}).content ||
    ((document.querySelector("input[name=csrf]") || {}).value) || "";

  function setPath(obj, path, value) {
    var parts = path.split(".");
    var o = obj;
    for (var i = 0; i < parts.length - 1; i++) { o = o[parts[i]] = o[parts[i]] || {}; }
    o[parts[parts.length - 1]] = value;
  }

  function valueOf(el) {
    var kind = el.dataset.kind;
    if (kind === "bool") return el.checked;
    // Lots a decision confiscates: a ticked lot with no quantity is the whole lot, with a
    // quantity {id, quantity} (the part is split off as its own lot).
    if (kind === "lots") return Array.prototype.map.call(el.querySelectorAll(".lot-pick"), function (row) {
      var box = row.querySelector("input[type=checkbox]");
      if (!box.checked) return null;
      var q = row.querySelector(".lot-qty").value.trim();
      return q ? { id: box.value, quantity: q } : box.value;
    }).filter(function (x) { return x !== null; });
    if (kind === "officers" || kind === "checks") return Array.prototype.map.call(el.querySelectorAll("input:checked"), function (c) { return c.value; });
    if (kind === "location") return el.dataset.value ? JSON.parse(el.dataset.value) : null;
    if (kind === "signature") return el.dataset.value || null;
    var v = el.value.trim();
    if (kind === "lines") return v ? v.split(/\n+/).map(function (s) { return s.trim(); }).filter(Boolean) : [];
    if (v === "") return null;
    if (kind === "money") return Number(v);
    if (kind === "datetime") return new Date(v).toISOString(); // the device's local time → UTC
    return v;
  }

  function collect(form) {
    var body = {};
    form.querySelectorAll("[data-key]").forEach(function (el) {
      if (el.closest("[data-group]") || el.closest("template") || el.closest(".fines")) return;
      var v = valueOf(el);
      if (v !== null) setPath(body, el.dataset.key, v);
    });
    form.querySelectorAll("fieldset[data-group]").forEach(function (fs) {
      var rows = [];
      fs.querySelectorAll(".rows .group-row").forEach(function (row) {
        var item = {};
        var touched = false;
        row.querySelectorAll("[data-key]").forEach(function (el) {
          var v = valueOf(el);
          if (v !== null) item[el.dataset.key] = v;
          if (v !== null && v !== false && !(Array.isArray(v) && v.length === 0)) touched = true;
        });
        // A row left as it came (every form starts with one empty row per group) is not sent:
        // an empty "joint agency" must not stop an inspection decision with none.
        if (touched) rows.push(item);
      });
      body[fs.dataset.group] = rows;
    });
    form.querySelectorAll("fieldset.fines").forEach(function (fs) {
      body[fs.dataset.key] = Array.prototype.map.call(fs.querySelectorAll(".fine-line"), function (line) {
        return { violation_type_id: line.dataset.act, amount: Number(line.querySelector(".fine-amount").value || 0),
                 reason: line.querySelector(".fine-reason").value };
      });
    });
    return body;
  }

  function draftKey(form) { return "qltt-draft:" + caseId + ":" + form.dataset.action; }

  function saveDraft(form) {
    var state = [];
    form.querySelectorAll("input, textarea, select").forEach(function (el) {
      state.push(el.type === "checkbox" ? el.checked : el.value);
    });
    var rows = Array.prototype.map.call(form.querySelectorAll("fieldset[data-group]"), function (fs) {
      return fs.querySelectorAll(".rows .group-row").length;
    });
    try {
      localStorage.setItem(draftKey(form), JSON.stringify({ rows: rows, values: state }));
      form.querySelector(".draft-note").hidden = false;
    } catch (e) { /* storage full or disabled: the form still works */ }
  }

  function addRow(fs) {
    var tpl = fs.querySelector("template");
    var node = tpl.content.firstElementChild.cloneNode(true);
    node.querySelector(".remove-row").addEventListener("click", function () {
      node.remove(); saveDraft(fs.closest("form"));
    });
    fs.querySelector(".rows").appendChild(node);
  }

  function restoreDraft(form) {
    var raw = null;
    try { raw = localStorage.getItem(draftKey(form)); } catch (e) { return; }
    if (!raw) return;
    var d = JSON.parse(raw);
    form.querySelectorAll("fieldset[data-group]").forEach(function (fs, i) {
      fs.querySelector(".rows").innerHTML = "";
      for (var n = 0; n < (d.rows[i] || 0); n++) addRow(fs);
    });
    var els = form.querySelectorAll("input, textarea, select");
    els.forEach(function (el, i) {
      if (i >= d.values.length) return;
      if (el.type === "checkbox") el.checked = d.values[i]; else el.value = d.values[i];
    });
    form.querySelector(".draft-note").hidden = false;
    form.closest("details").open = true;
  }

  function setupSignature(box) {
    var canvas = box.querySelector("canvas");
    var ctx = canvas.getContext("2d");
    var drawing = false;
    ctx.lineWidth = 2.5; ctx.lineCap = "round";
    function pos(e) {
      var r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
    }
    canvas.addEventListener("pointerdown", function (e) { drawing = true; var p = pos(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); canvas.setPointerCapture(e.pointerId); });
    canvas.addEventListener("pointermove", function (e) { if (!drawing) return; var p = pos(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); });
    canvas.addEventListener("pointerup", function () { drawing = false; box.dataset.value = canvas.toDataURL("image/png"); });
    box.querySelector(".clear-signature").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); delete box.dataset.value;
    });
  }

  function setupLocation(box) {
    var text = box.querySelector(".location-text");
    box.querySelector(".get-location").addEventListener("click", function () {
      if (!navigator.geolocation) { text.textContent = "Thiết bị không hỗ trợ định vị."; return; }
      text.textContent = "Đang lấy vị trí…";
      navigator.geolocation.getCurrentPosition(function (p) {
        var v = { lat: p.coords.latitude, lon: p.coords.longitude, accuracy_m: p.coords.accuracy };
        box.dataset.value = JSON.stringify(v);
        text.textContent = v.lat.toFixed(5) + ", " + v.lon.toFixed(5) + " (±" + Math.round(v.accuracy_m) + " m)";
      }, function (err) { text.textContent = "Không lấy được vị trí: " + err.message; }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  // A phone cuts a long option (a violation type with its description and fine frame) at the
  // select's edge: the picked option's full label is written under it.
  function showPicked(select) {
    var note = select.nextElementSibling;
    if (!note || !note.classList.contains("picked")) {
      note = document.createElement("span");
      note.className = "picked small muted";
      select.insertAdjacentElement("afterend", note);
    }
    var opt = select.options[select.selectedIndex];
    // Short labels ("Cá nhân") fit in the select itself.
    note.textContent = opt && opt.value && opt.textContent.length > 28 ? opt.textContent : "";
    note.hidden = !note.textContent;
  }

  section.querySelectorAll("form.step-form").forEach(function (form) {
    form.addEventListener("change", function (e) {
      if (e.target.tagName === "SELECT") showPicked(e.target);
    });
    form.querySelectorAll("fieldset[data-group]").forEach(function (fs) {
      addRow(fs);
      fs.querySelector(".add-row").addEventListener("click", function () { addRow(fs); saveDraft(form); });
    });
    form.querySelectorAll(".signature").forEach(setupSignature);
    form.querySelectorAll(".location").forEach(setupLocation);
    // Today's date where a date is asked, so the common case is one tap.
    form.querySelectorAll("input[type=date][required]").forEach(function (el) { if (!el.value) el.value = section.dataset.today; });
    restoreDraft(form);
    form.querySelectorAll("select").forEach(function (el) { if (el.value) showPicked(el); });
    form.addEventListener("input", function () { saveDraft(form); });
    // "Xem trước": the same body posted to the page's preview route, which answers with the
    // draft PDF (or the refusal the step would give) in a new tab; nothing is recorded. A step
    // issuing two documents has a button for each (its `data-kind` picks the document).
    form.querySelectorAll(".step-preview").forEach(function (previewButton) {
      previewButton.addEventListener("click", function () {
        var body = collect(form);
        body.version = version;
        var post = document.createElement("form");
        post.method = "post";
        post.action = "/cases/" + caseId + "/actions/" + form.dataset.action + "/preview";
        post.target = "_blank";
        post.hidden = true;
        [["csrf", csrf], ["body", JSON.stringify(body)], ["kind", previewButton.dataset.kind || ""]].forEach(function (kv) {
          var input = document.createElement("input");
          input.type = "hidden"; input.name = kv[0]; input.value = kv[1];
          post.appendChild(input);
        });
        document.body.appendChild(post);
        post.submit();
        post.remove();
      });
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var error = form.querySelector(".step-error");
      error.hidden = true;
      var body = collect(form);
      body.version = version;
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      fetch("/api/v1/cases/" + caseId + "/actions/" + form.dataset.action, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf,
                   // Same key when retrying after a dropped connection (no duplicate step); a new
                   // one after the server refused the content, so the corrected form is heard.
                   "Idempotency-Key": draftKey(form) + ":" + version + ":" + (form.dataset.attempt || 0) },
        body: JSON.stringify(body)
      }).then(function (r) {
        return r.json().then(function (j) { return { ok: r.ok, body: j }; });
      }).then(function (res) {
        if (res.ok) {
          try { localStorage.removeItem(draftKey(form)); } catch (e) { /* ignore */ }
          window.location.reload();
          return;
        }
        form.dataset.attempt = String(Number(form.dataset.attempt || 0) + 1);
        var err = res.body.error || {};
        error.textContent = (err.message || "Không ghi được.") + (err.code ? " [" + err.code + "]" : "");
        error.hidden = false;
        button.disabled = false;
        error.scrollIntoView({ behavior: "smooth", block: "center" });
      }).catch(function () {
        error.textContent = "Mất kết nối. Nháp vẫn được lưu trên máy; hãy thử lại khi có sóng.";
        error.hidden = false;
        button.disabled = false;
      });
    });
  });
})();
