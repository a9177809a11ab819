// The sample's chat box: signs in (or registers) against /api/v1/auth, then streams answers from /api/v1/llm/chat.
// Same-origin and without inline code, so the default Content-Security-Policy ("default-src 'self'") allows it.
// With no provider configured the answers come from the built-in demo deployment ("[Foundation demo model] ...").
// The token pair lives in sessionStorage (this tab only), shared with orgs.js, which replaces it when the user switches
// organisation; "foundation:signed-in" and "foundation:signed-out" events tell the organisations panel.
(() => {
  "use strict";
  const box = document.getElementById("chat");
  if (!box) return;

  const signIn = document.getElementById("chat-signin");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("chat-input");
  const log = document.getElementById("chat-log");
  const status = document.getElementById("chat-status");
  const history = [];
  const ACCESS = "foundation.sample.accessToken";
  const REFRESH = "foundation.sample.refreshToken";
  const ORGANIZATION = "foundation.sample.organization";
  let token = sessionStorage.getItem(ACCESS);
  const tenantInput = document.getElementById("chat-tenant");
  if (tenantInput) tenantInput.value = localStorage.getItem(ORGANIZATION) || "";

  const show = () => {
    signIn.hidden = !!token;
    form.hidden = !token;
  };

  const say = (text) => { status.textContent = text; };

  const problemText = async (response) => {
    try {
      const problem = await response.json();
      return problem.detail || problem.title || `HTTP ${response.status}`;
    } catch {
      return `HTTP ${response.status}`;
    }
  };

  const post = (path, body) => fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

  signIn.addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = document.getElementById("chat-email").value;
    const password = document.getElementById("chat-password").value;
    // Only accounts made by accepting an invitation live in an organisation's tenant; everyone else leaves it empty.
    const tenant = tenantInput ? tenantInput.value.trim() : "";
    const register = event.submitter && event.submitter.value === "register";
    say(register ? "Creating the account..." : "Signing in...");
    if (register) {
      const created = await post("/api/v1/auth/register", { email, password });
      if (!created.ok) { say(await problemText(created)); return; }
    }

    const login = await post("/api/v1/auth/login", tenant && !register ? { email, password, tenant } : { email, password });
    if (!login.ok) { say(await problemText(login)); return; }
    const tokens = await login.json();
    if (!tokens.accessToken) { say("This account needs a second factor; use the API directly."); return; }
    token = tokens.accessToken;
    sessionStorage.setItem(ACCESS, token);
    sessionStorage.setItem(REFRESH, tokens.refreshToken);
    if (tenant && !register) localStorage.setItem(ORGANIZATION, tenant);
    say("Signed in.");
    show();
    document.dispatchEvent(new CustomEvent("foundation:signed-in"));
  });

  const line = (who, text) => {
    const p = document.createElement("p");
    const b = document.createElement("strong");
    b.textContent = who + ": ";
    const span = document.createElement("span");
    span.textContent = text;
    p.append(b, span);
    log.append(p);
    return span;
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    history.push({ role: "user", content: text });
    line("You", text);
    const answer = line("Assistant", "");
    say("Thinking...");

    token = sessionStorage.getItem(ACCESS); // orgs.js replaces it on a switch of organisation
    const response = await fetch("/api/v1/llm/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token },
      body: JSON.stringify({ messages: history, stream: true }),
    });
    if (response.status === 401) {
      token = null;
      sessionStorage.removeItem(ACCESS);
      sessionStorage.removeItem(REFRESH);
      show();
      document.dispatchEvent(new CustomEvent("foundation:signed-out"));
      say("Your session ended; sign in again.");
      return;
    }

    if (!response.ok) { say(await problemText(response)); return; }

    // Server-sent events: "event: delta|done|error" then "data: {json}", separated by a blank line.
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const raw = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = (raw.match(/^event: (.*)$/m) || [])[1];
        const data = JSON.parse((raw.match(/^data: (.*)$/m) || [, "{}"])[1]);
        if (name === "delta") {
          answer.textContent += data.text;
        } else if (name === "done") {
          say(`${data.model || "model"} via ${data.deployment || "router"}: ${data.usage.inputTokens} tokens in, ${data.usage.outputTokens} out.`);
        } else if (name === "error") {
          say(data.detail || data.title);
        }
      }
    }

    history.push({ role: "assistant", content: answer.textContent });
  });

  document.addEventListener("foundation:signed-out", () => { token = null; show(); });
  show();
})();
