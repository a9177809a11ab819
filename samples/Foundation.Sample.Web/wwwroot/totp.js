// The TOTP page of the Foundation sample: plain JavaScript, same-origin (the Content-Security-Policy allows no inline
// script). Talks to /api/v1/auth and /api/v1/totp; the tokens live in this page's memory only.
// Open /totp.html#demo to register a throwaway account and start a set-up without typing (used for the screenshot
// in docs/totp.md).
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  let accessToken = null;
  let challengeToken = null;

  function show(id, visible = true) { $(id).hidden = !visible; }

  function message(text) {
    $('message').textContent = text || '';
    show('message', Boolean(text));
  }

  // Calls the API with JSON; throws an Error carrying the problem details' text when the status is not 2xx.
  async function api(method, path, body, token) {
    const headers = { 'Accept': 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers['Authorization'] = 'Bearer ' + token;
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const retry = response.headers.get('Retry-After');
      const detail = data && (data.detail || data.title) || response.statusText;
      throw new Error(response.status + ': ' + detail + (retry ? ' (retry after ' + retry + ' s)' : ''));
    }
    return data;
  }

  function credentials() {
    const body = { email: $('email').value.trim(), password: $('password').value };
    const tenant = $('tenant').value.trim();
    if (tenant) body.tenant = tenant;
    return body;
  }

  function signedIn(tokens, note) {
    accessToken = tokens.accessToken;
    challengeToken = null;
    show('challenge-form', false);
    $('signed-in').textContent = 'Signed in as ' + $('email').value.trim() + (note ? ' ' + note : '') + '.';
    show('signed-in');
    show('setup');
  }

  async function login() {
    const answer = await api('POST', '/api/v1/auth/login', credentials());
    if (answer.secondFactorRequired) {
      challengeToken = answer.challengeToken;
      accessToken = null;
      show('signed-in', false);
      show('challenge-form');
      $('challenge-code').focus();
      return;
    }
    signedIn(answer);
  }

  async function register() {
    await api('POST', '/api/v1/auth/register', credentials());
    await login();
  }

  async function verifyChallenge() {
    const code = $('challenge-code').value.trim();
    const recoveryCode = $('challenge-recovery').value.trim();
    const body = recoveryCode ? { challengeToken, recoveryCode } : { challengeToken, code };
    const tokens = await api('POST', '/api/v1/totp/verify', body);
    signedIn(tokens, 'with two-factor authentication (' + tokens.recoveryCodesLeft + ' recovery codes left'
      + (tokens.recoveryCodesLow ? '; generate new ones soon' : '') + ')');
  }

  // The label of an otpauth URI is "Issuer:account", percent-encoded; the issuer parameter repeats the issuer.
  function describe(otpauthUri) {
    const url = new URL(otpauthUri);
    const label = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
    const colon = label.indexOf(':');
    const params = url.searchParams;
    return {
      issuer: params.get('issuer') || (colon >= 0 ? label.slice(0, colon) : ''),
      account: colon >= 0 ? label.slice(colon + 1).trim() : label,
      kind: (params.get('algorithm') || 'SHA1') + ', ' + (params.get('digits') || '6') + ' digits every '
        + (params.get('period') || '30') + ' s',
    };
  }

  function groupsOfFour(secret) {
    return secret.replace(/=+$/, '').match(/.{1,4}/g).join(' ');
  }

  async function startSetup() {
    const setup = await api('POST', '/api/v1/totp/setup', {}, accessToken);
    const info = describe(setup.otpauthUri);
    $('qr').src = setup.qrCodePng;
    $('issuer').textContent = info.issuer;
    $('account-name').textContent = info.account;
    $('secret').textContent = groupsOfFour(setup.secret);
    $('kind').textContent = info.kind;
    $('expires').textContent = new Date(setup.expiresAt).toLocaleTimeString();
    show('setup-result');
    show('enable');
    show('recovery', false);
    show('enable-form');
  }

  async function enable() {
    const answer = await api('POST', '/api/v1/totp/enable', { code: $('enable-code').value.trim() }, accessToken);
    const list = $('recovery-codes');
    list.replaceChildren(...answer.recoveryCodes.map((code) => {
      const item = document.createElement('li');
      const text = document.createElement('code');
      text.textContent = code;
      item.append(text);
      return item;
    }));
    show('enable-form', false);
    show('setup-result', false);
    show('recovery');
  }

  // Runs an action from a button or form, showing its error instead of throwing.
  function handle(action) {
    return async (event) => {
      if (event) event.preventDefault();
      message('');
      const buttons = document.querySelectorAll('button');
      buttons.forEach((b) => { b.disabled = true; });
      try {
        await action();
      } catch (error) {
        message(error.message);
      } finally {
        buttons.forEach((b) => { b.disabled = false; });
      }
    };
  }

  async function demo() {
    const random = new Uint8Array(12);
    crypto.getRandomValues(random);
    const hex = Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('');
    $('email').value = 'demo-' + hex.slice(0, 8) + '@example.com';
    $('password').value = 'demo ' + hex + ' sample';
    await register();
    await startSetup();
  }

  $('account-form').addEventListener('submit', handle(login));
  $('register').addEventListener('click', handle(register));
  $('challenge-form').addEventListener('submit', handle(verifyChallenge));
  $('start-setup').addEventListener('click', handle(startSetup));
  $('enable-form').addEventListener('submit', handle(enable));
  if (location.hash === '#demo') handle(demo)();
})();
