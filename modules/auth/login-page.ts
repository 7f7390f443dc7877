/**
 * The page a login link opens. A GET never consumes the token (chat apps and link previewers fetch
 * links before the user does): the page's script exchanges it with POST /api/auth/login and then
 * goes to the panel. URLs are relative so the page works behind a reverse proxy under a sub-path.
 * It speaks English and Simplified Chinese like the panel (same remembered choice).
 */
import { pageHeaders } from '../../lib/page-headers.ts';

export const LOGIN_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>ChatAI — log in</title>
<style>
  :root { color-scheme: light dark; --bg: #f6f7f9; --fg: #1d2430; --card: #fff; --line: #d9dee5; --danger: #b42318; --code: #eef1f5; --muted: #5f6b7a;
    font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; }
  @media (prefers-color-scheme: dark) { :root { --bg: #0f1217; --fg: #e4e8ee; --card: #171b22; --line: #2a313c; --danger: #ff7b72; --code: #212833; --muted: #97a3b3; } }
  body { margin: 0; background: var(--bg); color: var(--fg); }
  main { max-width: 30rem; margin: 15vh auto; padding: 1.5rem; background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
  h1 { margin: 0 0 1rem; font-size: 1.4rem; }
  .error { color: var(--danger); }
  code { background: var(--code); padding: 0 .3em; border-radius: 4px; }
  footer { margin-top: 1.5rem; color: var(--muted); }
  select { font: inherit; }
</style>
</head>
<body>
<main>
  <h1>ChatAI</h1>
  <p id="message" role="status" aria-live="polite">Logging in…</p>
  <p id="hint" hidden></p>
  <footer><label><span id="lang-label">Language</span>
    <select id="lang"><option value="en">English</option><option value="zh">简体中文</option></select></label></footer>
</main>
<script>
(async () => {
  const TEXT = {
    en: { working: 'Logging in…', done: 'Logged in. Opening the panel…', noToken: 'This login link has no token.', failed: 'Login failed ({status}).',
      unreachable: 'The server could not be reached.', hint: 'Get a new link on the server with', lang: 'Language' },
    zh: { working: '正在登录…', done: '登录成功，正在打开面板…', noToken: '此登录链接中没有令牌。', failed: '登录失败（{status}）。',
      unreachable: '无法连接服务器。', hint: '请在服务器上获取新链接：', lang: '语言' },
  };
  const KEY = 'chatai.lang';
  const saved = localStorage.getItem(KEY);
  let lang = saved === 'en' || saved === 'zh' ? saved : (navigator.languages || [navigator.language]).some((l) => /^zh\\b/i.test(l || '')) ? 'zh' : 'en';
  const message = document.getElementById('message');
  const select = document.getElementById('lang');
  // What is shown: a text key, or an error (the server's own text, kept as sent).
  let state = { key: 'working' };
  const render = () => {
    const t = TEXT[lang];
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.getElementById('lang-label').textContent = t.lang;
    select.value = lang;
    message.className = state.error ? 'error' : '';
    message.textContent = state.error || t[state.key];
    // The server's own message first, then how to get a new link.
    const hint = document.getElementById('hint');
    hint.hidden = !state.error;
    const code = document.createElement('code');
    code.textContent = 'npm run login-link';
    hint.replaceChildren(t.hint + ' ', code, lang === 'zh' ? '。' : '.');
  };
  select.addEventListener('change', () => {
    lang = select.value;
    localStorage.setItem(KEY, lang);
    render();
  });
  const fail = (text) => {
    state = { error: text };
    render();
  };
  render();
  const token = new URLSearchParams(location.search).get('token');
  // Keep the token out of the address bar and history once read.
  history.replaceState(null, '', location.pathname);
  if (!token) return fail(TEXT[lang].noToken);
  try {
    const res = await fetch('api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ token }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok || !body.success) return fail(body.error || TEXT[lang].failed.replace('{status}', res.status));
    state = { key: 'done' };
    render();
    location.replace('./');
  } catch (err) {
    fail(TEXT[lang].unreachable);
  }
})();
</script>
</body>
</html>
`;

/** Its Content-Security-Policy (the inline script and style by hash), framing refusal and nosniff. */
export const LOGIN_PAGE_HEADERS = pageHeaders(LOGIN_PAGE);
