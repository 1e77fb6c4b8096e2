// A line chart in plain SVG: one line per series over a fixed time window, a scale that follows
// the largest value, and nothing else. Less code than a charting library, and nothing to download.

const SVG = 'http://www.w3.org/2000/svg';
const W = 300;
const H = 110;
const TOP = 4;

function node(tag, attrs) {
  const n = document.createElementNS(SVG, tag);
  Object.entries(attrs).forEach(([k, v]) => n.setAttribute(k, v));
  return n;
}

/** A round number at or above v: 1, 2, 5, 10, 20, 50 … */
function ceiling(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((c) => c >= v);
}

function label(v) {
  return v >= 1000 ? `${(v / 1000).toFixed(v >= 10000 ? 0 : 1)}k` : String(Math.round(v * 100) / 100);
}

export class LineChart {
  /** @param svg the chart's <svg> (viewBox 0 0 300 110) */
  constructor(svg, windowMs) {
    this.svg = svg;
    this.windowMs = windowMs;
  }

  /**
   * @param series [{key, color, points: [[timeMs, value|null], …]}]; null leaves a gap
   * @param now the right edge (ms)
   */
  draw(series, now) {
    const from = now - this.windowMs;
    const values = series.flatMap((s) => s.points.filter(([t, v]) => t >= from && v !== null).map(([, v]) => v));
    const max = ceiling(Math.max(0, ...values));
    const x = (t) => ((t - from) / this.windowMs) * W;
    const y = (v) => H - (v / max) * (H - TOP);
    const children = [
      node('line', { x1: 0, y1: TOP, x2: W, y2: TOP, class: 'grid-line' }),
      node('line', { x1: 0, y1: (H + TOP) / 2, x2: W, y2: (H + TOP) / 2, class: 'grid-line' }),
      node('line', { x1: 0, y1: H - 0.5, x2: W, y2: H - 0.5, class: 'axis' }),
    ];
    // The scale is HTML next to the svg: text inside a stretched svg would be stretched too.
    const scale = this.svg.parentElement.querySelector('.scale');
    if (scale) scale.textContent = `max ${label(max)}`;
    series.forEach((s) => {
      // One polyline per unbroken run of values.
      let run = [];
      const flush = () => {
        if (run.length) {
          children.push(node('polyline', {
            points: run.join(' '), stroke: s.color, 'data-series': s.key, class: 'series',
          }));
        }
        run = [];
      };
      s.points.filter(([t]) => t >= from).forEach(([t, v]) => {
        if (v === null) flush();
        else run.push(`${x(t).toFixed(1)},${y(v).toFixed(1)}`);
      });
      flush();
    });
    this.svg.dataset.max = String(max);
    this.svg.replaceChildren(...children);
  }
}
