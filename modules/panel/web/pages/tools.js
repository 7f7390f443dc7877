// Tools and skills: categories and tools with switches that follow /api/skills/sse live, a call
// form generated from a tool's input schema, and the call log.
import { useEffect, useState } from 'preact/hooks';
import { html, Button, Empty, ErrorNote, Loaded, Section, confirmed, fmtTime, useAction, useLoad } from '../lib/ui.js';
import { del, get, listen, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { SchemaForm, fieldErrors } from '../lib/schema-form.js';

function Switch({ label, checked, onToggle, busy, ...rest }) {
  return html`<label class="toggle"><input type="checkbox" role="switch" checked=${checked} disabled=${busy} onChange=${(e) => onToggle(e.target.checked)} ...${rest} /><span>${label}</span></label>`;
}

function Categories({ categories, tools, onPick }) {
  const action = useAction();
  const toggleCategory = (key, enabled) => action.run(() => post(`skills/categories/${encodeURIComponent(key)}/toggle`, { enabled }));
  const toggleTool = (name, enabled) => action.run(() => post(`skills/tools/${encodeURIComponent(name)}/toggle`, { enabled }));
  return html`<${ErrorNote} error=${action.error} />
    ${categories.map((cat) => html`<fieldset data-category=${cat.key}>
      <legend><${Switch} label=${`${cat.name} (${cat.key})`} checked=${cat.enabled} busy=${action.busy} onToggle=${(on) => toggleCategory(cat.key, on)} aria-label=${t('Category {name}', { name: cat.key })} /></legend>
      <small class="muted">${cat.description}</small>
      <ul class="list">${tools.filter((x) => x.category === cat.key).map((tool) => html`<li data-tool=${tool.name}>
        <div class="card-head">
          <${Switch} label=${tool.name} checked=${tool.enabled} busy=${action.busy} onToggle=${(on) => toggleTool(tool.name, on)} aria-label=${t('Tool {name}', { name: tool.name })} />
          <span class="actions">${tool.dangerous ? html`<span class="badge bad">${t('dangerous')}</span>` : null}<button onClick=${() => onPick(tool)}>${t('Call')}</button></span>
        </div>
        <small class="muted">${tool.description}</small>
      </li>`)}</ul>
    </fieldset>`)}`;
}

function CallForm({ tool, onCalled }) {
  const [args, setArgs] = useState({});
  const [result, setResult] = useState(null);
  const action = useAction();
  const call = (e) => {
    e.preventDefault();
    setResult(null);
    action.run(async () => {
      setResult(await post('tools/call', { name: tool.name, args }));
      onCalled();
    });
  };
  const text = result?.result?.content?.map((c) => c.text ?? JSON.stringify(c)).join('\n');
  return html`<form onSubmit=${call} aria-label=${t('Call {name}', { name: tool.name })}>
    <p class="muted">${tool.description}</p>
    <${SchemaForm} schema=${tool.inputSchema} value=${args} onChange=${setArgs} errors=${fieldErrors(action.error, 'args')} />
    <${ErrorNote} error=${action.error} label=${t('Call failed')} />
    <${Button} class="primary" type="submit" busy=${action.busy}>${t('Call {name}', { name: tool.name })}</${Button}>
    ${result ? html`<h3>${t('Result')} <small class="muted">${result.duration} ms</small></h3><pre class="tool-output">${text}</pre>` : null}
  </form>`;
}

function Logs({ version }) {
  const logs = useLoad(() => get('tools/logs?limit=20'), [version]);
  const action = useAction();
  const clear = () => confirmed(t('Clear the call log?')) && action.run(async () => (await del('tools/logs'), logs.reload()));
  return html`<${Section} title=${t('Call log')} actions=${html`<${Button} class="danger" busy=${action.busy} onClick=${clear}>${t('Clear')}</${Button}>`}>
    <${ErrorNote} error=${action.error} />
    <${Loaded} state=${logs} label=${t('Call log')}>${(data) =>
      data.logs.length
        ? html`<div class="table-wrap"><table><thead><tr><th>${t('Time')}</th><th>${t('Tool')}</th><th>${t('Arguments')}</th><th>${t('Result')}</th><th>ms</th></tr></thead>
            <tbody>${data.logs.map((l) => html`<tr data-log=${l.toolName}><td>${fmtTime(l.timestamp)}</td><td>${l.toolName}</td><td><code>${JSON.stringify(l.request)}</code></td>
              <td>${l.success ? html`<span class="badge ok">ok</span>` : html`<span class="badge bad">${t('failed')}</span> ${l.error}`}</td><td>${l.duration}</td></tr>`)}</tbody></table></div>`
        : html`<${Empty} text=${t('No tool calls yet.')} />`}</${Loaded}>
  </${Section}>`;
}

export default function ToolsPage() {
  const categories = useLoad(() => get('skills/categories'));
  const tools = useLoad(() => get('tools'));
  const [picked, setPicked] = useState(null);
  const [logVersion, setLogVersion] = useState(0);
  const [live, setLive] = useState('connecting');
  const [lastEvent, setLastEvent] = useState(null);

  useEffect(
    () =>
      listen('skills/sse', (event) => {
        if (event.type === 'heartbeat' || event.type === 'connected') return;
        setLastEvent(event.type);
        if (event.type === 'tool-executed') return setLogVersion((n) => n + 1);
        categories.reload();
        tools.reload();
      }, setLive),
    [],
  );

  return html`<h1>${t('Tools & skills')}</h1>
    <div class="cols">
      <${Section} title=${t('Categories')} actions=${html`<span class="badge ${live === 'open' ? 'ok' : 'warn'}" data-live=${live}>${t(live)}</span>${lastEvent ? html` <small class="muted" data-last-event=${lastEvent}>${lastEvent}</small>` : null}`}>
        <${Loaded} state=${categories} label=${t('Categories')}>${(cats) => html`<${Loaded} state=${tools} label=${t('Tools')}>${(list) =>
          cats.length ? html`<${Categories} categories=${cats} tools=${list.tools} onPick=${setPicked} />` : html`<${Empty} />`}</${Loaded}>`}</${Loaded}>
      </${Section}>
      <div>
        <${Section} title=${picked ? picked.name : t('Call a tool')}>
          ${picked ? html`<${CallForm} key=${picked.name} tool=${picked} onCalled=${() => setLogVersion((n) => n + 1)} />` : html`<p class="muted">${t('Pick a tool to call it.')}</p>`}
        </${Section}>
        <${Logs} version=${logVersion} />
      </div>
    </div>`;
}
