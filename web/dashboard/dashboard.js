// The dashboard's charts: requests and tokens over time, drawn with uPlot from /dashboard/data.json.
// No framework and no build step; the page itself is rendered (and escaped) on the server.
(function () {
  'use strict';
  var holder = document.getElementById('dashboard-data');
  if (!holder || typeof uPlot === 'undefined') return;

  function draw(el, data, label, color) {
    var xs = data.series.map(function (b) { return b.start / 1000; });
    var ys = data.series.map(function (b) { return b[el.getAttribute('data-series')]; });
    var width = Math.max(280, el.clientWidth || 560);
    var opts = {
      width: width,
      height: 220,
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.1]; } } },
      series: [{}, { label: label, stroke: color, fill: color + '33', width: 2, points: { show: xs.length < 60 } }],
      axes: [{}, { size: 60 }],
      legend: { show: true },
    };
    el.textContent = '';
    if (xs.length === 0) {
      el.textContent = 'No data in this range.';
      return;
    }
    return new uPlot(opts, [xs, ys], el);
  }

  fetch(holder.getAttribute('data-src'), { credentials: 'same-origin', headers: { accept: 'application/json' } })
    .then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    })
    .then(function (data) {
      var charts = [
        draw(document.getElementById('chart-requests'), data, 'Requests', '#2563eb'),
        draw(document.getElementById('chart-tokens'), data, 'Tokens', '#16a34a'),
      ];
      document.body.setAttribute('data-charts', 'ready');
      window.addEventListener('resize', function () {
        charts.forEach(function (c) {
          if (c) c.setSize({ width: Math.max(280, c.root.parentNode.clientWidth), height: 220 });
        });
      });
    })
    .catch(function (err) {
      document.querySelectorAll('.chart').forEach(function (el) {
        el.textContent = 'The chart data could not be loaded (' + err.message + '). Reload the page.';
      });
      document.body.setAttribute('data-charts', 'failed');
    });
})();
