// aiguillage — the map of a service or of search results. The page shows
// the address (and the distance, in results) without it; this script only
// fills the #carte box from the JSON of #carte-donnees, once Leaflet is
// loaded. Texts come from the data: nothing here is written as HTML.
(function () {
  "use strict";
  var box = document.getElementById("carte");
  var source = document.getElementById("carte-donnees");
  if (!box || !source || !window.L) return;
  var data;
  try { data = JSON.parse(source.textContent); } catch (e) { return; }
  var points = (data.points || []).filter(function (p) { return isFinite(p.lat) && isFinite(p.lon); });
  if (!points.length || !data.tuiles) return;

  function escape(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  // Leaflet writes attributions as HTML: build it from escaped text.
  var credit = escape(data.attribution || "");
  if (data.lien_attribution) credit = '<a href="' + escape(data.lien_attribution) + '">' + credit + "</a>";

  box.hidden = false;
  var map = L.map(box, { scrollWheelZoom: false, zoomControl: false });
  L.control.zoom({ zoomInTitle: data.zoom_avant || "+", zoomOutTitle: data.zoom_arriere || "-" }).addTo(map);
  L.tileLayer(data.tuiles, { maxZoom: 19, attribution: credit }).addTo(map);
  // A keyboard user who opens a popup lands on its link; Escape closes it
  // and brings the focus back to the marker, as for any disclosure.
  function keyboardPopup(marker, link) {
    marker.on("popupopen", function () { link.focus(); });
    link.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      e.preventDefault();
      marker.closePopup();
      var icon = marker.getElement();
      if (icon) icon.focus();
    });
  }
  var bounds = [];
  points.forEach(function (p) {
    // A marker is a control only when it opens a link.
    var marker = L.marker([p.lat, p.lon], { title: p.nom, alt: p.nom, interactive: !!p.url, keyboard: !!p.url }).addTo(map);
    if (p.url) {
      var a = document.createElement("a");
      a.href = p.url;
      a.textContent = p.nom;
      marker.bindPopup(a);
      keyboardPopup(marker, a);
    }
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length === 1) map.setView(bounds[0], 16);
  else map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
})();
