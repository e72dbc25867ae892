/* The ladder board's map (Leaflet, vendored): one circle per open enforcement, coloured by its
   rung (the legend under the map names the colours; the list under it says the same in words).
   Without a tile server the map says so and still shows the points. */
(function () {
  "use strict";
  function start() {
    // The legend's colours come from the same data as the circles' (no inline style: CSP).
    document.querySelectorAll(".legend .dot[data-colour]").forEach(function (dot) {
      dot.style.background = dot.dataset.colour;
    });
    var el = document.getElementById("ladder-map");
    if (!el || typeof L === "undefined") { return; }
    var data = JSON.parse(document.getElementById(el.dataset.points).textContent);
    var map = L.map(el, { scrollWheelZoom: false, maxZoom: 19 })
      .setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], 13);
    if (el.dataset.outline) {
      try {
        L.geoJSON(JSON.parse(el.dataset.outline), {
          interactive: false,
          style: { color: "#1d4ed8", weight: 2, dashArray: "6 4", fillColor: "#1d4ed8", fillOpacity: 0.05 }
        }).addTo(map);
      } catch (err) { /* a bad outline only loses the background */ }
    }
    if (el.dataset.tiles) {
      var errors = 0;
      var tiles = L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" });
      tiles.on("tileerror", function () {
        errors += 1;
        if (errors === 3) { map.removeLayer(tiles); offline(); }
      });
      tiles.addTo(map);
    } else { offline(); }
    function offline() {
      el.classList.add("no-tiles");
      var notice = document.getElementById(el.id + "-offline");
      if (notice) { notice.hidden = false; }
    }
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var p = feature.properties;
        return L.circleMarker(latlng, {
          radius: 9, color: p.overdue ? "#111827" : "#ffffff", weight: p.overdue ? 3 : 2,
          fillColor: p.colour, fillOpacity: 0.9
        });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties;
        var box = document.createElement("div");
        var link = document.createElement("a");
        link.href = p.url; link.textContent = p.name;
        box.appendChild(link);
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(p.rung_label + (p.overdue ? " · " + el.dataset.overdue : "")));
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(p.case));
        marker.bindPopup(box);
      }
    }).addTo(map);
    if (data.features.length) { map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 16 }); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
