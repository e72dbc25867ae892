/* The dashboard's map (Leaflet, vendored with the complaint pages): this month's findings and
   complaints as two coloured layers, over the scope's unit outlines. The points are in the page
   (json_script), so nothing is fetched; without a tile server (or when its tiles fail) the map
   says so and the outlines are its background. The figures above the map link to the lists. */
(function () {
  "use strict";
  var COLOURS = { temuan: "#7c3aed", pengaduan: "#0f766e" };

  function start() {
    var el = document.getElementById("dash-map");
    if (!el) { return; }
    el.classList.add("js-on");
    if (typeof L === "undefined") { return; }
    var data = JSON.parse(document.getElementById(el.dataset.points).textContent);
    var map = L.map(el, { scrollWheelZoom: false, maxZoom: 19 }).setView([-2.5, 118.0], 5);
    var outline = null;
    if (el.dataset.outline) {
      try {
        outline = L.geoJSON(JSON.parse(el.dataset.outline), {
          interactive: false,
          style: { color: "#1d4ed8", weight: 2, dashArray: "6 4", fillColor: "#1d4ed8", fillOpacity: 0.05 }
        }).addTo(map);
      } catch (err) { outline = null; }
    }
    function offline() {
      el.classList.add("no-tiles");
      var notice = document.getElementById(el.id + "-offline");
      if (notice) { notice.hidden = false; }
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
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {
          radius: 8, color: "#ffffff", weight: 2,
          fillColor: COLOURS[feature.properties.kind] || "#6b7280", fillOpacity: 0.9
        });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties;
        var box = document.createElement("div");
        var kind = document.createElement("strong");
        kind.textContent = el.dataset[p.kind] || p.kind;
        box.appendChild(kind);
        box.appendChild(document.createElement("br"));
        var link = document.createElement("a");
        link.href = p.url; link.textContent = p.number;
        box.appendChild(link);
        if (p.label) {
          box.appendChild(document.createElement("br"));
          box.appendChild(document.createTextNode(p.label));
        }
        marker.bindPopup(box);
      }
    }).addTo(map);
    var bounds = null;
    if (data.features.length) { bounds = layer.getBounds(); }
    if (outline) {
      bounds = bounds ? bounds.extend(outline.getBounds()) : outline.getBounds();
    }
    if (bounds) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 }); }
    el.dataset.loaded = String(data.features.length);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
