// A form generated from a JSON Schema: used for configuration sections and tool arguments.
// Field errors come from an API answer's `details` (dotted paths relative to the form's value).
import { useState } from 'preact/hooks';
import { html, Field } from './ui.js';
import { t } from './i18n.js';

const typeOf = (schema) => {
  const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  if (type) return type;
  if (schema.properties) return 'object';
  if (schema.enum) return typeof schema.enum[0];
  return 'any';
};

const isPrimitive = (schema) => ['string', 'number', 'integer'].includes(typeOf(schema || {}));

/** Human label from a key: `maxTokens` → `Max tokens`. */
export function labelOf(key) {
  const words = key.replace(/[_-]+/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Maps `details` of an error to `{ 'a.b': message }`, dropping a leading `body.` and `strip`. */
export function fieldErrors(error, strip = '') {
  const out = {};
  for (const d of error?.details || []) {
    let p = d.path.replace(/^body\.?/, '');
    if (strip && (p === strip || p.startsWith(strip + '.'))) p = p.slice(strip.length + 1);
    out[p] = out[p] ? `${out[p]}; ${d.message}` : d.message;
  }
  return out;
}

function JsonInput({ id, value, onChange, setLocalError }) {
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value, null, 2));
  const commit = () => {
    if (!text.trim()) return onChange(undefined);
    try {
      onChange(JSON.parse(text));
      setLocalError(null);
    } catch {
      setLocalError(t('Not valid JSON'));
    }
  };
  return html`<textarea id=${id} class="code-small" value=${text} onInput=${(e) => setText(e.target.value)} onBlur=${commit}></textarea>`;
}

function Control({ name, label: key, schema, value, onChange, error, required }) {
  const [localError, setLocalError] = useState(null);
  const type = typeOf(schema);
  const label = `${schema.title || labelOf(key)}${required ? ' *' : ''}`;
  const hint = schema.description;
  if (type === 'boolean') {
    return html`<div class="field check${error ? ' invalid' : ''}">
      <input type="checkbox" id=${'cb-' + name} data-path=${name} checked=${value === true} onChange=${(e) => onChange(e.target.checked)} />
      <label for=${'cb-' + name}>${label}</label>
      ${error ? html`<small class="field-error" role="alert">${error}</small>` : null}
    </div>`;
  }
  return html`<${Field} label=${label} hint=${hint} error=${error || localError}>${(id) => {
    if (schema.enum) {
      return html`<select id=${id} data-path=${name} value=${value ?? ''} onChange=${(e) => onChange(e.target.value === '' ? undefined : schema.enum.find((x) => String(x) === e.target.value))}>
        ${value === undefined || !required ? html`<option value="">—</option>` : null}
        ${schema.enum.map((x) => html`<option value=${String(x)}>${String(x)}</option>`)}
      </select>`;
    }
    if (type === 'integer' || type === 'number') {
      return html`<input id=${id} data-path=${name} type="number" step=${type === 'integer' ? 1 : 'any'} min=${schema.minimum} max=${schema.maximum} value=${value ?? ''}
        onInput=${(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />`;
    }
    if (type === 'string') {
      const long = /prompt|template|description|content/i.test(name) || (schema.maxLength ?? 0) > 500;
      return long
        ? html`<textarea id=${id} data-path=${name} value=${value ?? ''} onInput=${(e) => onChange(e.target.value)}></textarea>`
        : html`<input id=${id} data-path=${name} type=${/password|secret|apikey/i.test(name) ? 'password' : 'text'} value=${value ?? ''} onInput=${(e) => onChange(e.target.value)} />`;
    }
    if (type === 'array' && isPrimitive(schema.items)) {
      const numeric = ['number', 'integer'].includes(typeOf(schema.items));
      return html`<textarea id=${id} data-path=${name} placeholder=${t('One per line')} value=${(value || []).join('\n')}
        onInput=${(e) => onChange(e.target.value.split('\n').map((s) => s.trim()).filter(Boolean).map((s) => (numeric && /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s)))}></textarea>`;
    }
    return html`<${JsonInput} id=${id} value=${value} onChange=${onChange} setLocalError=${setLocalError} />`;
  }}</${Field}>`;
}

/** Fields for every property of an object schema; nested objects become fieldsets. */
export function SchemaForm({ schema, value = {}, onChange, errors = {}, path = '' }) {
  const props = schema.properties || {};
  const required = new Set(schema.required || []);
  const set = (key, v) => {
    const next = { ...value };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(next);
  };
  return html`${Object.entries(props).map(([key, sub]) => {
    const full = path ? `${path}.${key}` : key;
    if (typeOf(sub) === 'object' && sub.properties) {
      return html`<fieldset key=${full}><legend>${sub.title || labelOf(key)}</legend>
        <${SchemaForm} schema=${sub} value=${value[key] || {}} onChange=${(v) => set(key, v)} errors=${errors} path=${full} />
      </fieldset>`;
    }
    return html`<${Control} key=${full} name=${full} label=${key} schema=${sub} value=${value[key]} required=${required.has(key)} error=${errors[full]} onChange=${(v) => set(key, v)} />`;
  })}`;
}
