// Account e-mail in the sample: ask for a reset link, and follow the links the development mailbox shows
// (/reset-password?token=... and /confirm-email?token=..., the paths of Foundation:Auth:AccountEmail, served with this page).
(() => {
  const params = new URLSearchParams(window.location.search);
  const status = document.getElementById('account-status');
  const show = (id) => { document.getElementById(id).hidden = false; };
  const post = async (path, body) => {
    const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { ok: response.ok, json };
  };
  const problem = (json) => (json && (json.detail || json.title)) || 'The request failed.';

  const token = params.get('token');
  const reset = window.location.pathname === '/reset-password' ? token : null;
  const confirm = window.location.pathname === '/confirm-email' ? token : null;
  if (reset) {
    document.getElementById('forgot-section').hidden = true;
    show('reset-section');
  }
  if (confirm) {
    document.getElementById('forgot-section').hidden = true;
    show('confirm-section');
  }

  document.getElementById('forgot-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const result = await post('/api/v1/auth/password/forgot', { email: document.getElementById('forgot-email').value });
    status.textContent = result.ok ? result.json.message : problem(result.json);
  });
  document.getElementById('reset-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const result = await post('/api/v1/auth/password/reset', { token: reset, newPassword: document.getElementById('reset-password').value });
    status.textContent = result.ok ? 'Your password was changed and every session was signed out. Sign in with the new password.' : problem(result.json);
  });
  document.getElementById('confirm-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const result = await post('/api/v1/auth/email/confirm', { token: confirm });
    status.textContent = result.ok ? `Confirmed: ${result.json.email}` : problem(result.json);
  });
})();
