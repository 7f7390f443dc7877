// A stacked bar chart in plain SVG, loaded only by the Usage page. Drawn by hand: one small
// component is less to load and to read than a chart library, and it needs no inline style (the
// CSP forbids it): colours come from the `series-N` classes of style.css.
import { html } from './ui.js';

const W = 640;
const H = 200;
const PAD = { top: 16, right: 8, bottom: 24, left: 48 };
/** Distinct colours in style.css; further series reuse them. */
const COLOURS = 8;

const short = (n) => (n >= 1e6 ? `${+(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${+(n / 1e3).toFixed(1)}k` : String(n));

/**
 * `days`: `[{date, values: {series: number}}]`, oldest first; `series`: the keys to stack, in
 * order. A day whose values are all 0 gets no bar (`g[data-day]` counts the days with data).
 */
export function BarChart({ label, days, series, names = (k) => k }) {
  const totals = days.map((d) => series.reduce((sum, k) => sum + (d.values[k] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = (W - PAD.left - PAD.right) / Math.max(1, days.length);
  const barW = Math.max(2, step * 0.7);
  const y = (v) => ((H - PAD.top - PAD.bottom) * v) / max;
  const labelEvery = Math.ceil(days.length / 10);
  const bar = (d, i) => {
    let top = H - PAD.bottom;
    const x = PAD.left + i * step + (step - barW) / 2;
    const parts = series.map((k, s) => {
      const v = d.values[k] ?? 0;
      if (!v) return null;
      top -= y(v);
      return html`<rect class=${'series-' + (s % COLOURS)} x=${x} y=${top} width=${barW} height=${y(v)} data-series=${k} data-value=${v} />`;
    });
    const tip = [d.date, ...series.filter((k) => d.values[k]).map((k) => `${names(k)}: ${d.values[k]}`)].join('\n');
    return html`<g data-day=${d.date} data-total=${totals[i]}><title>${tip}</title>${parts}</g>`;
  };
  return html`<figure class="chart">
    <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${label}>
      <line class="axis" x1=${PAD.left} x2=${W - PAD.right} y1=${H - PAD.bottom} y2=${H - PAD.bottom} />
      <line class="grid" x1=${PAD.left} x2=${W - PAD.right} y1=${PAD.top} y2=${PAD.top} />
      <text class="tick" x=${PAD.left - 6} y=${PAD.top + 4} text-anchor="end">${short(max)}</text>
      <text class="tick" x=${PAD.left - 6} y=${H - PAD.bottom + 4} text-anchor="end">0</text>
      ${days.map((d, i) => (totals[i] ? bar(d, i) : null))}
      ${days.map((d, i) => (i % labelEvery === 0 || i === days.length - 1
        ? html`<text class="tick" x=${PAD.left + i * step + step / 2} y=${H - 6} text-anchor="middle">${d.date.slice(5)}</text>`
        : null))}
    </svg>
    <figcaption class="legend">${series.map((k, s) => html`<span><i class=${'swatch series-' + (s % COLOURS)}></i>${names(k)}</span>`)}</figcaption>
  </figure>`;
}
