// aiguillage — small progressive enhancements. Every page works without
// this file: it only adds commune suggestions while typing.
(function () {
  "use strict";
  var input = document.getElementById("commune");
  var list = document.getElementById("communes-suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null, last = "";
  input.addEventListener("input", function () {
    var q = input.value.trim();
    if (q.length < 2 || q === last) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      last = q;
      fetch("/api/v1/communes?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { communes: [] }; })
        .then(function (data) {
          while (list.firstChild) list.removeChild(list.firstChild);
          (data.communes || []).forEach(function (c) {
            var opt = document.createElement("option");
            opt.value = c.label;
            list.appendChild(opt);
          });
        })
        .catch(function () { /* suggestions are a convenience: stay silent */ });
    }, 150);
  });
})();
