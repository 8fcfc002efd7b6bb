// Progressive enhancement for the tanji console. Every page works without this file; with it, charts draw,
// secrets copy with one click, destructive actions ask first, and the organisation switcher submits on change.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var echartsLoading = null;
  function withEcharts(callback) {
    if (window.echarts) { callback(window.echarts); return; }
    if (!echartsLoading) {
      echartsLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = document.body.getAttribute("data-echarts-src");
        script.onload = function () { resolve(window.echarts); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    echartsLoading.then(callback);
  }

  function drawCharts(root) {
    var elements = root.querySelectorAll("[data-chart]");
    if (!elements.length) { return; }
    withEcharts(function (echarts) {
      elements.forEach(function (element) {
        if (element.getAttribute("data-drawn")) { return; }
        var source = document.getElementById(element.getAttribute("data-chart"));
        if (!source) { return; }
        var chart = echarts.init(element, null, { renderer: "svg" });
        chart.setOption(JSON.parse(source.textContent));
        element.setAttribute("data-drawn", "true");
      });
    });
  }

  function enhance(root) {
    drawCharts(root);
    root.querySelectorAll("[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    // Emission intensity: the total divided by an output or revenue the reader types in.
    root.querySelectorAll("[data-intensity]").forEach(function (box) {
      var totalKg = parseFloat(box.getAttribute("data-intensity"));
      var amount = box.querySelector("[data-intensity-amount]");
      var unit = box.querySelector("[data-intensity-unit]");
      var result = box.querySelector("[data-intensity-result]");
      function update() {
        var value = parseFloat(amount.value);
        if (!(value > 0)) { result.textContent = ""; return; }
        var perUnit = totalKg / 1000 / value;
        result.textContent = perUnit.toPrecision(4) + " t CO2e / " + (unit.value || "unit");
      }
      amount.addEventListener("input", update);
      unit.addEventListener("input", update);
    });
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var text = document.getElementById(button.getAttribute("data-copy")).textContent;
        if (navigator.clipboard) {
          navigator.clipboard.writeText(text).then(function () { button.textContent = "✓"; });
        }
      });
    });
  }

  // Confirm destructive actions. Listening on the document catches forms htmx swaps in later too; running in the
  // capture phase lets a "no" stop the submission before htmx sees it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  window.addEventListener("resize", function () {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-drawn]").forEach(function (element) {
      var chart = window.echarts.getInstanceByDom(element);
      if (chart) { chart.resize(); }
    });
  });

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSettle", function (event) { enhance(event.target); });
})();
