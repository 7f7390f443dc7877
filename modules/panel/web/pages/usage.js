// Usage (README.md#web-panel): tokens and calls per day, rankings by channel and model, and the
// errors, all from one `GET /api/stats/usage?days=N`. The chart code is imported by this page only,
// so the dashboard's first load does not carry it.
import { useState } from 'preact/hooks';
import { html, Empty, Loaded, Section, fmtTime, useLoad } from '../lib/ui.js';
import { get } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { BarChart } from '../lib/chart.js';

const WINDOWS = [7, 30];
/** The newest failed calls listed under Errors. */
const FAILED_SHOWN = 20;

const Stat = ({ label, value, name }) => html`<div class="stat" data-stat=${name}><span class="muted">${label}</span><b>${value}</b></div>`;

/** The series keys of `daily[].byX`, the largest total first. */
function seriesOf(daily, by) {
  const sums = new Map();
  for (const d of daily) for (const [k, v] of Object.entries(d[by])) sums.set(k, (sums.get(k) ?? 0) + v.totalTokens);
  return [...sums].sort((a, b) => b[1] - a[1]).map(([k]) => k);
}

function TokensChart({ daily }) {
  const [by, setBy] = useState('byModel');
  const series = seriesOf(daily, by);
  const days = daily.map((d) => ({ date: d.date, values: Object.fromEntries(Object.entries(d[by]).map(([k, v]) => [k, v.totalTokens])) }));
  return html`<${Section} title=${t('Tokens per day')} actions=${html`<label class="toggle">${t('Stacked by')}
      <select value=${by} onChange=${(e) => setBy(e.target.value)} aria-label=${t('Stacked by')}>
        <option value="byModel">${t('Model')}</option><option value="byChannel">${t('Channel')}</option>
      </select></label>`}>
    <div data-chart="tokens"><${BarChart} label=${t('Tokens per day')} days=${days} series=${series} /></div>
  </${Section}>`;
}

function CallsChart({ daily }) {
  const days = daily.map((d) => ({ date: d.date, values: { success: d.success, failed: d.failed } }));
  const names = (k) => (k === 'success' ? t('Succeeded') : t('Failed'));
  return html`<${Section} title=${t('Calls per day')}>
    <div data-chart="calls"><${BarChart} label=${t('Calls per day')} days=${days} series=${['success', 'failed']} names=${names} /></div>
  </${Section}>`;
}

function Ranking({ title, rows, keyName, label }) {
  return html`<${Section} title=${title}><div class="table-wrap"><table data-ranking=${keyName}>
    <thead><tr><th>${label}</th><th class="num">${t('Calls')}</th><th class="num">${t('Failed')}</th>
      <th class="num">${t('Tokens')}</th><th class="num">${t('Average time')}</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr data-key=${r[keyName] ?? ''}>
      <td>${r[keyName] ?? t('(inline)')}</td><td class="num">${r.calls}</td><td class="num">${r.failed}</td>
      <td class="num" data-tokens>${r.totalTokens}</td><td class="num">${r.avgDurationMs} ms</td></tr>`)}</tbody>
  </table></div></${Section}>`;
}

function Errors({ errors, failed }) {
  return html`<${Section} title=${t('Errors')}>
    ${errors.total === 0 ? html`<${Empty} text=${t('No failed calls in this period.')} />` : html`
      <p>${t('Failed calls: {count}', { count: errors.total })} ${Object.entries(errors.byKind).map(([k, n]) => html`<span class="badge bad" data-error-kind=${k}>${k}: ${n}</span> `)}</p>
      <div class="table-wrap"><table data-errors>
        <thead><tr><th>${t('Time')}</th><th>${t('Channel')}</th><th>${t('Model')}</th><th>${t('Error')}</th></tr></thead>
        <tbody>${failed.map((r) => html`<tr data-error=${r.id}>
          <td>${fmtTime(r.timestamp)}</td><td>${r.channelId || t('(inline)')}</td><td>${r.model}</td>
          <td><span class="error-text">${r.errorKind ? `${r.errorKind}: ` : ''}${r.error ?? ''}</span></td></tr>`)}</tbody>
      </table></div>`}
  </${Section}>`;
}

function Report({ u }) {
  if (u.total.calls === 0) return html`<${Empty} text=${t('No upstream calls in this period yet.')} />`;
  return html`<div class="grid usage-totals">
      <${Stat} name="calls" label=${t('Calls')} value=${u.total.calls} />
      <${Stat} name="tokens" label=${t('Tokens')} value=${u.total.totalTokens} />
      <${Stat} name="failed" label=${t('Failed')} value=${u.total.failed} />
      <${Stat} name="success-rate" label=${t('Success rate')} value=${`${u.total.successRate}%`} />
      <${Stat} name="today" label=${t('Tokens today')} value=${u.today.totalTokens} />
    </div>
    <${TokensChart} daily=${u.daily} />
    <${CallsChart} daily=${u.daily} />
    <div class="usage-rankings">
      <${Ranking} title=${t('By channel')} rows=${u.channelRanking} keyName="channelId" label=${t('Channel')} />
      <${Ranking} title=${t('By model')} rows=${u.modelRanking} keyName="model" label=${t('Model')} />
    </div>
    <${Errors} errors=${u.errors} failed=${u.failed} />`;
}

export default function Usage() {
  const [days, setDays] = useState(7);
  // The usage answer's `recent` holds the newest calls of any outcome; the error list asks for failed ones.
  const usage = useLoad(async () => {
    const [u, failed] = await Promise.all([get(`stats/usage?days=${days}`), get(`stats/usage/recent?success=false&days=${days}&limit=${FAILED_SHOWN}`)]);
    return { ...u, failed };
  }, [days]);
  return html`<h1>${t('Usage')}</h1>
    <div class="actions usage-period" role="group" aria-label=${t('Period')}>
      ${WINDOWS.map((n) => html`<button type="button" class=${days === n ? 'primary' : ''} aria-pressed=${String(days === n)} onClick=${() => setDays(n)}>${t('Last {n} days', { n })}</button>`)}
    </div>
    <${Loaded} state=${usage} label=${t('Usage')}>${(u) => html`<div data-usage-days=${u.days ?? days}><${Report} u=${u} /></div>`}</${Loaded}>`;
}
