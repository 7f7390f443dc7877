// Memory: users with memories, a user's memories (add, edit, delete) and search.
import { useEffect, useState } from 'preact/hooks';
import { html, Button, Empty, ErrorNote, Loaded, Section, SelectField, TextField, confirmed, detailsByField, fmtTime, useAction, useLoad } from '../lib/ui.js';
import { del, get, post, put } from '../lib/api.js';
import { t } from '../lib/i18n.js';

const CATEGORIES = ['basic_info', 'preferences', 'events', 'relationships', 'interests', 'custom'];
const categoryOptions = (labels) => CATEGORIES.map((c) => [c, labels?.[c] ? t(labels[c]) : c]);

function MemoryItem({ memory, labels, onChanged }) {
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState({ content: memory.content, category: memory.category });
  const action = useAction();
  const errors = detailsByField(action.error);
  const id = encodeURIComponent(memory.id);
  const save = (e) => {
    e.preventDefault();
    action.run(async () => {
      await put(`memories/${id}`, form);
      setEditing(false);
      onChanged();
    });
  };
  const remove = () => confirmed(t('Delete this memory?')) && action.run(async () => (await del(`memories/${id}`), onChanged()));
  return html`<li data-memory=${memory.id}>
    ${editing
      ? html`<form onSubmit=${save} aria-label=${t('Edit memory')}>
          <${TextField} label=${t('Content')} value=${form.content} onValue=${(v) => setForm({ ...form, content: v })} error=${errors.content} multiline name="content" />
          <${SelectField} label=${t('Category')} value=${form.category} onValue=${(v) => setForm({ ...form, category: v })} options=${categoryOptions(labels)} error=${errors.category} />
          <div class="actions"><${Button} class="primary" type="submit" busy=${action.busy}>${t('Save')}</${Button}><button type="button" onClick=${() => setEditing(false)}>${t('Cancel')}</button></div>
        </form>`
      : html`<div class="card-head"><span><span class="badge">${labels?.[memory.category] ? t(labels[memory.category]) : memory.category}</span> <span class="memory-content">${memory.content}</span>
            ${memory.score != null ? html` <small class="muted">${t('score')} ${memory.score}</small>` : null}<br />
            <small class="muted">${memory.userId} · ${fmtTime(memory.updatedAt)}</small></span>
          <span class="actions"><button onClick=${() => setEditing(true)}>${t('Edit')}</button><${Button} class="danger" busy=${action.busy} onClick=${remove}>${t('Delete')}</${Button}></span></div>`}
    <${ErrorNote} error=${action.error} />
  </li>`;
}

function AddMemory({ userId, labels, onAdded }) {
  const [form, setForm] = useState({ content: '', category: 'custom' });
  const action = useAction();
  const errors = detailsByField(action.error);
  const submit = (e) => {
    e.preventDefault();
    action.run(async () => {
      await post(`memories/user/${encodeURIComponent(userId)}`, form);
      setForm({ ...form, content: '' });
      onAdded();
    });
  };
  return html`<form onSubmit=${submit} aria-label=${t('Add memory')}>
    <div class="form-row">
      <${TextField} label=${t('New memory')} value=${form.content} onValue=${(v) => setForm({ ...form, content: v })} error=${errors.content} name="content" />
      <${SelectField} label=${t('Category')} value=${form.category} onValue=${(v) => setForm({ ...form, category: v })} options=${categoryOptions(labels)} error=${errors.category} />
    </div>
    <${ErrorNote} error=${action.error} label=${t('Adding failed')} />
    <${Button} class="primary" type="submit" busy=${action.busy}>${t('Add')}</${Button}>
  </form>`;
}

