// Configuration: a form per section generated from the config schema, and the whole document
// as YAML with validate, apply, history and rollback.
import { useEffect, useState } from 'preact/hooks';
import { html, Button, ErrorNote, Loaded, Section, fmtTime, confirmed, useAction, useLoad } from '../lib/ui.js';
import { api, get, listen, post, put } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { SchemaForm, fieldErrors, labelOf } from '../lib/schema-form.js';

function SectionForm({ name, schema, initial, onSaved }) {
  const [value, setValue] = useState(initial);
  const [notice, setNotice] = useState('');
  const action = useAction();
  const save = (e) => {
    e.preventDefault();
    setNotice('');
    action.run(async () => {
      const result = await put('config', { [name]: value });
      setNotice(result.updated.length ? t('Saved: {paths}', { paths: result.updated.join(', ') }) : t('Nothing changed.'));
      onSaved();
    });
  };
  return html`<form onSubmit=${save} aria-label=${labelOf(name)}>
    <${SchemaForm} schema=${schema} value=${value} onChange=${setValue} errors=${fieldErrors(action.error, name)} />
    <${ErrorNote} error=${action.error} label=${t('Save failed')} />
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
    <${Button} class="primary" type="submit" busy=${action.busy}>${t('Save section')}</${Button}>
  </form>`;
}

function Forms({ schema, config, reload }) {
  const sections = Object.keys(schema.properties);
  const [current, setCurrent] = useState(sections[0]);
  return html`<div class="cols">
    <ul class="list" aria-label=${t('Sections')}>
      ${sections.map((s) => html`<li><button class="item" aria-pressed=${s === current} onClick=${() => setCurrent(s)}>${labelOf(s)} <small class="muted">${s}</small></button></li>`)}
    </ul>
    <div><h3>${labelOf(current)}</h3>
      <${SectionForm} key=${current} name=${current} schema=${schema.properties[current]} initial=${config[current] || {}} onSaved=${reload} />
    </div>
  </div>`;
}

function YamlEditor({ onApplied }) {
  const doc = useLoad(() => get('config/export'));
  const [text, setText] = useState(null);
  const [notice, setNotice] = useState('');
  const action = useAction();
  const value = text ?? doc.data ?? '';
  const validate = () => action.run(async () => {
    setNotice('');
    await api('POST', 'config/validate', value);
    setNotice(t('The document is valid.'));
  });
  const apply = () => action.run(async () => {
    setNotice('');
    const result = await api('POST', 'config/import', value);
    setNotice(t('Applied as version {v}.', { v: result.version }));
    onApplied();
  });
  return html`<${Loaded} state=${doc} label=${t('Configuration YAML')}>${() => html`
    <label for="yaml" class="sr">${t('Configuration YAML')}</label>
    <textarea id="yaml" class="code" spellcheck="false" value=${value} onInput=${(e) => setText(e.target.value)}></textarea>
    <${ErrorNote} error=${action.error} />
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
    <div class="actions">
      <${Button} busy=${action.busy} onClick=${validate}>${t('Validate')}</${Button}>
      <${Button} class="primary" busy=${action.busy} onClick=${apply}>${t('Apply')}</${Button}>
      <button onClick=${() => (setText(null), doc.reload())}>${t('Revert')}</button>
    </div>`}</${Loaded}>`;
}

function History({ refresh, onRolledBack }) {
  const history = useLoad(() => get('config/history'), [refresh]);
  const [shown, setShown] = useState(null);
  const action = useAction();
  const show = (v) => action.run(async () => setShown(await get(`config/history/${v}`)));
  const rollback = (v) => {
    if (!confirmed(t('Make version {v} current again?', { v }))) return;
    action.run(async () => {
      await post('config/rollback', { version: v });
      onRolledBack();
    });
  };
  return html`<${Loaded} state=${history} label=${t('History')}>${(h) => html`
    <${ErrorNote} error=${action.error} />
    <div class="table-wrap"><table>
      <thead><tr><th>${t('Version')}</th><th>${t('Saved at')}</th><th>${t('Source')}</th><th>${t('Changed')}</th><th></th></tr></thead>
      <tbody>${h.versions.map((v) => html`<tr>
        <td>${v.version}${v.version === h.current ? html` <span class="badge ok">${t('current')}</span>` : null}</td>
        <td>${fmtTime(v.savedAt)}</td><td>${v.source}</td><td><small>${(v.paths || []).join(', ')}</small></td>
        <td class="actions"><button onClick=${() => show(v.version)}>${t('View')}</button>
          ${v.version !== h.current ? html`<button onClick=${() => rollback(v.version)}>${t('Roll back')}</button>` : null}</td>
      </tr>`)}</tbody>
    </table></div>
    ${shown ? html`<h3>${t('Version')} ${shown.version}</h3><pre>${JSON.stringify(shown.config, null, 2)}</pre>` : null}`}</${Loaded}>`;
}

export default function ConfigPage() {
  const schema = useLoad(() => get('config/schema'));
  const config = useLoad(() => get('config'));
  // `version` refreshes the YAML and history after any change; `epoch` also resets the forms
  // (after an import or rollback, not after saving the section being edited).
  const [version, setVersion] = useState(0);
  const [epoch, setEpoch] = useState(0);
  // Any accepted change refreshes the history; an edit of config.json on disk is announced,
  // not applied over what the user is editing.
  const [historyTick, setHistoryTick] = useState(0);
  const [outside, setOutside] = useState(null);
  useEffect(
    () =>
      listen('system/events', (e) => {
        if (e.type !== 'config-changed') return;
        setHistoryTick((n) => n + 1);
        if (e.source === 'file') setOutside(e);
      }),
    [],
  );
  const changed = () => {
    config.reload();
    setVersion((n) => n + 1);
  };
  const replaced = async () => {
    setOutside(null);
    setVersion((n) => n + 1);
    // The forms start again from the new configuration, so only once it has arrived.
    await config.reload();
    setEpoch((n) => n + 1);
  };
  return html`<h1>${t('Configuration')}</h1>
    ${outside ? html`<p class="notice" role="status" data-outside-change>${t('The configuration changed elsewhere ({source}): {paths}', { source: outside.source, paths: (outside.paths || []).join(', ') })}
      <button onClick=${replaced}>${t('Load it')}</button></p>` : null}
    <${Section} title=${t('Sections')}>
      <${Loaded} state=${schema} label=${t('Schema')}>${(s) => html`<${Loaded} state=${config} label=${t('Configuration')}>${(c) =>
        html`<${Forms} key=${epoch} schema=${s} config=${c} reload=${changed} />`}</${Loaded}>`}</${Loaded}>
    </${Section}>
    <${Section} title=${t('YAML editor')}><${YamlEditor} key=${version} onApplied=${replaced} /></${Section}>
    <${Section} title=${t('History')}><${History} refresh=${`${version}/${historyTick}`} onRolledBack=${replaced} /></${Section}>`;
}
