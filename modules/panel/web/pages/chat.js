// Chat playground: pick a channel's model and a preset, then watch the answer stream in from
// POST /api/chat/stream (read with fetch), with tool calls, their results and the usage.
import { useRef, useState } from 'preact/hooks';
import { html, Button, ErrorNote, Loaded, Section, SelectField, TextField, useLoad } from '../lib/ui.js';
import { ApiError, get, stream } from '../lib/api.js';
import { t } from '../lib/i18n.js';

function Entry({ entry }) {
  if (entry.kind === 'user') return html`<div class="msg user">${entry.text}</div>`;
  if (entry.kind === 'tool_call') return html`<div class="msg tool" data-kind="tool-call">${t('Tool call')}: <code>${entry.name}</code> <code>${JSON.stringify(entry.args)}</code></div>`;
  if (entry.kind === 'tool_result') {
    return html`<div class="msg tool" data-kind="tool-result">${t('Tool result')} <code>${entry.name}</code> ${entry.success ? '' : html`<span class="badge bad">${t('failed')}</span>`}
      <pre>${typeof entry.result === 'string' ? entry.result : JSON.stringify(entry.result, null, 2)}</pre></div>`;
  }
  if (entry.kind === 'error') return html`<${ErrorNote} error=${entry.error} label=${t('Chat failed')} />`;
  return html`<div class="msg assistant" data-kind="assistant" aria-live="polite">${entry.text}${entry.streaming ? html`<span class="spinner" aria-label=${t('Streaming')}></span>` : null}
    ${entry.usage ? html`<div class="muted usage"><small>${t('Usage')}: ${t('{p} prompt + {c} completion = {t} tokens', { p: entry.usage.promptTokens, c: entry.usage.completionTokens, t: entry.usage.totalTokens })}${entry.model ? ` · ${entry.model}` : ''}</small></div>` : null}</div>`;
}

function Playground({ channels, presets }) {
  const usable = channels.filter((c) => c.enabled && c.models?.length);
  const [channelId, setChannelId] = useState(usable[0]?.id ?? '');
  const channel = usable.find((c) => c.id === channelId);
  const [model, setModel] = useState(channel?.models[0] ?? '');
  const [presetId, setPresetId] = useState('');
  const [userId, setUserId] = useState('panel');
  const [message, setMessage] = useState('');
  const [log, setLog] = useState([]);
  const [running, setRunning] = useState(false);
  const abort = useRef(null);

  const pickChannel = (id) => {
    setChannelId(id);
    setModel(usable.find((c) => c.id === id)?.models[0] ?? '');
  };

  const send = async (e) => {
    e?.preventDefault();
    if (!message.trim() || running) return;
    const text = message;
    setMessage('');
    setRunning(true);
    // The assistant entry is replaced as frames arrive; tool entries go before it.
    let answer = { kind: 'assistant', text: '', streaming: true };
    setLog((l) => [...l, { kind: 'user', text }, answer]);
    const update = (next) => {
      const prev = answer;
      answer = next;
      setLog((l) => l.map((x) => (x === prev ? next : x)));
    };
    const insert = (entry) => setLog((l) => [...l.slice(0, l.indexOf(answer)), entry, ...l.slice(l.indexOf(answer))]);
    abort.current = new AbortController();
    const body = { message: text, userId, ...(model ? { model } : {}), ...(presetId ? { presetId } : {}) };
    try {
      await stream('chat/stream', body, (f) => {
        if (f.type === 'start') update({ ...answer, model: f.model });
        else if (f.type === 'content') update({ ...answer, text: answer.text + (f.text ?? f.data ?? '') });
        else if (f.type === 'tool_call') insert({ kind: 'tool_call', name: f.name, args: f.args });
        else if (f.type === 'tool_result') insert({ kind: 'tool_result', name: f.name, success: f.success, result: f.result ?? f.error });
        else if (f.type === 'end') update({ ...answer, streaming: false, usage: f.usage });
        else if (f.type === 'error') insert({ kind: 'error', error: new ApiError(502, f) });
      }, abort.current.signal);
    } catch (err) {
      if (err.name !== 'AbortError') insert({ kind: 'error', error: err });
    } finally {
      update({ ...answer, streaming: false });
      setRunning(false);
    }
  };

  return html`<form onSubmit=${send} aria-label=${t('Chat')}>
    <div class="form-row">
      <${SelectField} label=${t('Channel')} value=${channelId} onValue=${pickChannel} options=${[['', t('Automatic')], ...usable.map((c) => [c.id, c.name])]} />
      <${SelectField} label=${t('Model')} value=${model} onValue=${setModel} options=${[['', t('Default')], ...(channel?.models ?? []).map((m) => [m, m])]} />
      <${SelectField} label=${t('Preset')} value=${presetId} onValue=${setPresetId} options=${[['', t('Default')], ...presets.map((p) => [p.id, p.name])]} />
      <${TextField} label=${t('User id')} value=${userId} onValue=${setUserId} name="userId" />
    </div>
    <div class="chat-log" data-testid="chat-log">${log.map((entry, i) => html`<${Entry} key=${i} entry=${entry} />`)}</div>
    <${TextField} label=${t('Message')} value=${message} onValue=${setMessage} multiline name="message"
      onKeyDown=${(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && send(e)} hint=${t('Ctrl+Enter sends.')} />
    <div class="actions">
      <${Button} class="primary" type="submit" busy=${running} disabled=${!message.trim()}>${t('Send')}</${Button}>
      ${running ? html`<button type="button" onClick=${() => abort.current?.abort()}>${t('Stop')}</button>` : null}
      <button type="button" onClick=${() => setLog([])} disabled=${running}>${t('Clear')}</button>
    </div>
  </form>`;
}

export default function ChatPage() {
  const channels = useLoad(() => get('channels'));
  const presets = useLoad(() => get('presets'));
  return html`<h1>${t('Chat')}</h1>
    <${Section} title=${t('Playground')}>
      <${Loaded} state=${channels} label=${t('Channels')}>${(ch) => html`<${Loaded} state=${presets} label=${t('Presets')}>${(p) =>
        html`<${Playground} channels=${ch} presets=${p.presets} />`}</${Loaded}>`}</${Loaded}>
    </${Section}>`;
}
