// Bots (docs/bot.md#api, README.md#web-panel): the reverse URL to paste into NapCat/LLOneBot, the bots and
// forward connections with their live status and counters, adding and removing forward
// connections, and a test message. Tokens never reach this page: the API says only whether one
// is set. Status follows bot-connected/-disconnected on /api/system/events; the counters change
// with every message and have no event, so they are polled while the page is visible.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html, Button, Empty, ErrorNote, Loaded, Section, SelectField, TextField, confirmed, detailsByField, fmtTime, useAction, useLoad } from '../lib/ui.js';
import { del, get, listen, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';

const COUNTERS_EVERY_MS = 10_000;
/** The counters of `GET /api/bots`, with their column titles (a function: the language may change). */
const counters = () => [
  ['messagesIn', t('Messages in')],
  ['triggered', t('Triggered')],
  ['repliesOut', t('Replies out')],
  ['errors', t('Errors')],
];

/** Copies `input`'s text; the clipboard API needs a secure context, so plain http behind a proxy falls back to a selection copy. */
async function copyFrom(input) {
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
    return true;
  } catch {
    return document.execCommand('copy');
  }
}

function ReverseUrl() {
  const reverse = useLoad(() => get('bots/reverse'));
  const input = useRef(null);
  const [copied, setCopied] = useState(null);
  const copy = async () => setCopied(await copyFrom(input.current));
  return html`<${Loaded} state=${reverse} label=${t('Reverse WebSocket')}>${(r) => html`
    <p class="muted">${t('Paste this address into NapCat, LLOneBot or Lagrange as a reverse WebSocket (Universal client).')}</p>
    <div class="copy-row">
      <input ref=${input} readonly value=${r.url} aria-label=${t('Reverse WebSocket URL')} data-reverse-url onFocus=${(e) => e.target.select()} />
      <button type="button" onClick=${copy}>${t('Copy')}</button>
    </div>
    ${copied === null ? null : html`<p class="notice" role="status">${copied ? t('Copied.') : t('Selected: press Ctrl+C to copy.')}</p>`}
    <p data-token-set=${String(r.tokenSet)}>${r.tokenSet
      ? t('An access token is set: enter the same token in the implementation. It is never shown here.')
      : t('No access token is set: only connections from this machine are accepted.')}
      ${' '}<a href="#/config">${t('Configuration')}</a></p>`}</${Loaded}>`;
}

/** The bots, with each forward connection's settings beside its bot (or alone until it first connects). */
function rows({ bots, connections }) {
  const byId = new Map(connections.map((c) => [c.id, c]));
  const listed = bots.map((b) => ({ ...b, connection: b.connectionId ? byId.get(b.connectionId) : undefined }));
  const missing = connections.filter((c) => !bots.some((b) => b.connectionId === c.id));
  return [...listed, ...missing.map((c) => ({ selfId: null, via: 'forward', connectionId: c.id, connected: false, connection: c }))];
}

function BotRow({ bot, onChanged }) {
  const action = useAction();
  const id = bot.connectionId;
  const remove = () =>
    confirmed(t('Remove forward connection "{id}"?', { id })) &&
    action.run(async () => {
      await del(`bots/connections/${encodeURIComponent(id)}`);
      onChanged();
    });
  return html`<tr data-bot=${bot.selfId ?? ''} data-connection=${id ?? null}>
    <td><b>${bot.selfId ?? '—'}</b>${bot.nickname ? html`<br /><small class="muted">${bot.nickname}</small>` : null}</td>
    <td>${bot.via === 'forward' ? t('forward') : t('reverse')}
      ${id ? html`<br /><code>${id}</code> <small class="muted">${bot.url ?? bot.connection?.url ?? ''}</small>` : null}
      ${bot.connection?.accessToken ? html` <span class="badge">${t('token set')}</span>` : null}</td>
    <td><span class=${'badge ' + (bot.connected ? 'ok' : 'warn')} data-status=${bot.connected ? 'connected' : 'disconnected'}>${t(bot.connected ? 'connected' : 'disconnected')}</span>
      ${bot.connectedAt ? html`<br /><small class="muted">${t('since {time}', { time: fmtTime(bot.connectedAt) })}</small>` : null}</td>
    <td>${fmtTime(bot.lastEventAt)}</td>
    ${counters().map(([key]) => html`<td class="num" data-counter=${key}>${bot.counters?.[key] ?? '—'}</td>`)}
    <td>${id ? html`<${Button} class="danger" busy=${action.busy} onClick=${remove} aria-label=${t('Remove {id}', { id })}>${t('Remove')}</${Button}>` : null}
      <${ErrorNote} error=${action.error} /></td>
  </tr>`;
}

const EMPTY_CONNECTION = { id: '', url: '', accessToken: '' };

