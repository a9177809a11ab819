// The organisations panel of the sample's home page: the signed-in user's organisations with their role and the active one
// (GET /api/v1/organizations), a switch (POST /api/v1/auth/switch-organization: a new token pair of the same session), a
// new organisation (POST /api/v1/organizations) and, for owners, admins and managers of the active one, an invitation
// (POST /api/v1/organizations/{id}/invitations). The token pair is the one chat.js keeps in sessionStorage (this tab only):
// a switch replaces it, so the chat then acts in the organisation switched to. Same-origin, no inline code (the CSP).
(() => {
  "use strict";
  const panel = document.getElementById("orgs");
  if (!panel) return;

  const ACCESS = "foundation.sample.accessToken";
  const REFRESH = "foundation.sample.refreshToken";
  const INVITERS = new Set(["owner", "admin", "manager"]);
  const list = document.getElementById("orgs-list");
  const status = document.getElementById("orgs-status");
  const invite = document.getElementById("orgs-invite");
  const signedOutNote = document.getElementById("orgs-signed-out");
  let active = null;

  const say = (text) => { status.textContent = text; };
  const problem = (answer) => (answer.json && (answer.json.detail || answer.json.title)) || `HTTP ${answer.status}`;

  const keep = (tokens) => {
    sessionStorage.setItem(ACCESS, tokens.accessToken);
    sessionStorage.setItem(REFRESH, tokens.refreshToken);
  };

  const signedOut = () => {
    sessionStorage.removeItem(ACCESS);
    sessionStorage.removeItem(REFRESH);
    document.dispatchEvent(new CustomEvent("foundation:signed-out"));
  };

  const send = async (method, path, body) => {
    const headers = { "Accept": "application/json", "Authorization": "Bearer " + sessionStorage.getItem(ACCESS) };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { ok: response.ok, status: response.status, json };
  };

  // The API with the stored access token; on a 401 the refresh token is used once (each works once: the new pair is kept).
  const api = async (method, path, body) => {
    let answer = await send(method, path, body);
    const refreshToken = sessionStorage.getItem(REFRESH);
    if (answer.status === 401 && refreshToken) {
      const refreshed = await fetch("/api/v1/auth/refresh", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refreshToken }),
      });
      if (!refreshed.ok) { signedOut(); return answer; }
      keep(await refreshed.json());
      answer = await send(method, path, body);
    }

    if (answer.status === 401) signedOut();
    return answer;
  };

  const cell = (row, text) => {
    const td = document.createElement("td");
    td.textContent = text;
    row.append(td);
    return td;
  };

  const render = async () => {
    const signedIn = !!sessionStorage.getItem(ACCESS);
    panel.hidden = !signedIn;
    signedOutNote.hidden = signedIn;
    if (!signedIn) return;

    const answer = await api("GET", "/api/v1/organizations");
    if (!answer.ok) { say(problem(answer)); return; }
    list.replaceChildren();
    active = null;
    for (const org of answer.json) {
      const row = document.createElement("tr");
      cell(row, org.slug ? `${org.name} (${org.slug})` : org.name);
      cell(row, org.role);
      const action = cell(row, "");
      if (org.isActive) {
        active = org;
        const strong = document.createElement("strong");
        strong.textContent = "active";
        action.append(strong);
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = "Switch";
        button.addEventListener("click", () => switchTo(org));
        action.append(button);
      }

      list.append(row);
    }

    invite.hidden = !(active && INVITERS.has(active.role));
    document.getElementById("orgs-active").textContent = active ? active.name : "";
  };

  const switchTo = async (org) => {
    say(`Switching to ${org.name}...`);
    const answer = await api("POST", "/api/v1/auth/switch-organization", { organizationId: org.id });
    if (!answer.ok) { say(problem(answer)); return; }
    keep(answer.json); // a new pair of the same session; the previous refresh token is retired
    say(`You now work in ${org.name}.`);
    await render();
  };

  document.getElementById("orgs-create").addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = document.getElementById("orgs-name").value.trim();
    const slug = document.getElementById("orgs-slug").value.trim();
    const answer = await api("POST", "/api/v1/organizations", slug ? { name, slug } : { name });
    if (!answer.ok) { say(problem(answer)); return; }
    event.target.reset();
    say(`Created ${answer.json.name}; you are its owner. Switch to it to work there.`);
    await render();
  });

  invite.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!active) return;
    const email = document.getElementById("orgs-invite-email").value.trim();
    const role = document.getElementById("orgs-invite-role").value;
    const answer = await api("POST", `/api/v1/organizations/${encodeURIComponent(active.id)}/invitations`, { email, role });
    if (!answer.ok) { say(problem(answer)); return; }
    event.target.reset();
    say(`Invited ${answer.json.email} as ${answer.json.role}; the link in the e-mail is valid until ${answer.json.expiresAt}. `
      + "Without an SMTP server the e-mail is in the development mailbox (/dev/mail).");
  });

  document.addEventListener("foundation:signed-in", render);
  document.addEventListener("foundation:signed-out", () => { panel.hidden = true; signedOutNote.hidden = false; });
  render();
})();
