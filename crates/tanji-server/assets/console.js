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

  // ECharts measures each label once and keeps the width it found (zrender caches text widths by font). Measured in
  // a fallback font before the web font has arrived, a Chinese label is wider when drawn than the room the chart
  // made for it and is clipped at the chart's left edge ("活垃圾焚烧)"). So charts are first drawn once the chart
  // font has loaded — or failed to, or after two seconds, so that a missing font never hides a chart.
  var chartFontLoading = null;
  function withChartFont(callback) {
    if (!chartFontLoading) {
      var fonts = document.fonts;
      chartFontLoading = !fonts || !fonts.load
        ? Promise.resolve()
        : Promise.race([
          Promise.all([
            fonts.load('400 12px "Noto Sans SC Subset"', "碳足迹"),
            fonts.load('700 12px "Noto Sans SC Subset"', "碳足迹"),
          ]).then(function () { return fonts.ready; }),
          new Promise(function (resolve) { window.setTimeout(resolve, 2000); }),
        ]).catch(function () { return null; });
    }
    chartFontLoading.then(callback);
  }

  function drawCharts(root) {
    var elements = root.querySelectorAll("[data-chart]");
    if (!elements.length) { return; }
    withChartFont(function () { withEcharts(function (echarts) {
      elements.forEach(function (element) {
        if (element.getAttribute("data-drawn")) { return; }
        var source = document.getElementById(element.getAttribute("data-chart"));
        if (!source) { return; }
        var chart = echarts.init(element, null, { renderer: "svg" });
        chart.setOption(JSON.parse(source.textContent));
        element.setAttribute("data-drawn", "true");
      });
    }); });
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

  // Wide tables: a container that scrolls sideways is marked (the CSS then shows shadows at the hidden edges and a
  // line saying so), and the marks follow the scroll position and the window's width.
  function markTableOverflow(root) {
    var cue = document.body.getAttribute("data-scroll-cue") || "";
    (root.querySelectorAll ? root : document).querySelectorAll(".table-wrap").forEach(function (wrap) {
      var overflowing = wrap.scrollWidth > wrap.clientWidth + 1;
      if (overflowing) {
        wrap.setAttribute("data-overflowing", "true");
        wrap.setAttribute("data-scroll-cue", cue);
        wrap.toggleAttribute("data-scrolled-start", wrap.scrollLeft > 1);
        wrap.toggleAttribute("data-scrolled-end", wrap.scrollLeft + wrap.clientWidth >= wrap.scrollWidth - 1);
      } else {
        wrap.removeAttribute("data-overflowing");
      }
      if (!wrap.hasAttribute("data-scroll-watched")) {
        wrap.setAttribute("data-scroll-watched", "true");
        wrap.addEventListener("scroll", function () { markTableOverflow(wrap.parentNode); }, { passive: true });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { markTableOverflow(document); });
  document.addEventListener("htmx:afterSettle", function (event) { markTableOverflow(event.target); });
  window.addEventListener("load", function () { markTableOverflow(document); });

  // The navigation on a phone: one row that scrolls sideways. The ends that hide entries are marked (the CSS shows a
  // fade and an arrow there), and on a new page the current entry is brought into view.
  function markNavigationOverflow(bringCurrentIntoView) {
    var nav = document.querySelector(".sidenav");
    var list = nav && nav.querySelector("ul");
    if (!list) { return; }
    var overflowing = list.scrollWidth > list.clientWidth + 1;
    if (overflowing && bringCurrentIntoView) {
      // Out of sight counts the fades (3rem) at the ends as hidden.
      var current = list.querySelector("[aria-current]");
      var fade = 48;
      if (current) {
        var box = current.getBoundingClientRect();
        var listBox = list.getBoundingClientRect();
        if (box.left < listBox.left + fade || box.right > listBox.right - fade) {
          list.scrollLeft = Math.max(0, list.scrollLeft + box.left - listBox.left - list.clientWidth / 3);
        }
      }
    }
    nav.toggleAttribute("data-more-before", overflowing && list.scrollLeft > 1);
    nav.toggleAttribute("data-more-after", overflowing && list.scrollLeft + list.clientWidth < list.scrollWidth - 1);
    if (!list.hasAttribute("data-scroll-watched")) {
      list.setAttribute("data-scroll-watched", "true");
      list.addEventListener("scroll", function () { markNavigationOverflow(false); }, { passive: true });
    }
  }
  document.addEventListener("DOMContentLoaded", function () { markNavigationOverflow(true); });
  document.addEventListener("htmx:afterSettle", function () { markNavigationOverflow(true); });
  window.addEventListener("load", function () { markNavigationOverflow(true); });

  window.addEventListener("resize", function () {
    markTableOverflow(document);
    markNavigationOverflow(true);
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-drawn]").forEach(function (element) {
      var chart = window.echarts.getInstanceByDom(element);
      if (chart) { chart.resize(); }
    });
  });

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSettle", function (event) { enhance(event.target); });
})();
