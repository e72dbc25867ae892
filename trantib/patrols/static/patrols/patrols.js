/* The patrol pages' maps: the daily report's points ("Lokasi saya", or a tap on the map for
   the place last chosen with "Tandai di peta") and a wilayah's outline drawn by tapping its
   corners. Without JavaScript the forms still work: the typed names and coordinates. */
(function () {
  "use strict";

  function fixed(n) { return (Math.round(n * 1e6) / 1e6).toFixed(6); }

  function baseMap(el) {
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
    var map = L.map(el, { scrollWheelZoom: false, maxZoom: 19 }).setView([lat, lon], 14);
    if (el.dataset.outline) {
      try {
        L.geoJSON(JSON.parse(el.dataset.outline), {
          interactive: false,
          style: { color: "#1d4ed8", weight: 2, dashArray: "6 4", fillOpacity: 0.04 }
        }).addTo(map);
      } catch (err) { /* no outline */ }
    }
    if (el.dataset.tiles) {
      var tiles = L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" });
      var errors = 0;
      tiles.on("tileerror", function () { errors += 1; if (errors === 4) { map.removeLayer(tiles); el.classList.add("no-tiles"); } });
      tiles.addTo(map);
    }
    return map;
  }

  function reportMap(el) {
    var map = baseMap(el);
    var readout = document.getElementById("patrol-map-readout");
    var markers = {};
    var active = null;

    function inputs(prefix) {
      return [document.getElementById("id_" + prefix + "-lat"), document.getElementById("id_" + prefix + "-lon")];
    }
    function show(prefix) {
      var io = inputs(prefix);
      if (!io[0] || !io[0].value || !io[1].value) { return; }
      var at = L.latLng(parseFloat(io[0].value), parseFloat(io[1].value));
      if (markers[prefix]) { markers[prefix].setLatLng(at); } else { markers[prefix] = L.marker(at).addTo(map); }
    }
    function set(prefix, lat, lon) {
      var io = inputs(prefix);
      io[0].value = fixed(lat); io[1].value = fixed(lon);
      show(prefix);
    }
    document.querySelectorAll("[data-point]").forEach(function (row) { show(row.dataset.point); });
    document.querySelectorAll("[data-mark]").forEach(function (button) {
      button.addEventListener("click", function () {
        active = button.dataset.mark;
        if (readout) { readout.textContent = readout.dataset.pick + " " + (document.getElementById("id_" + active + "-name") || document.getElementById("id_" + active + "-place")).value; }
        el.scrollIntoView({ behavior: "smooth", block: "center" });
      });
    });
    map.on("click", function (e) {
      if (active) { set(active, e.latlng.lat, e.latlng.lng); }
    });
    document.querySelectorAll("[data-locate]").forEach(function (button) {
      if (!("geolocation" in navigator)) { button.hidden = true; return; }
      button.addEventListener("click", function () {
        var prefix = button.dataset.locate;
        navigator.geolocation.getCurrentPosition(
          function (pos) { set(prefix, pos.coords.latitude, pos.coords.longitude); map.setView([pos.coords.latitude, pos.coords.longitude], 17); },
          function () { if (readout) { readout.textContent = readout.dataset.denied; } },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    });
  }

  function areaMap(el) {
    var map = baseMap(el);
    var target = document.getElementById(el.dataset.target);
    var points = [];
    var shape = null;
    if (el.dataset.areas) {
      try { L.geoJSON(JSON.parse(el.dataset.areas), { interactive: false, style: { color: "#64748b", weight: 1 } }).addTo(map); } catch (err) { /* none */ }
    }
    function draw() {
      if (shape) { map.removeLayer(shape); shape = null; }
      if (points.length >= 1) { shape = L.polygon(points, { color: "#b45309" }).addTo(map); }
      if (points.length >= 3) {
        var ring = points.map(function (p) { return [Number(fixed(p.lng)), Number(fixed(p.lat))]; });
        ring.push(ring[0]);
        target.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      } else {
        target.value = "";
      }
    }
    try {
      var current = JSON.parse(target.value || "null");
      if (current && current.type === "Polygon") {
        points = current.coordinates[0].slice(0, -1).map(function (c) { return L.latLng(c[1], c[0]); });
        draw();
        map.fitBounds(shape.getBounds(), { padding: [20, 20] });
      }
    } catch (err) { points = []; }
    map.on("click", function (e) { points.push(e.latlng); draw(); });
    var clear = document.querySelector('[data-area-clear="' + el.id + '"]');
    if (clear) { clear.addEventListener("click", function () { points = []; draw(); }); }
  }

  function start() {
    document.querySelectorAll(".js-only").forEach(function (node) { node.classList.add("js-on"); });
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-patrol-map]").forEach(reportMap);
    document.querySelectorAll("[data-area-draw]").forEach(areaMap);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