function UserMemories({ userId, labels, version, onChanged }) {
  const list = useLoad(() => get(`memories/user/${encodeURIComponent(userId)}?format=list`), [userId, version]);
  const clear = useAction();
  const clearAll = () => confirmed(t('Delete every memory of {id}?', { id: userId })) && clear.run(async () => (await del(`memories/user/${encodeURIComponent(userId)}`), onChanged()));
  return html`<${Section} title=${t('Memories of {id}', { id: userId })} actions=${html`<${Button} class="danger" busy=${clear.busy} onClick=${clearAll}>${t('Delete all')}</${Button}>`}>
    <${ErrorNote} error=${clear.error} />
    <${Loaded} state=${list} label=${t('Memories')}>${(items) =>
      items.length ? html`<ul class="list">${items.map((m) => html`<${MemoryItem} key=${m.id + m.updatedAt} memory=${m} labels=${labels} onChanged=${onChanged} />`)}</ul>` : html`<${Empty} text=${t('No memories.')} />`}</${Loaded}>
    <h3>${t('Add memory')}</h3>
    <${AddMemory} userId=${userId} labels=${labels} onAdded=${onChanged} />
  </${Section}>`;
}

function Search({ labels, version, onChanged }) {
  const [query, setQuery] = useState('');
  const [searched, setSearched] = useState('');
  const [results, setResults] = useState(null);
  const action = useAction();
  const run = (q) => action.run(async () => {
    const found = await get(`memories/search?query=${encodeURIComponent(q)}`);
    setResults(Array.isArray(found) ? found : found.results ?? found.memories ?? []);
  });
  const search = (e) => {
    e.preventDefault();
    setSearched(query);
    run(query);
  };
  // Results follow changes made anywhere on the page.
  useEffect(() => {
    if (searched) run(searched);
  }, [version]);
  return html`<form onSubmit=${search} role="search" class="actions">
      <${TextField} label=${t('Search memories')} value=${query} onValue=${setQuery} type="search" name="query" />
      <${Button} type="submit" busy=${action.busy}>${t('Search')}</${Button}>
    </form>
    <${ErrorNote} error=${action.error} label=${t('Search failed')} />
    ${results ? (results.length ? html`<ul class="list search-results">${results.map((m) => html`<${MemoryItem} key=${m.id + m.updatedAt} memory=${m} labels=${labels} onChanged=${onChanged} />`)}</ul>` : html`<${Empty} text=${t('No match.')} />`) : null}`;
}

export default function MemoryPage() {
  const users = useLoad(() => get('memories/users'));
  const categories = useLoad(() => get('memories/categories'));
  const [picked, setPicked] = useState(null);
  const [newUser, setNewUser] = useState('');
  // Bumped by any change, so the user list, the user's memories and the search results agree.
  const [version, setVersion] = useState(0);
  const changed = () => {
    setVersion((n) => n + 1);
    users.reload();
  };
  const labels = categories.data?.labels;
  return html`<h1>${t('Memory')}</h1>
    <${Section} title=${t('Search')}><${Search} labels=${labels} version=${version} onChanged=${changed} /></${Section}>
    <div class="cols">
      <${Section} title=${t('Users')}>
        <${Loaded} state=${users} label=${t('Users')}>${(list) =>
          list.length
            ? html`<ul class="list">${list.map((u) => html`<li><button class="item" aria-pressed=${picked === u.userId} onClick=${() => setPicked(u.userId)} data-user=${u.userId}>
                <b>${u.userId}</b> <span class="badge">${u.count}</span><br /><small class="muted">${fmtTime(u.lastUpdate)}</small></button></li>`)}</ul>`
            : html`<${Empty} text=${t('No memories yet.')} />`}</${Loaded}>
        <form class="actions" onSubmit=${(e) => (e.preventDefault(), newUser.trim() && setPicked(newUser.trim()))}>
          <${TextField} label=${t('Open user by id')} value=${newUser} onValue=${setNewUser} name="userId" />
          <button type="submit">${t('Open')}</button>
        </form>
      </${Section}>
      <div>${picked ? html`<${UserMemories} key=${picked} userId=${picked} labels=${labels} version=${version} onChanged=${changed} />` : html`<p class="muted">${t('Pick a user.')}</p>`}</div>
    </div>`;
}
