// Presets: list (built-in and own), create, edit, copy, delete, make default, YAML import/export.
import { useState } from 'preact/hooks';
import { html, Button, CheckField, Empty, ErrorNote, Loaded, Section, TextField, confirmed, detailsByField, useAction, useEditor, useLoad } from '../lib/ui.js';
import { api, del, get, post, put } from '../lib/api.js';
import { t } from '../lib/i18n.js';

const EDITABLE = ['name', 'description', 'systemPrompt', 'model'];

function PresetForm({ preset, onDone, onCancel }) {
  const editing = !!preset;
  const [form, setForm] = useState(() => ({
    id: '',
    ...Object.fromEntries(EDITABLE.map((k) => [k, preset?.[k] ?? ''])),
    temperature: String(preset?.temperature ?? 0.7),
  }));
  const action = useAction();
  const errors = detailsByField(action.error);
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const submit = (e) => {
    e.preventDefault();
    const body = Object.fromEntries(EDITABLE.map((k) => [k, form[k]]));
    if (form.temperature !== '') body.temperature = Number(form.temperature);
    if (!editing && form.id) body.id = form.id;
    action.run(async () => onDone(editing ? await put(`presets/${encodeURIComponent(preset.id)}`, body) : await post('presets', body)));
  };
  return html`<form onSubmit=${submit} aria-label=${editing ? t('Edit preset') : t('New preset')}>
    <div class="form-row">
      ${editing ? null : html`<${TextField} label=${t('Id (optional)')} value=${form.id} onValue=${set('id')} error=${errors.id} name="id" hint=${t('3–50 of a-z, 0-9, -')} />`}
      <${TextField} label=${t('Name') + ' *'} value=${form.name} onValue=${set('name')} error=${errors.name} name="name" required />
      <${TextField} label=${t('Model')} value=${form.model} onValue=${set('model')} error=${errors.model} name="model" />
      <${TextField} label=${t('Temperature')} value=${form.temperature} onValue=${set('temperature')} error=${errors.temperature} type="number" step="0.1" min="0" max="2" name="temperature" />
    </div>
    <${TextField} label=${t('Description')} value=${form.description} onValue=${set('description')} error=${errors.description} name="description" />
    <${TextField} label=${t('System prompt')} value=${form.systemPrompt} onValue=${set('systemPrompt')} error=${errors.systemPrompt} multiline name="systemPrompt" />
    <${ErrorNote} error=${action.error} label=${t('Save failed')} />
    <div class="actions">
      <${Button} class="primary" type="submit" busy=${action.busy}>${editing ? t('Save') : t('Create preset')}</${Button}>
      <button type="button" onClick=${onCancel}>${t('Cancel')}</button>
    </div>
  </form>`;
}

function PresetRow({ preset, onChanged, onEdit }) {
  const action = useAction();
  const id = encodeURIComponent(preset.id);
  const act = (fn) => action.run(async () => (await fn(), onChanged()));
  const remove = () => confirmed(t('Delete preset "{name}"?', { name: preset.name })) && act(() => del(`presets/${id}`));
  return html`<tr data-preset=${preset.id}>
    <td><b>${preset.name}</b> ${preset.isDefault ? html`<span class="badge ok">${t('default')}</span>` : null}<br /><small class="muted">${preset.id}</small></td>
    <td><small>${preset.description || '—'}</small></td>
    <td>${preset.isBuiltin ? t('built-in') : t('own')}</td>
    <td>
      <div class="actions">
        ${preset.isReadonly ? null : html`<button onClick=${() => onEdit(preset)}>${t('Edit')}</button>`}
        <${Button} busy=${action.busy} onClick=${() => act(() => post(`presets/${id}/copy`, {}))}>${t('Copy')}</${Button}>
        ${preset.isDefault ? null : html`<button onClick=${() => act(() => post(`presets/${id}/set-default`))}>${t('Make default')}</button>`}
        <a class="button" href=${`api/presets/${id}/export`} download=${`${preset.id}.yaml`}>${t('Export')}</a>
        ${preset.isReadonly || preset.isDefault ? null : html`<button class="danger" onClick=${remove}>${t('Delete')}</button>`}
      </div>
      <${ErrorNote} error=${action.error} />
    </td>
  </tr>`;
}

function ImportForm({ onDone }) {
  const [text, setText] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [result, setResult] = useState(null);
  const action = useAction();
  const readFile = async (e) => setText(await e.target.files[0]?.text() ?? '');
  const submit = (e) => {
    e.preventDefault();
    action.run(async () => {
      setResult(await api('POST', 'presets/import', { yaml: text, overwrite }));
      onDone();
    });
  };
  return html`<form onSubmit=${submit} aria-label=${t('Import presets')}>
    <div class="field"><label for="preset-file">${t('YAML file')}</label><input id="preset-file" type="file" accept=".yaml,.yml,text/yaml" onChange=${readFile} /></div>
    <${TextField} label=${t('Or paste YAML')} value=${text} onValue=${setText} multiline spellcheck="false" />
    <${CheckField} label=${t('Overwrite presets with the same id')} checked=${overwrite} onValue=${setOverwrite} />
    <${ErrorNote} error=${action.error} label=${t('Import failed')} />
    ${result ? html`<p class="notice" role="status">${t('Imported: {n}', { n: result.imported.length })}${result.skipped.length ? `, ${t('skipped')}: ${result.skipped.map((s) => `${s.id} (${s.reason})`).join(', ')}` : ''}</p>` : null}
    <div class="actions">
      <${Button} class="primary" type="submit" busy=${action.busy} disabled=${!text.trim()}>${t('Import')}</${Button}>
      <a class="button" href="api/presets/export" download="presets.yaml">${t('Export my presets')}</a>
    </div>
  </form>`;
}

export default function PresetsPage() {
  const list = useLoad(() => get('presets'));
  const editor = useEditor(list);
  return html`<h1>${t('Presets')}</h1>
    <${Section} title=${t('Presets')} actions=${html`<button class="primary" onClick=${editor.add}>${t('New preset')}</button>`}>
      ${editor.adding ? html`<div class="card"><h3>${t('New preset')}</h3><${PresetForm} onDone=${editor.done} onCancel=${editor.close} /></div>` : null}
      ${editor.editing ? html`<div class="card"><h3>${t('Edit preset')} ${editor.editing.name}</h3><${PresetForm} key=${editor.editing.id} preset=${editor.editing} onDone=${editor.done} onCancel=${editor.close} /></div>` : null}
      <${Loaded} state=${list} label=${t('Presets')}>${(data) =>
        data.presets.length
          ? html`<div class="table-wrap"><table>
              <thead><tr><th>${t('Name')}</th><th>${t('Description')}</th><th>${t('Kind')}</th><th></th></tr></thead>
              <tbody>${data.presets.map((p) => html`<${PresetRow} key=${p.id} preset=${p} onChanged=${list.reload} onEdit=${editor.edit} />`)}</tbody>
            </table></div>`
          : html`<${Empty} />`}</${Loaded}>
    </${Section}>
    <${Section} title=${t('Import and export')}><${ImportForm} onDone=${list.reload} /></${Section}>`;
}
