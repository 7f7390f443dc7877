// Group settings: the master picks any group, a group admin sees only its own. The common
// settings have fields; everything else is edited as JSON. Effective values are shown beside.
import { useState } from 'preact/hooks';
import { html, Button, CheckField, Empty, ErrorNote, Loaded, Section, SelectField, TextField, confirmed, detailsByField, json, useAction, useLoad } from '../lib/ui.js';
import { del, get, put } from '../lib/api.js';
import { t } from '../lib/i18n.js';

const ids = (text) => [...new Set(text.split(/[\s,]+/).filter(Boolean))];

function GroupSettings({ groupId, settings, onSaved }) {
  const [form, setForm] = useState(() => ({
    groupName: settings.groupName ?? '',
    enabled: settings.enabled !== false,
    presetId: settings.presetId ?? '',
    systemPrompt: settings.systemPrompt ?? '',
    customPrefix: settings.customPrefix ?? '',
    listMode: settings.listMode ?? 'none',
    blacklist: (settings.blacklist ?? []).join(', '),
    whitelist: (settings.whitelist ?? []).join(', '),
  }));
  const [advanced, setAdvanced] = useState(() => json(settings));
  const [notice, setNotice] = useState('');
  const action = useAction();
  const errors = detailsByField(action.error);
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const base = `group-admin/${encodeURIComponent(groupId)}`;
  const save = (body) => action.run(async () => {
    setNotice('');
    await put(`${base}/config`, body);
    setNotice(t('Saved.'));
    onSaved();
  });
  const submit = (e) => {
    e.preventDefault();
    save({ ...form, blacklist: ids(form.blacklist), whitelist: ids(form.whitelist) });
  };
  const submitAdvanced = (e) => {
    e.preventDefault();
    let body;
    try {
      body = JSON.parse(advanced);
    } catch {
      return action.setError({ message: t('Not valid JSON'), code: 'INVALID_JSON', details: [] });
    }
    const { groupId: _ignored, updatedAt: _also, ...rest } = body;
    save(rest);
  };
  const reset = () => confirmed(t('Reset every setting of group {id} to the defaults?', { id: groupId })) && action.run(async () => (await del(`${base}/config`), onSaved()));
  return html`<form onSubmit=${submit} aria-label=${t('Group settings')}>
      <div class="form-row">
        <${TextField} label=${t('Group name')} value=${form.groupName} onValue=${set('groupName')} error=${errors.groupName} name="groupName" />
        <${TextField} label=${t('Preset id')} value=${form.presetId} onValue=${set('presetId')} error=${errors.presetId} hint=${t('Empty: the global default.')} name="presetId" />
        <${TextField} label=${t('Command prefix')} value=${form.customPrefix} onValue=${set('customPrefix')} error=${errors.customPrefix} name="customPrefix" />
        <${SelectField} label=${t('User list mode')} value=${form.listMode} onValue=${set('listMode')} options=${[['none', t('none')], ['blacklist', t('blacklist')], ['whitelist', t('whitelist')]]} error=${errors.listMode} />
      </div>
      <${CheckField} label=${t('Enabled in this group')} checked=${form.enabled} onValue=${set('enabled')} />
      <${TextField} label=${t('System prompt')} value=${form.systemPrompt} onValue=${set('systemPrompt')} error=${errors.systemPrompt} multiline name="systemPrompt" />
      <div class="form-row">
        <${TextField} label=${t('Blacklist (user ids)')} value=${form.blacklist} onValue=${set('blacklist')} error=${errors.blacklist} name="blacklist" />
        <${TextField} label=${t('Whitelist (user ids)')} value=${form.whitelist} onValue=${set('whitelist')} error=${errors.whitelist} name="whitelist" />
      </div>
      <${ErrorNote} error=${action.error} label=${t('Save failed')} />
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <div class="actions">
        <${Button} class="primary" type="submit" busy=${action.busy}>${t('Save')}</${Button}>
        <button type="button" class="danger" onClick=${reset}>${t('Reset to defaults')}</button>
      </div>
    </form>
    <details><summary>${t('All settings as JSON')}</summary>
      <form onSubmit=${submitAdvanced}>
        <${TextField} label=${t('Settings (JSON)')} value=${advanced} onValue=${setAdvanced} multiline class="code" spellcheck="false" />
        <${Button} type="submit" busy=${action.busy}>${t('Save JSON')}</${Button}>
      </form>
    </details>`;
}

