// The script of report.html (plain browser JavaScript, inlined into the page next to uPlot).
// It reads the chart specs embedded as JSON (reports/html/chart-specs.ts) and draws each with
// uPlot; fault windows are shaded behind the series, as Jepsen's latency plots shade them.
// When done it sets data-charts-rendered on <html>, so a headless browser test can wait for it.
(function () {
  'use strict';

  var FAULT_COLORS = {
    kill: 'rgba(214, 39, 40, 0.16)',
    pause: 'rgba(255, 127, 14, 0.18)',
    partition: 'rgba(148, 103, 189, 0.18)',
    'cut-client': 'rgba(148, 103, 189, 0.18)',
    'clean-restart': 'rgba(140, 86, 75, 0.18)',
    unavailable: 'rgba(214, 39, 40, 0.12)',
  };

  function faultShading(faults) {
    return {
      hooks: {
        drawClear: [
          function (u) {
            if (!faults || !faults.length) return;
            var ctx = u.ctx;
            var box = u.bbox;
            ctx.save();
            ctx.beginPath();
            ctx.rect(box.left, box.top, box.width, box.height);
            ctx.clip();
            for (var i = 0; i < faults.length; i++) {
              var w = faults[i];
              var x0 = u.valToPos(w.start, 'x', true);
              var x1 = u.valToPos(w.end, 'x', true);
              ctx.fillStyle = FAULT_COLORS[w.fault] || 'rgba(127, 127, 127, 0.18)';
              ctx.fillRect(x0, box.top, Math.max(x1 - x0, 2), box.height);
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  function seriesOpts(s) {
    var o = { label: s.label, stroke: s.color, width: 1.5, spanGaps: true, scale: s.axis === 'y2' ? 'y2' : 'y' };
    if (s.style === 'points') {
      o.paths = function () {
        return null;
      };
      o.points = { show: true, size: s.pointSize || 4, width: 1, stroke: s.color, fill: s.color };
    } else if (s.style === 'step') {
      o.paths = uPlot.paths.stepped({ align: 1 });
      o.points = { show: false };
    } else if (s.style === 'bars-left' || s.style === 'bars-right') {
      o.paths = uPlot.paths.bars({ size: [0.35, 60], align: s.style === 'bars-left' ? -1 : 1 });
      o.fill = s.color;
      o.points = { show: false };
    } else {
      o.points = { show: false };
    }
    return o;
  }

  function buildChart(spec, el) {
    var tables = spec.series.map(function (s) {
      return [s.t, s.v];
    });
    var data = tables.length === 1 ? tables[0] : uPlot.join(tables);
    var hasY2 = spec.series.some(function (s) {
      return s.axis === 'y2';
    });
    var scales = {
      x: { time: false },
      y: spec.logY
        ? { distr: 3 }
        : {
            range: function (_u, min, max) {
              return [Math.min(0, min), max > 0 ? max * 1.05 : 1];
            },
          },
    };
    if (spec.xRange)
      scales.x.range = function () {
        return spec.xRange;
      };
    if (spec.xLabels)
      scales.x.range = function () {
        return [-0.5, spec.xLabels.length - 0.5];
      };
    if (hasY2)
      scales.y2 = {
        range: function (_u, _min, max) {
          return [0, max > 0 ? max * 1.1 : 1];
        },
      };
    var xAxis = { label: spec.xLabel };
    if (spec.xTicks) {
      xAxis.splits = function () {
        return spec.xTicks.map(function (t) {
          return t.at;
        });
      };
      xAxis.values = function (_u, splits) {
        return splits.map(function (x) {
          for (var k = 0; k < spec.xTicks.length; k++) if (spec.xTicks[k].at === x) return spec.xTicks[k].label;
          return '';
        });
      };
    }
    if (spec.xLabels) {
      xAxis.splits = function () {
        return spec.xLabels.map(function (_, i) {
          return i;
        });
      };
      xAxis.values = function (_u, splits) {
        return splits.map(function (i) {
          return spec.xLabels[i] || '';
        });
      };
      xAxis.size = 60;
    }
    var axes = [xAxis, { label: spec.yLabel, scale: 'y' }];
    if (hasY2) axes.push({ label: spec.y2Label || '', scale: 'y2', side: 1, grid: { show: false } });
    var opts = {
      title: spec.title,
      width: Math.max(320, el.clientWidth || 640),
      height: 240,
      scales: scales,
      series: [{ label: spec.xLabels ? 'row' : 's' }].concat(spec.series.map(seriesOpts)),
      axes: axes,
      legend: { live: false },
      plugins: [faultShading(spec.faults)],
    };
    return new uPlot(opts, data, el);
  }

  function render() {
    var specs = JSON.parse(document.getElementById('kconform-data').textContent).charts;
    var charts = [];
    for (var i = 0; i < specs.length; i++) {
      var el = document.getElementById('chart-' + specs[i].id);
      if (!el) {
        console.error('kconform report: no element for chart ' + specs[i].id);
        continue;
      }
      try {
        charts.push({ el: el, plot: buildChart(specs[i], el) });
      } catch (err) {
        console.error('kconform report: chart ' + specs[i].id + ' failed: ' + (err && err.stack ? err.stack : err));
      }
    }
    var resizeTimer;
    window.addEventListener('resize', function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () {
        charts.forEach(function (c) {
          c.plot.setSize({ width: Math.max(320, c.el.clientWidth || 640), height: 240 });
        });
      }, 100);
    });
    document.documentElement.setAttribute('data-charts-rendered', String(charts.length));
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', render);
  else render();
})();
