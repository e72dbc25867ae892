/* Trantib complaint maps (Leaflet, vendored): a point picker on the report forms, one point on
   the complaint page, clustered open complaints on the staff map. Everything is configured by
   data- attributes; without JavaScript the forms still work (the typed address). When no tile
   server is configured (data-tiles empty) or its tiles fail to load, the map says so and shows
   the units' outlines (data-outline, GeoJSON) as its background: the markers still work. */
(function () {
  "use strict";

  // After this many tiles fail to load (no internet, the tile server unreachable) the map stops
  // asking: it says so and shows the units' outlines instead of a grey box.
  var TILE_ERRORS_BEFORE_OFFLINE = 3;

  function offline(el, map, outline) {
    el.classList.add("no-tiles");
    el.dataset.tiles = "";
    var notice = document.getElementById(el.id + "-offline");
    if (notice) { notice.hidden = false; }
    if (outline && el.dataset.map !== "point") {
      // The unit around the map's centre, else every outline shown.
      var centre = map.getCenter(), bounds = outline.getBounds();
      outline.eachLayer(function (layer) {
        if (layer.getBounds().contains(centre)) { bounds = layer.getBounds(); }
      });
      map.fitBounds(bounds, { padding: [20, 20] });
    }
  }

  function baseMap(el) {
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
    var map = L.map(el, { scrollWheelZoom: false, maxZoom: 19 }).setView([lat, lon], 15);
    var outline = null;
    if (el.dataset.outline) {
      try {
        outline = L.geoJSON(JSON.parse(el.dataset.outline), {
          interactive: false,
          style: { color: "#1d4ed8", weight: 2, dashArray: "6 4", fillColor: "#1d4ed8", fillOpacity: 0.06 }
        }).addTo(map);
      } catch (err) { outline = null; }
    }
    if (el.dataset.tiles) {
      // The attribution belongs to the tile layer: it goes when the layer does, so the map never
      // credits a tile server it shows nothing of.
      var tiles = L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" });
      var errors = 0;
      tiles.on("tileerror", function () {
        errors += 1;
        if (errors === TILE_ERRORS_BEFORE_OFFLINE) {
          map.removeLayer(tiles);
          offline(el, map, outline);
        }
      });
      tiles.addTo(map);
    } else {
      offline(el, map, outline);
    }
    map.trantibOutline = outline;
    return map;
  }

  function fixed(n) { return (Math.round(n * 1e6) / 1e6).toFixed(6); }

  function picker(el) {
    var latInput = document.getElementById(el.dataset.latInput);
    var lonInput = document.getElementById(el.dataset.lonInput);
    var readout = document.getElementById(el.dataset.readout);
    var map = baseMap(el);
    var marker = null;

    function say(text) { if (readout) { readout.textContent = text; } }

    function put(latlng, pan) {
      latInput.value = fixed(latlng.lat);
      lonInput.value = fixed(latlng.lng);
      if (marker === null) {
        marker = L.marker(latlng, { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () { put(marker.getLatLng(), false); });
      } else {
        marker.setLatLng(latlng);
      }
      if (pan) { map.panTo(latlng); }
      say(readout.dataset.set + ": " + latInput.value + ", " + lonInput.value);
      el.dispatchEvent(new CustomEvent("trantib:point", { bubbles: true }));
    }

    function clear() {
      latInput.value = "";
      lonInput.value = "";
      if (marker !== null) { map.removeLayer(marker); marker = null; }
      say(readout.dataset.empty);
    }

    // A form sent back with an error keeps the point the reporter had picked.
    if (latInput.value && lonInput.value) {
      put(L.latLng(parseFloat(latInput.value), parseFloat(lonInput.value)), true);
    }
    map.on("click", function (e) { put(e.latlng, false); });

    var locate = document.querySelector('[data-map-locate="' + el.id + '"]');
    if (locate) {
      if (!("geolocation" in navigator)) {
        locate.hidden = true;
      } else {
        locate.addEventListener("click", function () {
          say(readout.dataset.locating);
          navigator.geolocation.getCurrentPosition(
            function (pos) {
              var here = L.latLng(pos.coords.latitude, pos.coords.longitude);
              map.setView(here, 17);
              put(here, false);
            },
            function () { say(readout.dataset.denied); },
            { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
          );
        });
      }
    }
    var clearButton = document.querySelector('[data-map-clear="' + el.id + '"]');
    if (clearButton) { clearButton.addEventListener("click", clear); }
  }

  function point(el) {
    var map = baseMap(el);
    L.marker([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], { keyboard: false }).addTo(map);
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span.innerHTML;
  }

  function cluster(el) {
    var map = baseMap(el);
    map.setZoom(13);
    var group = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    map.addLayer(group);
    var count = document.getElementById(el.dataset.count);
    fetch(el.dataset.geojson, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          onEachFeature: function (feature, marker) {
            var p = feature.properties;
            marker.bindPopup(
              '<a class="code" href="' + text(p.url) + '">' + text(p.tracking) + "</a><br>" +
              text(p.category) + "<br><span class=\"muted\">" + text(p.number) + "</span>"
            );
          }
        });
        group.addLayer(layer);
        var n = (data.features || []).length;
        if (n > 0) {
          var bounds = group.getBounds();
          // Without tiles the outline is the only landmark: keep it in view with the markers.
          if (el.classList.contains("no-tiles") && map.trantibOutline) {
            bounds.extend(map.trantibOutline.getBounds());
          }
          map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
        }
        if (count) { count.textContent = el.dataset.countText.replace("%(n)s", String(n)); }
        el.dataset.loaded = String(n);
      })
      .catch(function () { el.dataset.loaded = "error"; });
  }

  function start() {
    document.querySelectorAll(".js-only").forEach(function (node) { node.classList.add("js-on"); });
    document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    if (typeof L === "undefined") { return; }
    document.querySelectorAll('[data-map="picker"]').forEach(picker);
    document.querySelectorAll('[data-map="point"]').forEach(point);
    document.querySelectorAll('[data-map="cluster"]').forEach(cluster);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
