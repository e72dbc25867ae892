/* The operation's places on a map (Leaflet, vendored with the complaints app): one marker per
   place with a map point, named in its popup. Configured by data- attributes; without
   JavaScript (or without points) the list of places above it is all there is. */
(function () {
  "use strict";
  function draw(el) {
    var points = JSON.parse(el.dataset.points || "[]");
    if (!points.length || typeof L === "undefined") { el.hidden = true; return; }
    var map = L.map(el, { scrollWheelZoom: false, maxZoom: 19 });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var group = L.featureGroup();
    points.forEach(function (p) {
      var marker = L.marker([p.lat, p.lon], { keyboard: false });
      var label = document.createElement("span");
      label.textContent = p.name;
      marker.bindPopup(label);
      group.addLayer(marker);
    });
    group.addTo(map);
    map.fitBounds(group.getBounds(), { padding: [30, 30], maxZoom: 17 });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-places-map]").forEach(draw);
  });
})();
