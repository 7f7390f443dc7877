// MCP servers: add (stdio command, npm package, or HTTP/SSE URL), connect, disconnect, remove,
// their tools; the status follows the server events of /api/skills/sse.
import { useEffect, useState } from 'preact/hooks';
import { html, Button, Empty, ErrorNote, Loaded, Section, SelectField, TextField, confirmed, useAction, useLoad } from '../lib/ui.js';
import { del, get, listen, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';

const TYPES = ['stdio', 'npx', 'npm', 'http', 'sse'];

const EMPTY = { name: '', type: 'http', url: '', headers: '', command: '', args: '', package: '' };

function AddServer({ onDone }) {
  const [form, setForm] = useState(EMPTY);
  const action = useAction();
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const remote = form.type === 'http' || form.type === 'sse';
  const submit = (e) => {
    e.preventDefault();
    const config = { type: form.type };
    if (remote) {
      config.url = form.url;
      // `Name: value` per line, e.g. `Authorization: Bearer …`.
      const headers = Object.fromEntries(form.headers.split('\n').map((l) => l.split(/:(.*)/s).map((x) => x.trim())).filter(([k, v]) => k && v));
      if (Object.keys(headers).length) config.headers = headers;
    }
    else if (form.type === 'stdio') Object.assign(config, { command: form.command, args: form.args.split(/\s+/).filter(Boolean) });
    else Object.assign(config, { package: form.package, args: form.args.split(/\s+/).filter(Boolean) });
    action.run(async () => {
      await post('mcp/servers', { name: form.name, config });
      setForm(EMPTY); // headers may hold a token: do not leave it on screen
      onDone();
    });
  };
  const errors = Object.fromEntries((action.error?.details || []).map((d) => [d.path.replace(/^body\.(config\.)?/, ''), d.message]));
  return html`<form onSubmit=${submit} aria-label=${t('Add MCP server')}>
    <div class="form-row">
      <${TextField} label=${t('Name') + ' *'} value=${form.name} onValue=${set('name')} error=${errors.name} name="name" required />
      <${SelectField} label=${t('Type')} value=${form.type} onValue=${set('type')} options=${TYPES} error=${errors.type} />
      ${remote ? html`<${TextField} label=${t('URL')} value=${form.url} onValue=${set('url')} error=${errors.url} name="url" placeholder="https://…/mcp" />` : null}
      ${remote ? html`<${TextField} label=${t('Headers (Name: value, one per line)')} value=${form.headers} onValue=${set('headers')} error=${errors.headers} multiline name="headers" spellcheck="false" />` : null}
      ${form.type === 'stdio' ? html`<${TextField} label=${t('Command')} value=${form.command} onValue=${set('command')} error=${errors.command} name="command" />` : null}
      ${form.type === 'npm' || form.type === 'npx' ? html`<${TextField} label=${t('Package')} value=${form.package} onValue=${set('package')} error=${errors.package} name="package" />` : null}
      ${remote ? null : html`<${TextField} label=${t('Arguments (space separated)')} value=${form.args} onValue=${set('args')} error=${errors.args} name="args" />`}
    </div>
    <${ErrorNote} error=${action.error} label=${t('Adding failed')} />
    <${Button} class="primary" type="submit" busy=${action.busy}>${t('Add and connect')}</${Button}>
  </form>`;
}

function ServerRow({ server, onChanged }) {
  const action = useAction();
  const [tools, setTools] = useState(null);
  const name = encodeURIComponent(server.name);
  const builtin = server.type === 'builtin';
  const act = (fn) => action.run(async () => (await fn(), onChanged()));
  const remove = () => confirmed(t('Remove MCP server "{name}"?', { name: server.name })) && act(() => del(`mcp/servers/${name}`));
  const showTools = () => action.run(async () => setTools(tools ? null : await get(`mcp/servers/${name}/tools`)));
  const cls = server.status === 'connected' ? 'ok' : server.status === 'error' ? 'bad' : 'warn';
  return html`<tr data-server=${server.name}>
    <td><b>${server.name}</b><br /><small class="muted">${server.type}</small></td>
    <td><span class=${'badge ' + cls} data-status=${server.status}>${t(server.status)}</span>${server.error ? html`<div class="error-text">${server.error}</div>` : null}</td>
    <td>${server.toolsCount}</td>
    <td>
      <div class="actions">
        <button onClick=${showTools} aria-expanded=${!!tools}>${t('Tools')}</button>
        ${builtin ? null : server.status === 'connected'
          ? html`<${Button} busy=${action.busy} onClick=${() => act(() => post(`mcp/servers/${name}/disconnect`))}>${t('Disconnect')}</${Button}>`
          : html`<${Button} busy=${action.busy} onClick=${() => act(() => post(`mcp/servers/${name}/connect`))}>${t('Connect')}</${Button}>`}
        ${builtin ? null : html`<button class="danger" onClick=${remove}>${t('Remove')}</button>`}
      </div>
      <${ErrorNote} error=${action.error} />
      ${tools ? (tools.length ? html`<ul class="list">${tools.map((x) => html`<li><code>${x.name}</code> <small class="muted">${x.description}</small></li>`)}</ul>` : html`<${Empty} text=${t('No tools.')} />`) : null}
    </td>
  </tr>`;
}

export default function McpPage() {
  const servers = useLoad(() => get('mcp/servers'));
  const [live, setLive] = useState('connecting');
  useEffect(
    () =>
      listen('skills/sse', (event) => {
        if (event.type.startsWith('server-') || event.type === 'tools-reloaded') servers.reload();
      }, setLive),
    [],
  );
  return html`<h1>${t('MCP servers')}</h1>
    <${Section} title=${t('Servers')} actions=${html`<span class="badge ${live === 'open' ? 'ok' : 'warn'}" data-live=${live}>${t(live)}</span>`}>
      <${Loaded} state=${servers} label=${t('Servers')}>${(list) =>
        list.length
          ? html`<div class="table-wrap"><table><thead><tr><th>${t('Name')}</th><th>${t('Status')}</th><th>${t('Tools')}</th><th></th></tr></thead>
              <tbody>${list.map((s) => html`<${ServerRow} key=${s.name} server=${s} onChanged=${servers.reload} />`)}</tbody></table></div>`
          : html`<${Empty} text=${t('No MCP servers.')} />`}</${Loaded}>
    </${Section}>
    <${Section} title=${t('Add MCP server')}><${AddServer} onDone=${servers.reload} /></${Section}>`;
}
