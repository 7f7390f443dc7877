// The panel shell: who is logged in, the navigation, the language switch and a hash router
// that loads each page's module on first visit (the dashboard stays small to load).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html, ErrorNote, Loading } from './lib/ui.js';
import { get, post, setUnauthorizedHandler } from './lib/api.js';
import { getLang, onLang, setLang, t } from './lib/i18n.js';
import { onProgress } from './lib/progress.js';

const PAGES = [
  { path: '', label: 'Dashboard', load: () => import('./pages/dashboard.js') },
  { path: 'bots', label: 'Bots', load: () => import('./pages/bots.js') },
  { path: 'usage', label: 'Usage', load: () => import('./pages/usage.js') },
  { path: 'config', label: 'Configuration', load: () => import('./pages/config.js') },
  { path: 'channels', label: 'Channels', load: () => import('./pages/channels.js') },
  { path: 'presets', label: 'Presets', load: () => import('./pages/presets.js') },
  { path: 'chat', label: 'Chat', load: () => import('./pages/chat.js') },
  { path: 'conversations', label: 'Conversations', load: () => import('./pages/conversations.js') },
  { path: 'tools', label: 'Tools & skills', load: () => import('./pages/tools.js') },
  { path: 'mcp', label: 'MCP servers', load: () => import('./pages/mcp.js') },
  { path: 'groups', label: 'Groups', load: () => import('./pages/groups.js') },
  { path: 'memory', label: 'Memory', load: () => import('./pages/memory.js') },
];

/** `#/channels/abc` → `{page: 'channels', rest: ['abc']}`. */
function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { page: parts[0] || '', rest: parts.slice(1) };
}

/** Page modules already loaded, so that showing one again (or the first one) takes no extra render. */
const loadedPages = new Map();
const loadPage = (entry) => entry.load().then((m) => (loadedPages.set(entry, m), m));

// Ask who is logged in and fetch the page asked for at once, both before the first render.
const whoAmI = get('auth/verify');
const firstPage = PAGES.find((p) => p.path === parseHash().page);
if (firstPage) loadPage(firstPage).catch(() => {});

function useHash() {
  const [route, setRoute] = useState(parseHash);
  useEffect(() => {
    const on = () => setRoute(parseHash());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function ProgressBar() {
  const [on, setOn] = useState(false);
  useEffect(() => onProgress(setOn), []);
  return on ? html`<div class="progress" role="progressbar" aria-label=${t('Working…')}></div>` : null;
}

function LangSwitch() {
  return html`<label class="toggle"><span class="sr">${t('Language')}</span>
    <select aria-label=${t('Language')} value=${getLang()} onChange=${(e) => setLang(e.target.value)}>
      <option value="en">English</option><option value="zh">简体中文</option>
    </select></label>`;
}

/** Shown when there is no valid session: the panel cannot log in by itself, a login link does. */
function LoggedOut({ error }) {
  return html`<div class="login card">
    <h1>ChatAI</h1>
    ${error && error.status !== 401 ? html`<${ErrorNote} error=${error} />` : null}
    <p>${error?.code === 'TOKEN_EXPIRED' ? t('Your session has expired.') : t('You are not logged in.')}</p>
    <p>${t('Open a login link. Get one on the server with')} <code>npm run login-link</code>.</p>
    <${LangSwitch} />
  </div>`;
}

/** Loads a page module and renders its default export. */
function PageHost({ entry, route, user }) {
  const [mod, setMod] = useState(() => loadedPages.get(entry) ?? null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (mod) return;
    let live = true;
    loadPage(entry).then((m) => live && setMod(m), (e) => live && setError(e));
    return () => (live = false);
  }, [entry]);
  if (error) return html`<${ErrorNote} error=${error} />`;
  if (!mod) return html`<${Loading} />`;
  const Page = mod.default;
  return html`<${Page} route=${route} user=${user} />`;
}

function Shell({ user, onLogout }) {
  const route = useHash();
  const isMaster = user.role === 'master';
  const pages = isMaster ? PAGES : PAGES.filter((p) => p.path === 'groups');
  // A group admin has exactly one page: its group.
  const entry = pages.find((p) => p.path === route.page) || (isMaster ? null : pages[0]);
  useEffect(() => {
    document.title = `${entry ? t(entry.label) : t('Not found')} · ChatAI`;
  }, [entry, getLang()]);
  return html`<div class="shell">
    <nav class="nav" aria-label=${t('Main')}>
      <div class="brand">ChatAI</div>
      ${pages.map((p) => html`<a href=${'#/' + p.path} aria-current=${entry === p ? 'page' : null}>${t(p.label)}</a>`)}
      <div class="spacer"></div>
      <div class="tools">
        <span class="badge" title=${t('Role')}>${isMaster ? t('Master') : `${t('Group admin')} ${user.groupId}`}</span>
        <${LangSwitch} />
        <button class="link" onClick=${onLogout}>${t('Log out')}</button>
      </div>
    </nav>
    <main id="main">
      ${entry
        ? html`<${PageHost} key=${entry.path} entry=${entry} route=${route} user=${user} />`
        : html`<h1>${t('Not found')}</h1><p>${t('There is no such page.')} <a href="#/">${t('Dashboard')}</a></p>`}
    </main>
  </div>`;
}

function App() {
  const [session, setSession] = useState({ loading: true });
  const [, setLangTick] = useState(0);
  useEffect(() => onLang(() => setLangTick((n) => n + 1)), []);
  useEffect(() => {
    setUnauthorizedHandler((error) => setSession({ user: null, error }));
    whoAmI.then(
      (user) => setSession({ user }),
      (error) => setSession({ user: null, error }),
    );
  }, []);
  const logout = async () => {
    try {
      await post('auth/logout');
    } finally {
      setSession({ user: null, error: null });
    }
  };
  return html`<${ProgressBar} />
    ${session.loading ? html`<${Loading} />` : session.user ? html`<${Shell} key=${getLang()} user=${session.user} onLogout=${logout} />` : html`<${LoggedOut} error=${session.error} />`}`;
}

render(html`<${App} />`, document.getElementById('app'));
