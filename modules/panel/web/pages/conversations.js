// Conversations: list (search, paging), read one, delete one.
import { useState } from 'preact/hooks';
import { html, Button, Empty, ErrorNote, Loaded, Section, TextField, confirmed, fmtTime, useAction, useLoad } from '../lib/ui.js';
import { del, get } from '../lib/api.js';
import { t } from '../lib/i18n.js';

const PAGE = 50;

function Conversation({ id, onDeleted }) {
  const conv = useLoad(() => get(`conversations/${encodeURIComponent(id)}`), [id]);
  const action = useAction();
  const remove = () => {
    if (!confirmed(t('Delete conversation "{id}"?', { id }))) return;
    action.run(async () => {
      await del(`conversations/${encodeURIComponent(id)}`);
      onDeleted();
    });
  };
  return html`<${Section} title=${id} actions=${html`<${Button} class="danger" busy=${action.busy} onClick=${remove}>${t('Delete')}</${Button}>`}>
    <${ErrorNote} error=${action.error} />
    <${Loaded} state=${conv} label=${t('Conversation')}>${(c) => html`<div class="chat-log">
      ${c.messages.length ? c.messages.map((m) => html`<div class=${'msg ' + (m.role === 'user' ? 'user' : m.role === 'assistant' ? 'assistant' : 'tool')}>
        <small class="muted">${m.role} · ${fmtTime(m.timestamp)}</small><br />${typeof m.content === 'string' ? m.content : JSON.stringify(m.content)}</div>`) : html`<${Empty} text=${t('No messages.')} />`}
    </div>`}</${Loaded}>
  </${Section}>`;
}

export default function ConversationsPage() {
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState(null);
  const list = useLoad(() => get(`conversations?limit=${PAGE}&offset=${offset}${query ? `&search=${encodeURIComponent(query)}` : ''}`), [query, offset]);
  const submit = (e) => {
    e.preventDefault();
    setOffset(0);
    setQuery(search.trim());
  };
  return html`<h1>${t('Conversations')}</h1>
    <div class="cols">
      <${Section} title=${t('Conversations')}>
        <form onSubmit=${submit} class="actions" role="search">
          <${TextField} label=${t('Search')} value=${search} onValue=${setSearch} type="search" name="search" />
          <button type="submit">${t('Search')}</button>
        </form>
        <${Loaded} state=${list} label=${t('Conversations')}>${(data) =>
          data.conversations.length
            ? html`<ul class="list">${data.conversations.map((c) => html`<li><button class="item" aria-pressed=${open === c.id} onClick=${() => setOpen(c.id)} data-conversation=${c.id}>
                <b>${c.id}</b> <span class="badge">${c.messageCount}</span><br /><small class="muted">${fmtTime(c.updatedAt)} · ${(c.lastMessage || '').slice(0, 80)}</small></button></li>`)}</ul>
              <div class="actions">
                <button disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE))}>${t('Previous')}</button>
                <small class="muted">${offset + 1}–${offset + data.conversations.length} / ${data.total}</small>
                <button disabled=${offset + PAGE >= data.total} onClick=${() => setOffset(offset + PAGE)}>${t('Next')}</button>
              </div>`
            : html`<${Empty} text=${t('No conversations yet.')} />`}</${Loaded}>
      </${Section}>
      <div>${open ? html`<${Conversation} key=${open} id=${open} onDeleted=${() => (setOpen(null), list.reload())} />` : html`<p class="muted">${t('Pick a conversation to read it.')}</p>`}</div>
    </div>`;
}
