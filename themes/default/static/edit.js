// aiguillage — enhancements of the edit form. The form works without this
// file (a "Prévisualiser" button re-renders it with the preview); with it:
// a live preview of the description and of the opening hours, the commune
// choice filling postal code, INSEE code and coordinates, and a live notice
// of who else has the page open.
(function () {
  "use strict";
  // A form sent back with errors: take the reader to their summary.
  var summary = document.getElementById("resume-erreurs");
  if (summary) summary.focus();
  var form = document.getElementById("edition");
  if (!form || !window.fetch || !window.FormData) return;
  var token = form.querySelector("input[name=_csrf]");

  function post(url, fields) {
    var body = new URLSearchParams();
    if (token) body.append("_csrf", token.value);
    Object.keys(fields).forEach(function (k) { body.append(k, fields[k]); });
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": token ? token.value : "" }
    }).then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); });
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  // Live preview of the description and of how the hours read.
  var previewURL = form.getAttribute("data-apercu");
  var body = document.getElementById("champ-corps");
  var hours = document.getElementById("champ-horaires_accueil");
  var section = document.getElementById("apercu");
  var target = document.getElementById("apercu-contenu");
  function showHours(data) {
    var box = document.getElementById("lecture-horaires");
    if (!box) return;
    var table = box.querySelector("table"), rows = document.getElementById("lecture-horaires-jours");
    var err = document.getElementById("lecture-horaires-erreur");
    while (rows.firstChild) rows.removeChild(rows.firstChild);
    (data.horaires || []).forEach(function (d) {
      var tr = document.createElement("tr"), th = document.createElement("th"), td = document.createElement("td");
      th.scope = "row"; th.textContent = d.jour; td.textContent = d.heures;
      tr.appendChild(th); tr.appendChild(td); rows.appendChild(tr);
    });
    table.hidden = !(data.horaires && data.horaires.length);
    err.textContent = data.erreur_horaires || "";
    err.hidden = !data.erreur_horaires;
  }
  // Answers may come back out of order: only the latest request's counts.
  var asked = 0;
  function refresh() {
    var fields = {};
    if (body) fields._body = body.value;
    if (hours) fields.horaires_accueil = hours.value;
    var mine = ++asked;
    post(previewURL, fields).then(function (data) {
      if (mine !== asked) return;
      if (body && section && target) {
        target.innerHTML = data.html; // sanitised by the server
        section.hidden = false;
      }
      showHours(data);
    }).catch(function () { /* the preview button still works */ });
  }
  if (previewURL) {
    var later = debounce(refresh, 400);
    if (body) body.addEventListener("input", later);
    if (hours) hours.addEventListener("input", later);
  }

  // The commune combobox (app.js) says which commune was chosen.
  var commune = document.getElementById("commune");
  function set(id, value) {
    var el = document.getElementById(id);
    if (el && value !== undefined && value !== null) el.value = String(value);
  }
  if (commune) {
    commune.addEventListener("commune-choisie", function (ev) {
      var c = ev.detail;
      if (!c) return;
      commune.value = c.nom;
      var cp = document.getElementById("champ-code_postal");
      if (cp && (c.codes_postaux || []).indexOf(cp.value) < 0) set("champ-code_postal", (c.codes_postaux || [""])[0]);
      set("champ-code_insee", c.code_insee);
      if (c.latitude || c.longitude) {
        set("champ-latitude", Math.round(c.latitude * 1e5) / 1e5);
        set("champ-longitude", Math.round(c.longitude * 1e5) / 1e5);
      }
    });
  }

  // Who else has the page open, every 15 seconds.
  var presenceURL = form.getAttribute("data-presence");
  var notice = document.getElementById("presence");
  var beating;
  function beat() {
    post(presenceURL, {}).then(function (data) {
      var others = data.autres || [];
      notice.textContent = others.length ? notice.getAttribute("data-modele").replace("%s", others.join(", ")) : "";
      notice.hidden = !others.length;
    }).catch(function (e) {
      // Signed out, rights lost, page renamed or deleted: stop asking.
      // Network errors keep the last notice and try again.
      if (/^4\d\d$/.test(e.message)) clearInterval(beating);
    });
  }
  if (presenceURL && notice) {
    beat();
    beating = setInterval(beat, 15000);
  }
})();
