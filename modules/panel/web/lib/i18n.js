// English and Simplified Chinese. The English text is the key; the language follows the
// browser until the user picks one, and the pick is remembered in localStorage.
import { ZH } from './zh.js';

const KEY = 'chatai.lang';
const listeners = new Set();

function initial() {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'zh') return saved;
  return (navigator.languages || [navigator.language]).some((l) => /^zh\b/i.test(l || '')) ? 'zh' : 'en';
}

let lang = initial();
document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';

export const getLang = () => lang;

export function setLang(next) {
  lang = next;
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  for (const fn of listeners) fn(next);
}

export function onLang(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Translates `text`; `{name}` placeholders are filled from `vars`. */
export function t(text, vars) {
  const out = (lang === 'zh' && ZH[text]) || text;
  return vars ? out.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : out;
}
