/* Results dashboard: draws the plotly charts from the JSON in #results-data.
   Every chart has a table with the same numbers on the page; lines and bars differ by
   marker, dash and pattern as well as colour. */
(function () {
  "use strict";
  var source = document.getElementById("results-data");
  if (!source || !window.Plotly) { return; }
  var data = JSON.parse(source.textContent);
  var labels = data.labels;
  var CURRENT = "#154273";
  var DESIRED = "#a34700";
  var config = { displayModeBar: false, responsive: true, locale: "nl" };
  // Narrow (phone) layouts: codes for long names, smaller margins and type. Set again
  // when the window crosses the breakpoint, and the charts are drawn anew (below).
  var media = window.matchMedia("(max-width: 600px)");
  var narrow, font;
  function measure() {
    narrow = media.matches;
    font = { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: narrow ? 11 : 13, color: "#212529" };
  }
  measure();

  function layout(extra) {
    var base = {
      font: font, separators: ",.", paper_bgcolor: "#fff", plot_bgcolor: "#fff",
      margin: { l: 10, r: 10, t: 10, b: 10 },
      legend: { orientation: "h", x: 0, y: -0.12 }
    };
    return Object.assign(base, extra);
  }

  function closed(values) { return values.concat(values.slice(0, 1)); }

  function radar() {
    var el = document.getElementById("chart-radar");
    if (!el) { return; }
    var axes = closed(narrow ? data.codes : data.factors);
    var hover = closed(data.factors);
    Plotly.newPlot(el, [
      {
        type: "scatterpolar", name: labels.current, r: closed(data.current), theta: axes,
        customdata: hover, hovertemplate: "%{customdata}: %{r:.1f}<extra></extra>",
        mode: "lines+markers", fill: "toself", fillcolor: "rgba(21, 66, 115, 0.15)",
        line: { color: CURRENT, width: 3 }, marker: { symbol: "circle", size: 8 }
      },
      {
        type: "scatterpolar", name: labels.desired, r: closed(data.desired), theta: axes,
        customdata: hover, hovertemplate: "%{customdata}: %{r:.1f}<extra></extra>",
        mode: "lines+markers", line: { color: DESIRED, width: 2, dash: "dash" },
        marker: { symbol: "diamond", size: 9 }
      }
    ], layout({
      polar: { radialaxis: { range: [0, 5], dtick: 1, angle: 75, tickfont: { size: 10, color: "#495057" } },
               angularaxis: { direction: "clockwise", rotation: 90 } },
      margin: { l: narrow ? 30 : 120, r: narrow ? 30 : 120, t: 30, b: 30 },
      legend: { orientation: "h", x: 0, y: -0.08 }
    }), config);
  }

  function bars() {
    var el = document.getElementById("chart-tracks");
    if (!el) { return; }
    var names = data.tracks.slice().reverse();
    function trace(name, values, color, pattern) {
      return {
        type: "bar", orientation: "h", name: name, y: names, x: values.slice().reverse(),
        text: values.slice().reverse().map(function (v) { return v === null ? "–" : v.toFixed(1).replace(".", ","); }),
        textposition: "outside", cliponaxis: false, hoverinfo: "skip",
        marker: { color: color, line: { color: color, width: 1 }, pattern: pattern }
      };
    }
    Plotly.newPlot(el, [
      trace(labels.desired, data.track_desired, DESIRED, { shape: "/", fgcolor: "#fff", bgcolor: DESIRED, solidity: 0.3 }),
      trace(labels.current, data.track_current, CURRENT, { shape: "" })
    ], layout({
      barmode: "group", xaxis: { range: [0, 5.6], dtick: 1, title: { text: labels.score } },
      yaxis: { automargin: true }, margin: { l: 10, r: 10, t: 10, b: 40 },
      legend: { orientation: "h", x: 0, y: -0.35, traceorder: "reversed" }
    }), config);
  }

  function heatmap() {
    var el = document.getElementById("chart-layers");
    if (!el || !data.layers.length) { return; }
    var rows = (narrow ? data.codes : data.factors).slice().reverse();
    var z = data.heatmap.slice().reverse();
    el.style.height = Math.max(320, 34 * rows.length + 80) + "px";
    Plotly.newPlot(el, [{
      type: "heatmap", x: data.layers, y: rows, z: z, zmin: 0, zmax: 5,
      colorscale: [[0, "#f7fbff"], [0.5, "#c6dbef"], [1, "#6baed6"]],
      texttemplate: "%{z:.1f}", textfont: { color: "#000", size: narrow ? 10 : 13 },
      hovertemplate: "%{y} · %{x}: %{z:.1f}<extra></extra>", xgap: 2, ygap: 2,
      colorbar: { title: { text: labels.score }, thickness: 12 }, showscale: !narrow
    }], layout({
      xaxis: { side: "top", automargin: true, tickangle: narrow ? -45 : 0 },
      yaxis: { automargin: true }, margin: { l: 10, r: 10, t: 40, b: 10 }
    }), config);
  }

  function trend() {
    var el = document.getElementById("chart-trend");
    if (!el || !data.trend) { return; }
    // One group of bars per track (and the total), one bar per measurement: the oldest
    // light and hatched, the newest solid.
    var patterns = ["/", ".", "x", "-", "+"];
    var greys = ["#adb5bd", "#6c757d", "#495057", "#343a40"];
    var count = data.trend.names.length;
    var categories = data.trend.series.map(function (s) { return s.name; }).reverse();
    // Horizontal bars, like the tracks chart: long track names stay readable on a phone.
    var traces = data.trend.names.map(function (name, index) {
      var newest = index === count - 1;
      var colour = newest ? CURRENT : greys[index % greys.length];
      var values = data.trend.series.map(function (s) { return s.values[index]; }).reverse();
      return {
        type: "bar", orientation: "h", name: name, y: categories, x: values,
        text: values.map(function (v) { return v === null ? "–" : v.toFixed(1).replace(".", ","); }),
        textposition: "outside", cliponaxis: false, hoverinfo: "skip",
        marker: { color: colour, line: { color: newest ? CURRENT : "#343a40", width: 1 },
                  pattern: newest ? { shape: "" } : { shape: patterns[index % patterns.length], fgcolor: "#212529", solidity: 0.25 } }
      };
    });
    el.style.height = Math.max(320, categories.length * (18 * count + 16) + 110) + "px";
    Plotly.newPlot(el, traces, layout({
      barmode: "group", xaxis: { range: [0, 5.6], dtick: 1, title: { text: labels.score } },
      yaxis: { type: "category", automargin: true }, margin: { l: 10, r: 10, t: 10, b: 40 },
      legend: { orientation: "h", x: 0, y: -0.18, traceorder: "reversed" }
    }), config);
  }

  function drawAll() {
    radar();
    bars();
    heatmap();
    trend();
  }
  drawAll();

  // Charts follow their box when the window is resized: plotly's `responsive` only
  // listens to the window, so a resize observer also catches a box that changes with
  // the layout; and crossing the phone breakpoint redraws with the narrow layout
  // (a desktop window narrowed to 375 px otherwise keeps its 120 px radar margins).
  var charts = Array.prototype.slice.call(document.querySelectorAll(".chart"));
  var pending = false;
  function resizeAll() {
    pending = false;
    charts.forEach(function (el) {
      if (el.data && el.offsetParent !== null) { Plotly.Plots.resize(el); }
    });
  }
  if (window.ResizeObserver) {
    var observer = new ResizeObserver(function () {
      if (!pending) { pending = true; window.requestAnimationFrame(resizeAll); }
    });
    charts.forEach(function (el) { observer.observe(el); });
  }
  function onBreakpoint() {
    measure();
    drawAll();
  }
  if (media.addEventListener) { media.addEventListener("change", onBreakpoint); }
  else if (media.addListener) { media.addListener(onBreakpoint); }
}());
