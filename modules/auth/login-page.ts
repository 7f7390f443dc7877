/**
 * The page a login link opens. A GET never consumes the token (chat apps and link previewers fetch
 * links before the user does): the page's script exchanges it with POST /api/auth/login and then
 * goes to the panel. URLs are relative so the page works behind a reverse proxy under a sub-path.
 */
export const LOGIN_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>ChatAI — log in</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 32rem; margin: 15vh auto; padding: 0 1rem; line-height: 1.5; }
  .error { color: #c0392b; }
  code { background: #8882; padding: 0 .25em; border-radius: 3px; }
</style>
</head>
<body>
<main>
  <h1>ChatAI</h1>
  <p id="message" role="status" aria-live="polite">Logging in…</p>
</main>
<script>
(async () => {
  const message = document.getElementById('message');
  const fail = (text) => {
    message.className = 'error';
    message.innerHTML = '';
    message.append(text + ' Get a new link on the server with ');
    const code = document.createElement('code');
    code.textContent = 'npm run login-link';
    message.append(code, '.');
  };
  const token = new URLSearchParams(location.search).get('token');
  // Keep the token out of the address bar and history once read.
  history.replaceState(null, '', location.pathname);
  if (!token) return fail('This login link has no token.');
  try {
    const res = await fetch('api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ token }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok || !body.success) return fail((body.error || 'Login failed (' + res.status + ').'));
    message.textContent = 'Logged in. Opening the panel…';
    location.replace('./');
  } catch (err) {
    fail('The server could not be reached.');
  }
})();
</script>
</body>
</html>
`;
