// Shared pieces of every page: the html tag, data loading, error, loading and empty states, fields.
import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import { t } from './i18n.js';

export const html = htm.bind(h);

/** Loads data with `fn` (again when `deps` change or `reload()` is called). */
/** Which form a list page shows: none, the new-item form, or one item's editor; `done` closes it and reloads the list. */
export function useEditor(list) {
  const [editing, setEditing] = useState(null);
  const [adding, setAdding] = useState(false);
  const close = () => {
    setEditing(null);
    setAdding(false);
  };
  return {
    editing,
    adding,
    add: () => (setAdding(true), setEditing(null)),
    edit: (item) => (setEditing(item), setAdding(false)),
    close,
    done: () => (close(), list.reload()),
  };
}

export function useLoad(fn, deps = []) {
  const [state, setState] = useState({ loading: true, data: undefined, error: null });
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await fn();
      if (mine === seq.current) setState({ loading: false, data, error: null });
    } catch (error) {
      if (mine === seq.current) setState({ loading: false, data: undefined, error });
    }
  }, deps);
  useEffect(() => {
    reload();
  }, [reload]);
  return { ...state, reload, setData: (data) => setState((s) => ({ ...s, data })) };
}

/**
 * Runs an action and keeps its error and busy state, so each form shows its own failure next to
 * the control that caused it.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (fn) => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, setError };
}

/** The envelope's `error` text, its code and the field errors of `details`. */
export function ErrorNote({ error, label }) {
  if (!error) return null;
  return html`<div class="error" role="alert">
    ${label ? html`<strong>${label}: </strong>` : null}<span class="error-text">${error.message}</span>
    ${error.code ? html` <code>${error.code}</code>` : null}
    ${error.details?.length ? html`<ul>${error.details.map((d) => html`<li><code>${d.path}</code> ${d.message}</li>`)}</ul>` : null}
  </div>`;
}

export const Loading = () => html`<p class="muted" role="status" aria-busy="true"><span class="spinner"></span> ${t('Loading…')}</p>`;

export const Empty = ({ text }) => html`<p class="empty">${text || t('Nothing here yet.')}</p>`;

/** Loading, error or content for a `useLoad` result. */
export function Loaded({ state, label, children }) {
  if (state.error) return html`<${ErrorNote} error=${state.error} label=${label} />`;
  if (state.data === undefined) return html`<${Loading} />`;
  return children(state.data);
}

let fieldIds = 0;
/** A labelled control; `children` is a function of the generated input id. */
export function Field({ label, hint, error, children }) {
  const id = useRef(`f${++fieldIds}`).current;
  return html`<div class="field${error ? ' invalid' : ''}">
    <label for=${id}>${label}</label>
    ${children(id)}
    ${hint ? html`<small class="muted">${hint}</small>` : null}
    ${error ? html`<small class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

/** Asks before something that cannot be undone. */
export const confirmed = (text) => window.confirm(text);

/** A button that shows a spinner and refuses clicks while its action runs. */
export const Button = ({ busy, disabled, children, class: cls = '', ...rest }) =>
  html`<button class=${cls} ...${rest} disabled=${busy || disabled} aria-busy=${busy ? 'true' : null}>${busy ? html`<span class="spinner"></span> ` : null}${children}</button>`;

export const Section = ({ title, actions, children }) => html`<section class="card">
  <header class="card-head"><h2>${title}</h2>${actions ? html`<div class="actions">${actions}</div>` : null}</header>
  ${children}
</section>`;

export const fmtTime = (value) => (value ? new Date(value).toLocaleString() : '—');
export const json = (value) => JSON.stringify(value, null, 2);

/** A labelled text input (or textarea with `multiline`) reporting its value through `onValue`. */
export const TextField = ({ label, value, onValue, error, hint, multiline, ...rest }) =>
  html`<${Field} label=${label} hint=${hint} error=${error}>${(id) =>
    multiline
      ? html`<textarea id=${id} value=${value ?? ''} onInput=${(e) => onValue(e.target.value)} ...${rest}></textarea>`
      : html`<input id=${id} value=${value ?? ''} onInput=${(e) => onValue(e.target.value)} ...${rest} />`}</${Field}>`;

/** A labelled select over `options` (`[value, label]` pairs or plain values). */
export const SelectField = ({ label, value, onValue, options, error }) =>
  html`<${Field} label=${label} error=${error}>${(id) => html`<select id=${id} value=${value ?? ''} onChange=${(e) => onValue(e.target.value)}>
    ${options.map((o) => (Array.isArray(o) ? html`<option value=${o[0]}>${o[1]}</option>` : html`<option value=${o}>${o}</option>`))}
  </select>`}</${Field}>`;

/** A labelled checkbox. */
export const CheckField = ({ label, checked, onValue }) => {
  const id = useRef(`c${++fieldIds}`).current;
  return html`<div class="field check"><input type="checkbox" id=${id} checked=${!!checked} onChange=${(e) => onValue(e.target.checked)} /><label for=${id}>${label}</label></div>`;
};

/** `details` of an error as `{ field: message }` (top-level body fields). */
export function detailsByField(error) {
  const out = {};
  for (const d of error?.details || []) out[d.path.replace(/^body\./, '')] = d.message;
  return out;
}