function AddConnection({ onDone }) {
  const [form, setForm] = useState(EMPTY_CONNECTION);
  const action = useAction();
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const errors = detailsByField(action.error);
  const submit = (e) => {
    e.preventDefault();
    const body = { id: form.id.trim(), url: form.url.trim() };
    if (form.accessToken) body.accessToken = form.accessToken;
    action.run(async () => {
      await post('bots/connections', body);
      setForm(EMPTY_CONNECTION); // the token leaves the page once it is stored
      onDone();
    });
  };
  return html`<form onSubmit=${submit} aria-label=${t('Add forward connection')}>
    <p class="muted">${t('The server connects out to the implementation’s WebSocket server and reconnects when it drops.')}</p>
    <div class="form-row">
      <${TextField} label=${t('Id') + ' *'} value=${form.id} onValue=${set('id')} error=${errors.id} name="id" required />
      <${TextField} label=${t('URL') + ' *'} value=${form.url} onValue=${set('url')} error=${errors.url} name="url" placeholder="ws://127.0.0.1:3001" required />
      <${TextField} label=${t('Access token')} value=${form.accessToken} onValue=${set('accessToken')} error=${errors.accessToken} name="accessToken" type="password" autocomplete="new-password" />
    </div>
    <${ErrorNote} error=${action.error} label=${t('Adding failed')} />
    <${Button} class="primary" type="submit" busy=${action.busy}>${t('Add connection')}</${Button}>
  </form>`;
}

const EMPTY_MESSAGE = { selfId: '', target: 'group', id: '', message: '' };

function SendTest({ bots }) {
  const [form, setForm] = useState(EMPTY_MESSAGE);
  const [sent, setSent] = useState(null);
  const action = useAction();
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const errors = detailsByField(action.error);
  const connected = bots.filter((b) => b.connected && b.selfId != null).map((b) => String(b.selfId));
  if (!connected.length) return html`<${Empty} text=${t('No bot is connected.')} />`;
  const selfId = connected.includes(form.selfId) ? form.selfId : connected[0];
  const key = form.target === 'group' ? 'groupId' : 'userId';
  const submit = (e) => {
    e.preventDefault();
    setSent(null);
    action.run(async () => setSent((await post(`bots/${encodeURIComponent(selfId)}/send`, { [key]: form.id.trim(), message: form.message })) ?? {}));
  };
  return html`<form onSubmit=${submit} aria-label=${t('Send a test message')}>
    <div class="form-row">
      <${SelectField} label=${t('Bot')} value=${selfId} onValue=${set('selfId')} options=${connected} />
      <${SelectField} label=${t('To')} value=${form.target} onValue=${set('target')} options=${[['group', t('a group')], ['user', t('a user')]]} />
      <${TextField} label=${form.target === 'group' ? t('Group id') : t('User id')} value=${form.id} onValue=${set('id')} error=${errors[key]} name="targetId" inputmode="numeric" required />
    </div>
    <${TextField} label=${t('Message')} value=${form.message} onValue=${set('message')} error=${errors.message} name="message" multiline required />
    <${ErrorNote} error=${action.error} label=${t('Sending failed')} />
    ${sent ? html`<p class="notice send-result" role="status">${sent.messageId != null ? t('Sent (message id {id}).', { id: sent.messageId }) : t('Sent.')}</p>` : null}
    <${Button} class="primary" type="submit" busy=${action.busy}>${t('Send')}</${Button}>
  </form>`;
}

/** Reloads `list` on the bot and connection events, after the stream reconnects (events may have been missed), and every few seconds while visible. */
function useLiveBots(list) {
  const [live, setLive] = useState('connecting');
  useEffect(() => {
    let opened = false;
    const close = listen(
      'system/events',
      (e) => {
        const connections = e.type === 'config-changed' && e.paths?.some((p) => p.startsWith('onebot'));
        if (e.type === 'bot-connected' || e.type === 'bot-disconnected' || connections) list.reload();
      },
      (state) => {
        setLive(state);
        if (state === 'open' && opened) list.reload();
        if (state === 'open') opened = true;
      },
    );
    const timer = setInterval(() => document.visibilityState === 'visible' && list.reload(), COUNTERS_EVERY_MS);
    return () => (close(), clearInterval(timer));
  }, []);
  return live;
}

export default function BotsPage() {
  const list = useLoad(async () => {
    const [bots, connections] = await Promise.all([get('bots'), get('bots/connections')]);
    return { bots, connections };
  });
  const live = useLiveBots(list);
  return html`<h1>${t('Bots')}</h1>
    <${Section} title=${t('Reverse WebSocket')}><${ReverseUrl} /></${Section}>
    <${Section} title=${t('Bots')} actions=${html`<span class="badge ${live === 'open' ? 'ok' : 'warn'}" data-live=${live}>${t(live)}</span>
      <button onClick=${list.reload}>${t('Refresh')}</button>`}>
      <${Loaded} state=${list} label=${t('Bots')}>${(data) => {
        const all = rows(data);
        return all.length
          ? html`<div class="table-wrap"><table>
              <thead><tr><th>${t('Bot')}</th><th>${t('Connection')}</th><th>${t('Status')}</th><th>${t('Last event')}</th>
                ${counters().map(([, label]) => html`<th class="num">${label}</th>`)}<th></th></tr></thead>
              <tbody>${all.map((b) => html`<${BotRow} key=${b.connectionId ? `forward:${b.connectionId}` : `reverse:${b.selfId}`} bot=${b} onChanged=${list.reload} />`)}</tbody>
            </table></div>`
          : html`<${Empty} text=${t('No bot yet. Paste the reverse URL into your OneBot implementation, or add a forward connection.')} />`;
      }}</${Loaded}>
    </${Section}>
    <${Section} title=${t('Add forward connection')}><${AddConnection} onDone=${list.reload} /></${Section}>
    <${Section} title=${t('Send a test message')}>
      <${Loaded} state=${list} label=${t('Bots')}>${(data) => html`<${SendTest} bots=${data.bots} />`}</${Loaded}>
    </${Section}>`;
}