function Group({ groupId, onSaved }) {
  const settings = useLoad(() => get(`group-admin/${encodeURIComponent(groupId)}/config`), [groupId]);
  const effective = useLoad(() => get(`group-admin/${encodeURIComponent(groupId)}/effective`), [groupId]);
  const [epoch, setEpoch] = useState(0);
  const saved = () => {
    settings.reload();
    effective.reload();
    setEpoch((n) => n + 1);
    onSaved?.();
  };
  return html`<${Section} title=${t('Group settings')}>
      <${Loaded} state=${settings} label=${t('Group settings')}>${(s) => html`<${GroupSettings} key=${epoch} groupId=${groupId} settings=${s} onSaved=${saved} />`}</${Loaded}>
    </${Section}>
    <${Section} title=${t('Effective settings')}>
      <p class="muted">${t('Group → global configuration → default.')}</p>
      <${Loaded} state=${effective} label=${t('Effective settings')}>${(e) => html`<pre>${json(e.settings ?? e)}</pre>`}</${Loaded}>
    </${Section}>`;
}

/**
 * The groups with settings and the groups the connected bots are in (README.md#web-panel), one
 * row per group id; a bot list that cannot be read (no bot module, a bot that failed) leaves the
 * settings list standing.
 */
async function loadGroups() {
  const [configured, joined] = await Promise.all([get('group-admin'), get('bots/groups').catch(() => [])]);
  const byId = new Map(joined.map((g) => [g.groupId, { groupId: g.groupId, name: g.name, selfIds: g.selfIds, configured: false }]));
  for (const g of configured) {
    const bot = byId.get(g.groupId);
    byId.set(g.groupId, { groupId: g.groupId, name: g.groupName || bot?.name || '', selfIds: bot?.selfIds ?? [], enabled: g.enabled, configured: true });
  }
  return [...byId.values()].sort((a, b) => a.groupId.localeCompare(b.groupId, 'en', { numeric: true }));
}

export default function GroupsPage({ user }) {
  const groups = useLoad(() => (user.role === 'master' ? loadGroups() : Promise.resolve([])));
  const [picked, setPicked] = useState(user.groupId ?? null);
  const [newId, setNewId] = useState('');
  if (user.role !== 'master') {
    return html`<h1>${t('Group {id}', { id: user.groupId })}</h1><${Group} groupId=${user.groupId} />`;
  }
  return html`<h1>${t('Groups')}</h1>
    <div class="cols">
      <${Section} title=${t('Groups')}>
        <${Loaded} state=${groups} label=${t('Groups')}>${(list) =>
          list.length
            ? html`<ul class="list">${list.map((g) => html`<li data-group=${g.groupId}><button class="item" aria-pressed=${picked === g.groupId} onClick=${() => setPicked(g.groupId)}>
                <b>${g.groupId}</b> ${g.name ? html`<span class="muted">${g.name}</span>` : null}
                ${g.selfIds.length ? html`<span class="badge" data-bots>${t('bot {ids}', { ids: g.selfIds.join(', ') })}</span>` : null}
                ${g.configured ? null : html`<span class="badge" data-unconfigured>${t('no settings yet')}</span>`}
                ${g.enabled === false ? html`<span class="badge warn">${t('disabled')}</span>` : null}</button></li>`)}</ul>`
            : html`<${Empty} text=${t('No group has settings and no connected bot is in a group.')} />`}</${Loaded}>
        <form class="actions" onSubmit=${(e) => (e.preventDefault(), newId.trim() && setPicked(newId.trim()))}>
          <${TextField} label=${t('Open group by id')} value=${newId} onValue=${setNewId} name="groupId" />
          <button type="submit">${t('Open')}</button>
        </form>
      </${Section}>
      <div>${picked ? html`<${Group} key=${picked} groupId=${picked} onSaved=${groups.reload} />` : html`<p class="muted">${t('Pick a group.')}</p>`}</div>
    </div>`;
}
