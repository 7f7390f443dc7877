// Channels: list, create, edit, delete, test (showing the upstream's answer) and models.
// Keys arrive masked; sending a masked key back means "unchanged".
import { useState } from 'preact/hooks';
import { html, Button, CheckField, Empty, ErrorNote, Loaded, Section, SelectField, TextField, confirmed, detailsByField, useAction, useEditor, useLoad } from '../lib/ui.js';
import { del, get, post, put } from '../lib/api.js';
import { t } from '../lib/i18n.js';

const ADAPTERS = ['openai', 'claude', 'gemini'];
const lines = (text) => text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);

function ChannelForm({ channel, onDone, onCancel }) {
  const editing = !!channel;
  const [form, setForm] = useState(() => ({
    id: channel?.id ?? '',
    name: channel?.name ?? '',
    adapterType: channel?.adapterType ?? 'openai',
    baseUrl: channel?.baseUrl ?? '',
    apiKey: channel?.apiKey ?? '',
    models: (channel?.models ?? []).join('\n'),
    priority: String(channel?.priority ?? 100),
    enabled: channel?.enabled ?? true,
  }));
  const action = useAction();
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const errors = detailsByField(action.error);
  const submit = (e) => {
    e.preventDefault();
    const body = { name: form.name, adapterType: form.adapterType, baseUrl: form.baseUrl, apiKey: form.apiKey, models: lines(form.models), priority: Number(form.priority), enabled: form.enabled };
    if (!editing && form.id) body.id = form.id;
    action.run(async () => onDone(editing ? await put(`channels/${encodeURIComponent(channel.id)}`, body) : await post('channels', body)));
  };
  return html`<form onSubmit=${submit} aria-label=${editing ? t('Edit channel') : t('New channel')}>
    <div class="form-row">
      ${editing ? null : html`<${TextField} label=${t('Id (optional)')} value=${form.id} onValue=${set('id')} error=${errors.id} name="id" />`}
      <${TextField} label=${t('Name') + ' *'} value=${form.name} onValue=${set('name')} error=${errors.name} name="name" required />
      <${SelectField} label=${t('Adapter')} value=${form.adapterType} onValue=${set('adapterType')} options=${ADAPTERS} error=${errors.adapterType} />
      <${TextField} label=${t('Base URL')} value=${form.baseUrl} onValue=${set('baseUrl')} error=${errors.baseUrl} name="baseUrl" placeholder="https://api.openai.com/v1" />
      <${TextField} label=${t('API key')} value=${form.apiKey} onValue=${set('apiKey')} error=${errors.apiKey} name="apiKey" type="password" autocomplete="off"
        hint=${editing ? t('Leave the masked key to keep the stored one.') : null} />
      <${TextField} label=${t('Priority')} value=${form.priority} onValue=${set('priority')} error=${errors.priority} type="number" />
    </div>
    <${TextField} label=${t('Models (one per line)')} value=${form.models} onValue=${set('models')} error=${errors.models} multiline name="models" />
    <${CheckField} label=${t('Enabled')} checked=${form.enabled} onValue=${set('enabled')} />
    <${ErrorNote} error=${action.error} label=${t('Save failed')} />
    <div class="actions">
      <${Button} class="primary" type="submit" busy=${action.busy}>${editing ? t('Save') : t('Add channel')}</${Button}>
      ${onCancel ? html`<button type="button" onClick=${onCancel}>${t('Cancel')}</button>` : null}
    </div>
  </form>`;
}

function ChannelRow({ channel, onChanged, onEdit }) {
  const action = useAction();
  const [result, setResult] = useState(null);
  const id = encodeURIComponent(channel.id);
  const test = () => action.run(async () => setResult({ test: await post('channels/test', { id: channel.id }) }));
  const models = () => action.run(async () => setResult({ models: (await get(`channels/${id}/models`)).models }));
  const remove = () => {
    if (!confirmed(t('Delete channel "{name}"?', { name: channel.name }))) return;
    action.run(async () => {
      await del(`channels/${id}`);
      onChanged();
    });
  };
  return html`<tr data-channel=${channel.id}>
    <td><b>${channel.name}</b><br /><small class="muted">${channel.id}</small></td>
    <td>${channel.adapterType}<br /><small class="muted">${channel.baseUrl}</small></td>
    <td><code class="api-key">${channel.apiKey || '—'}</code></td>
    <td><small>${(channel.models || []).join(', ') || '—'}</small></td>
    <td><span class=${'badge ' + (channel.enabled ? 'ok' : 'warn')}>${channel.enabled ? t('enabled') : t('disabled')}</span> ${channel.priority}</td>
    <td>
      <div class="actions">
        <${Button} busy=${action.busy} onClick=${test}>${t('Test')}</${Button}>
        <button onClick=${models}>${t('Models')}</button>
        <button onClick=${() => onEdit(channel)}>${t('Edit')}</button>
        <button class="danger" onClick=${remove}>${t('Delete')}</button>
      </div>
      <${ErrorNote} error=${action.error} />
      ${result?.test ? html`<div class="test-result ${result.test.success ? 'notice' : 'error'}" role="status">
        ${result.test.success ? t('Answer') : t('Failed')}: <q>${result.test.testResponse ?? result.test.message}</q>
        <small class="muted"> ${result.test.model || ''} ${result.test.elapsed != null ? `${result.test.elapsed} ms` : ''}</small></div>` : null}
      ${result?.models ? html`<div class="models-result" role="status">${result.models.length ? result.models.map((m) => html`<span class="badge">${m}</span> `) : t('No models.')}</div>` : null}
    </td>
  </tr>`;
}

export default function ChannelsPage() {
  const list = useLoad(() => get('channels'));
  const editor = useEditor(list);
  return html`<h1>${t('Channels')}</h1>
    <${Section} title=${t('Channels')} actions=${html`<button class="primary" onClick=${editor.add}>${t('New channel')}</button>`}>
      ${editor.adding ? html`<div class="card"><h3>${t('New channel')}</h3><${ChannelForm} onDone=${editor.done} onCancel=${editor.close} /></div>` : null}
      ${editor.editing ? html`<div class="card"><h3>${t('Edit channel')} ${editor.editing.name}</h3><${ChannelForm} key=${editor.editing.id} channel=${editor.editing} onDone=${editor.done} onCancel=${editor.close} /></div>` : null}
      <${Loaded} state=${list} label=${t('Channels')}>${(channels) =>
        channels.length
          ? html`<div class="table-wrap"><table>
              <thead><tr><th>${t('Name')}</th><th>${t('Adapter')}</th><th>${t('API key')}</th><th>${t('Models')}</th><th>${t('State')}</th><th></th></tr></thead>
              <tbody>${channels.map((c) => html`<${ChannelRow} key=${c.id} channel=${c} onChanged=${list.reload} onEdit=${editor.edit} />`)}</tbody>
            </table></div>`
          : html`<${Empty} text=${t('No channels yet. Add one to start chatting.')} />`}</${Loaded}>
    </${Section}>`;
}
