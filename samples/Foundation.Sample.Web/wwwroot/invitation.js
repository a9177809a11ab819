// The invitation page of the sample (/invitations/accept?token=..., Foundation:Auth:Organizations:InvitationAcceptUrl).
// Signed in (the token pair chat.js keeps in sessionStorage): POST /api/v1/invitations/accept with the access token adds the
// organisation to the account, then POST /api/v1/auth/switch-organization makes it active. Not signed in: the same call with
// a password makes the account in the organisation (its tenant), then POST /api/v1/auth/login with that tenant signs in.
// The organisation id is remembered (localStorage) to pre-fill the home page's sign-in form: such an account signs in with
// it. Same-origin, no inline code (the CSP).
(() => {
  "use strict";
  const ACCESS = "foundation.sample.accessToken";
  const REFRESH = "foundation.sample.refreshToken";
  const ORGANIZATION = "foundation.sample.organization";
  const $ = (id) => document.getElementById(id);
  const token = new URLSearchParams(window.location.search).get("token");
  const say = (text) => { $("invitation-status").textContent = text; };
  const problem = (answer) => (answer.json && (answer.json.detail || answer.json.title)) || `HTTP ${answer.status}`;

  const post = async (path, body, bearer) => {
    const headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (bearer) headers["Authorization"] = "Bearer " + bearer;
    const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { ok: response.ok, status: response.status, json };
  };

  const keep = (tokens) => {
    sessionStorage.setItem(ACCESS, tokens.accessToken);
    sessionStorage.setItem(REFRESH, tokens.refreshToken);
  };

  const done = (text) => {
    $("invitation-signed-in").hidden = true;
    $("invitation-new").hidden = true;
    $("invitation-done").hidden = false;
    say(text);
  };

  if (!token) return;
  $("invitation-missing").hidden = true;
  const signedIn = sessionStorage.getItem(ACCESS);
  $("invitation-signed-in").hidden = !signedIn;
  $("invitation-new").hidden = false;

  $("invitation-join").addEventListener("submit", async (event) => {
    event.preventDefault();
    const accepted = await post("/api/v1/invitations/accept", { token }, sessionStorage.getItem(ACCESS));
    if (!accepted.ok) { say(problem(accepted)); return; }
    const switched = await post("/api/v1/auth/switch-organization", { organizationId: accepted.json.organizationId }, sessionStorage.getItem(ACCESS));
    if (!switched.ok) { say(`You joined as ${accepted.json.role}, but the switch failed: ${problem(switched)}`); return; }
    keep(switched.json);
    done(`You joined as ${accepted.json.role} and now work in the organisation.`);
  });

  $("invitation-create").addEventListener("submit", async (event) => {
    event.preventDefault();
    const password = $("invitation-password").value;
    const accepted = await post("/api/v1/invitations/accept", { token, password });
    if (!accepted.ok) { say(problem(accepted)); return; }
    const joined = accepted.json;
    localStorage.setItem(ORGANIZATION, joined.tenantId);
    const login = await post("/api/v1/auth/login", { email: joined.email, password, tenant: joined.tenantId });
    if (!login.ok || !login.json.accessToken) {
      done(`Your account ${joined.email} was made; sign in on the home page with the organisation id ${joined.tenantId}.`);
      return;
    }

    keep(login.json);
    done(`Welcome, ${joined.email}: you joined as ${joined.role} and are signed in. To sign in later, give the organisation id `
      + `${joined.tenantId} with your e-mail and password (the home page's sign-in form remembers it in this browser).`);
  });
})();
