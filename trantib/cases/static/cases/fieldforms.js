/* Trantib step forms in the field (Leaflet, vendored with the complaint pages): a location's
   map picker with "Gunakan lokasi saya" (the device's accuracy is kept), a photo's own time
   and the device's place sent with it, a calendar beside typed dates. Configured by data-
   attributes; without JavaScript every input still works (address, lintang, bujur, typed
   dates). Loaded once per form; the guard keeps a page with several forms to one start. */
(function () {
  "use strict";
  if (window.trantibFieldForms) { return; }
  window.trantibFieldForms = true;

  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember"];

  // After this many tiles fail to load the map stops asking (as the complaint maps do).
  var TILE_ERRORS_BEFORE_OFFLINE = 3;

  function fixed(n) { return (Math.round(n * 1e6) / 1e6).toFixed(6); }

  function mapPicker(el) {
    var latInput = document.getElementById(el.dataset.latInput);
    var lonInput = document.getElementById(el.dataset.lonInput);
    var accuracyInput = document.getElementById(el.dataset.accuracyInput);
    var readout = document.getElementById(el.dataset.readout);
    var map = L.map(el, { scrollWheelZoom: false, maxZoom: 19 })
      .setView([parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)], parseInt(el.dataset.zoom, 10) || 5);
    // The unit's outline (GeoJSON): drawn over the tiles, and all there is to see without them.
    var outline = null;
    if (el.dataset.outline) {
      try {
        outline = L.geoJSON(JSON.parse(el.dataset.outline), {
          interactive: false,
          style: { color: "#1d4ed8", weight: 2, dashArray: "6 4", fillColor: "#1d4ed8", fillOpacity: 0.06 }
        }).addTo(map);
      } catch (err) { outline = null; }
    }
    var marker = null, circle = null;

    function say(text) { if (readout) { readout.textContent = text; } }

    function offline() {
      // No tiles (none configured, or the tile server unreachable): say so, show the outline.
      el.classList.add("no-tiles");
      var notice = document.getElementById(el.id + "-offline");
      if (notice) { notice.hidden = false; }
      if (outline && marker === null) { map.fitBounds(outline.getBounds(), { padding: [12, 12] }); }
    }

    if (outline && !latInput.value && parseInt(el.dataset.zoom, 10) <= 5) {
      map.fitBounds(outline.getBounds(), { padding: [12, 12] });  // the unit, not all Indonesia
    }
    if (el.dataset.tiles) {
      // The attribution belongs to the tile layer and goes with it.
      var tiles = L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" });
      var errors = 0;
      tiles.on("tileerror", function () {
        errors += 1;
        if (errors === TILE_ERRORS_BEFORE_OFFLINE) { map.removeLayer(tiles); offline(); }
      });
      tiles.addTo(map);
    } else {
      offline();
    }

    function put(latlng, accuracy) {
      latInput.value = fixed(latlng.lat);
      lonInput.value = fixed(latlng.lng);
      // A point set by hand has no device accuracy; one from the device keeps it.
      accuracyInput.value = accuracy === null ? "" : String(Math.round(accuracy * 10) / 10);
      if (marker === null) {
        marker = L.marker(latlng, { draggable: true, keyboard: true }).addTo(map);
        marker.on("dragend", function () { put(marker.getLatLng(), null); });
      } else {
        marker.setLatLng(latlng);
      }
      if (circle !== null) { map.removeLayer(circle); circle = null; }
      if (accuracy !== null) { circle = L.circle(latlng, { radius: accuracy, weight: 1 }).addTo(map); }
      var text = readout.dataset.set + ": " + latInput.value + ", " + lonInput.value;
      if (accuracy !== null) { text += " (" + readout.dataset.accuracy.replace("%(m)s", Math.round(accuracy)) + ")"; }
      say(text);
    }

    function fromInputs() {
      var lat = parseFloat(latInput.value.replace(",", ".")), lon = parseFloat(lonInput.value.replace(",", "."));
      if (isFinite(lat) && isFinite(lon)) {
        var acc = parseFloat(accuracyInput.value);
        put(L.latLng(lat, lon), isFinite(acc) ? acc : null);
        map.setView([lat, lon], Math.max(map.getZoom(), 15));
      }
    }

    if (latInput.value && lonInput.value) { fromInputs(); }
    else if (!el.dataset.tiles) { say(readout.dataset.empty + " " + readout.dataset.noTiles); }
    map.on("click", function (e) { put(e.latlng, null); });
    [latInput, lonInput].forEach(function (input) {
      input.addEventListener("change", function () { accuracyInput.value = ""; fromInputs(); });
    });

    var locate = document.querySelector('[data-field-locate="' + el.id + '"]');
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
              put(here, pos.coords.accuracy);
            },
            function () { say(readout.dataset.denied); },
            { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
          );
        });
      }
    }
  }

  // A chosen photo: its own time (lastModified) per file, and where the device is now.
  function photoMeta(input) {
    var box = document.querySelector('[data-photo-meta-for="' + input.dataset.photoMeta + '"]');
    if (!box) { return; }
    input.addEventListener("change", function () {
      box.querySelectorAll(".taken-at").forEach(function (node) { node.remove(); });
      Array.prototype.forEach.call(input.files || [], function (file) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.className = "taken-at";
        hidden.name = input.dataset.photoMeta + ".taken_at";
        hidden.value = file.lastModified ? String(file.lastModified) : "";
        box.appendChild(hidden);
      });
      if (!("geolocation" in navigator) || !(input.files || []).length) { return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        var name = input.dataset.photoMeta;
        box.querySelector('[name="' + name + '.taken_lat"]').value = fixed(pos.coords.latitude);
        box.querySelector('[name="' + name + '.taken_lon"]').value = fixed(pos.coords.longitude);
        box.querySelector('[name="' + name + '.taken_accuracy"]').value = String(Math.round(pos.coords.accuracy * 10) / 10);
      }, function () { /* not permitted: the photo goes without a place */ },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 120000 });
    });
  }

  // The calendar beside a typed date writes the date the Indonesian way into the text input.
  function datePick(picker) {
    var target = document.getElementById(picker.dataset.dateFor);
    if (!target) { return; }
    picker.addEventListener("change", function () {
      var m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(picker.value);
      if (!m) { return; }
      var text = parseInt(m[3], 10) + " " + MONTHS[parseInt(m[2], 10) - 1] + " " + m[1];
      if (m[4]) { text += " " + m[4] + "." + m[5]; }
      target.value = text;
      target.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function start() {
    document.querySelectorAll(".field-map, .date-pick").forEach(function (node) { node.classList.add("js-on"); });
    document.querySelectorAll("[data-photo-meta]").forEach(photoMeta);
    document.querySelectorAll(".date-pick").forEach(datePick);
    if (typeof L === "undefined") {
      document.querySelectorAll(".field-map").forEach(function (node) { node.classList.remove("js-on"); });
      return;
    }
    document.querySelectorAll("[data-field-map]").forEach(mapPicker);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
