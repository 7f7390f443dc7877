// Dashboard: status, counters, modules (with errors and reload) and the live kernel events.
import { useEffect, useState } from 'preact/hooks';
import { html, Button, ErrorNote, Loaded, Section, fmtTime, useAction, useLoad } from '../lib/ui.js';
import { get, listen, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';

const Stat = ({ label, value }) => html`<div class="stat"><span class="muted">${label}</span><b>${value}</b></div>`;

function duration(seconds) {
  const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600), m = Math.floor((seconds % 3600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m ${seconds % 60}s`;
}

function ModuleRow({ m, onReloaded }) {
  const action = useAction();
  const reload = () => action.run(async () => onReloaded(await post(`system/modules/${encodeURIComponent(m.name)}/reload`)));
  const cls = m.status === 'loaded' ? 'ok' : m.status === 'failed' ? 'bad' : 'warn';
  return html`<tr data-module=${m.name}>
    <td><b>${m.name}</b><br /><small class="muted">${m.prefix || '—'}</small></td>
    <td><span class=${'badge ' + cls}>${t(m.status)}</span>${m.error ? html`<div class="error"><span class="error-text">${m.error}</span></div>` : null}</td>
    <td>${fmtTime(m.loadedAt)}</td>
    <td>${m.reloads}</td>
    <td><${Button} busy=${action.busy} onClick=${reload} aria-label=${t('Reload {name}', { name: m.name })}>${t('Reload')}</${Button}>
      <${ErrorNote} error=${action.error} /></td>
  </tr>`;
}

export default function Dashboard() {
  const status = useLoad(() => get('system/status'));
  const stats = useLoad(() => get('system/stats'));
  const modules = useLoad(() => get('system/modules'));
  const [events, setEvents] = useState([]);
  const [live, setLive] = useState('connecting');

  useEffect(
    () =>
      listen('system/events', (event) => {
        if (event.type === 'heartbeat') return;
        setEvents((list) => [{ at: Date.now(), ...event }, ...list].slice(0, 50));
        if (event.type.startsWith('module-')) modules.reload();
        if (event.type !== 'connected') status.reload();
      }, setLive),
    [],
  );

  const replaceModule = (m) => modules.setData(modules.data.map((x) => (x.name === m.name ? m : x)));

  return html`<h1>${t('Dashboard')}</h1>
    <${Section} title=${t('Status')} actions=${html`<button onClick=${() => (status.reload(), stats.reload(), modules.reload())}>${t('Refresh')}</button>`}>
      <${Loaded} state=${status} label=${t('Status')}>${(s) => html`<div class="grid">
        <${Stat} label=${t('State')} value=${t(s.status)} />
        <${Stat} label=${t('Version')} value=${s.version} />
        <${Stat} label=${t('Uptime')} value=${duration(s.uptime)} />
        <${Stat} label=${t('Memory (heap MB)')} value=${`${s.memory.used} / ${s.memory.total}`} />
        <${Stat} label=${t('Modules loaded')} value=${`${s.modules.loaded} / ${s.modules.total}`} />
        <${Stat} label=${t('Requests')} value=${s.requests.total} />
        <${Stat} label=${t('Server errors')} value=${s.requests.errors} />
        <${Stat} label="Node.js" value=${s.nodejs} />
      </div>`}</${Loaded}>
      <${Loaded} state=${stats} label=${t('Statistics')}>${(s) => html`<h3>${t('Tools')}: ${s.tools.total}</h3>
        <p>${Object.entries(s.tools.byCategory).map(([k, n]) => html`<span class="badge">${k}: ${n}</span> `)}</p>`}</${Loaded}>
    </${Section}>
    <${Section} title=${t('Modules')}>
      <${Loaded} state=${modules} label=${t('Modules')}>${(list) => html`<div class="table-wrap"><table>
        <thead><tr><th>${t('Module')}</th><th>${t('Status')}</th><th>${t('Loaded at')}</th><th>${t('Reloads')}</th><th></th></tr></thead>
        <tbody>${list.map((m) => html`<${ModuleRow} key=${m.name} m=${m} onReloaded=${replaceModule} />`)}</tbody>
      </table></div>`}</${Loaded}>
    </${Section}>
    <${Section} title=${t('Live events')} actions=${html`<span class="badge ${live === 'open' ? 'ok' : 'warn'}" data-live=${live}>${t(live)}</span>`}>
      ${events.length
        ? html`<ul class="list events" aria-live="polite">${events.map((e) => html`<li data-event=${e.type}><code>${e.type}</code> ${e.name || (e.paths ? e.paths.join(', ') : '')} <small class="muted">${new Date(e.at).toLocaleTimeString()}</small>${e.error ? html` <span class="error-text">${e.error}</span>` : null}</li>`)}</ul>`
        : html`<p class="empty">${t('No events yet. Module reloads and configuration changes appear here as they happen.')}</p>`}
    </${Section}>`;
}
