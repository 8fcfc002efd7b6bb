// The energy live view: readings stored from MQTT or the REST API arrive as server-sent events and update each
// meter's latest value, time, count and sparkline without reloading the page. The server sends only the viewer's
// organisation's readings; this file only draws them.
(function () {
  "use strict";
  var SPARKLINE_READINGS = 30, WIDTH = 120, HEIGHT = 28;

  function localTime(iso, offsetMinutes) {
    var date = new Date(Date.parse(iso) + offsetMinutes * 60000);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getUTCFullYear() + "-" + two(date.getUTCMonth() + 1) + "-" + two(date.getUTCDate()) + " " +
      two(date.getUTCHours()) + ":" + two(date.getUTCMinutes());
  }

  function points(values) {
    if (!values.length) { return ""; }
    var low = Math.min.apply(null, values), high = Math.max.apply(null, values);
    var step = values.length > 1 ? WIDTH / (values.length - 1) : 0;
    return values.map(function (value, index) {
      var y = high > low ? HEIGHT - (value - low) / (high - low) * (HEIGHT - 2) - 1 : HEIGHT / 2;
      return (index * step).toFixed(1) + "," + y.toFixed(1);
    }).join(" ");
  }

  function apply(row, reading) {
    var lastTs = row.getAttribute("data-last-ts");
    if (lastTs && Date.parse(reading.ts) <= Date.parse(lastTs)) { return; }
    var multiplier = parseFloat(row.getAttribute("data-multiplier")) || 1;
    var values = JSON.parse(row.getAttribute("data-values") || "[]");
    if (row.getAttribute("data-register") === "interval") {
      values.push(reading.value * multiplier);
    } else {
      var lastRaw = row.getAttribute("data-last-raw");
      if (lastRaw !== "") { values.push(Math.max(0, (reading.value - parseFloat(lastRaw)) * multiplier)); }
    }
    if (values.length > SPARKLINE_READINGS) { values = values.slice(values.length - SPARKLINE_READINGS); }
    row.setAttribute("data-values", JSON.stringify(values));
    row.setAttribute("data-last-ts", reading.ts);
    row.setAttribute("data-last-raw", String(reading.value));
    row.querySelector("[data-field=value]").textContent = String(reading.value);
    row.querySelector("[data-field=time]").textContent =
      localTime(reading.ts, parseInt(row.getAttribute("data-offset"), 10) || 0);
    var count = row.querySelector("[data-field=count]");
    count.textContent = String((parseInt(count.textContent, 10) || 0) + 1);
    row.querySelector("polyline").setAttribute("points", points(values));
    row.classList.remove("live-flash");
    void row.offsetWidth;
    row.classList.add("live-flash");
  }

  function start() {
    var section = document.querySelector("[data-live-stream]");
    if (!section || section.getAttribute("data-live-started")) { return; }
    section.setAttribute("data-live-started", "true");
    var status = section.querySelector("[data-live-status]");
    var source = new EventSource(section.getAttribute("data-live-stream"));
    function say(name) { if (status) { status.textContent = section.getAttribute("data-text-" + name); } }
    source.onopen = function () { say("connected"); section.setAttribute("data-live-connected", "true"); };
    source.onerror = function () { say("disconnected"); };
    source.addEventListener("readings", function (event) {
      // Left the page (htmx navigation): stop listening.
      if (!document.body.contains(section)) { source.close(); return; }
      JSON.parse(event.data).forEach(function (reading) {
        var row = section.querySelector('tr[data-meter="' + CSS.escape(reading.meter) + '"]');
        if (row) { apply(row, reading); }
      });
    });
    document.addEventListener("htmx:beforeSwap", function () { source.close(); }, { once: true });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  document.addEventListener("htmx:load", start);
})();
