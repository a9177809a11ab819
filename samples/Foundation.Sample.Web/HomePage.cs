using System.Net;
using Foundation.Hosting;
using Microsoft.Extensions.Options;

namespace Foundation.Sample.Web;

/// <summary>The page at <c>/</c>: what runs here and where to find it.</summary>
internal static class HomePage
{
    public static IResult Render(IOptions<FoundationOptions> foundation, FoundationPaths paths, IWebHostEnvironment environment)
    {
        var database = foundation.Value.Database;
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Foundation sample</title>
              <link rel="stylesheet" href="/site.css">
              <link rel="stylesheet" href="/chat.css">
              <script src="/chat.js" defer></script>
              <script src="/orgs.js" defer></script>
            </head>
            <body>
              <main>
                <h1>Foundation sample</h1>
                <p>This app runs the Foundation suite with its defaults: no configuration, no API keys, no external servers.
                   Environment: <strong>{{Encode(environment.EnvironmentName)}}</strong>.</p>
                <h2>Chat</h2>
                <section id="chat" aria-label="Chat with the LLM gateway">
                  <p>Talks to <code>POST /api/v1/llm/chat</code> (streaming). With no provider configured, answers come from the built-in
                     offline demo model; set <code>OPENAI_API_KEY</code> or <code>ANTHROPIC_API_KEY</code> for a real one.
                     The same router serves the OpenAI-compatible <code>POST /v1/chat/completions</code> (see the README).</p>
                  <form id="chat-signin">
                    <input id="chat-email" type="email" placeholder="email" autocomplete="username" required>
                    <input id="chat-password" type="password" placeholder="password (12+ characters)" autocomplete="current-password" required>
                    <input id="chat-tenant" type="text" placeholder="organisation id (optional)" autocomplete="off"
                           title="Only for an account made by accepting an invitation: the organisation id the invitation page showed">
                    <button type="submit" value="login">Sign in</button>
                    <button type="submit" value="register">Create account</button>
                  </form>
                  <form id="chat-form" hidden>
                    <input id="chat-input" type="text" placeholder="Ask something" autocomplete="off">
                    <button type="submit">Send</button>
                  </form>
                  <div id="chat-log" aria-live="polite"></div>
                  <p id="chat-status"></p>
                </section>
                <h2>Organisations</h2>
                <section id="orgs" aria-label="Your organisations" hidden>
                  <p>Your organisations (<code>GET /api/v1/organizations</code>), your role in each and the active one: the one your
                     session works in. Switching (<code>POST /api/v1/auth/switch-organization</code>) gives this page a new token pair
                     of the same session; the chat above then acts in the organisation you switched to.</p>
                  <table>
                    <thead><tr><th>Organisation</th><th>Your role</th><th></th></tr></thead>
                    <tbody id="orgs-list"></tbody>
                  </table>
                  <form id="orgs-create" class="inline">
                    <input id="orgs-name" type="text" placeholder="new organisation name" autocomplete="off" required maxlength="200">
                    <input id="orgs-slug" type="text" placeholder="slug (optional)" autocomplete="off" maxlength="64">
                    <button type="submit">Create organisation</button>
                  </form>
                  <form id="orgs-invite" class="inline" hidden>
                    <input id="orgs-invite-email" type="email" placeholder="e-mail address to invite" autocomplete="off" required>
                    <select id="orgs-invite-role" aria-label="role">
                      <option>member</option><option>viewer</option><option>guest</option><option>manager</option><option>admin</option><option>owner</option>
                    </select>
                    <button type="submit">Invite to <span id="orgs-active"></span></button>
                  </form>
                  <p id="orgs-status" aria-live="polite"></p>
                </section>
                <p id="orgs-signed-out">Sign in above to see your organisations, switch between them, create one and invite people.
                   An invitation e-mail links to <code>/invitations/accept</code>; without an SMTP server it appears at
                   <a href="/dev/mail">/dev/mail</a> (Development).</p>
                <h2>What runs here</h2>
                <table>
                  <thead><tr><th>What</th><th>Where</th><th>Notes</th></tr></thead>
                  <tbody>
                    <tr><td>Liveness</td><td><a href="/health/live">/health/live</a></td><td>the process answers</td></tr>
                    <tr><td>Readiness</td><td><a href="/health/ready">/health/ready</a></td><td>database, free disk, working set; JSON per check</td></tr>
                    <tr><td>Metrics</td><td><a href="/metrics">/metrics</a></td><td>Prometheus text format 0.0.4: Foundation.*, ASP.NET Core, Kestrel, runtime</td></tr>
                    <tr><td>OpenAPI document</td><td><a href="/openapi/v1.json">/openapi/v1.json</a></td><td>every API endpoint</td></tr>
                    <tr><td>API reference</td><td><a href="/scalar/">/scalar/</a></td><td>the OpenAPI document to read and try (Scalar)</td></tr>
                    <tr><td>Sample API</td><td><a href="/api/v1/hello?name=you">/api/v1/hello?name=you</a></td><td>rate-limited at 60/min per client; echoes the request id</td></tr>
                    <tr><td>Step-up report</td><td><code>GET /api/v1/sample/secure-report</code></td><td>admins only, with a second factor verified in the last 10 minutes (<code>POST /api/v1/totp/verify</code>)</td></tr>
                    <tr><td>Register</td><td><code>POST /api/v1/auth/register</code></td><td><code>{"email", "password", "tenant"?}</code>; the first account of a tenant is its owner; auth endpoints: 10/min per client</td></tr>
                    <tr><td>Log in</td><td><code>POST /api/v1/auth/login</code></td><td>access token (15 min) and refresh token (7 days); 5 wrong passwords lock the account for 15 min</td></tr>
                    <tr><td>Refresh</td><td><code>POST /api/v1/auth/refresh</code></td><td><code>{"refreshToken"}</code>; each works once, a replayed one revokes the session</td></tr>
                    <tr><td>Log out, change password</td><td><code>POST /api/v1/auth/logout</code>, <code>POST /api/v1/auth/password</code></td><td>with <code>Authorization: Bearer &lt;access token&gt;</code></td></tr>
                    <tr><td>Who am I</td><td><code>GET /api/v1/auth/me</code></td><td>with an access token or an API key</td></tr>
                    <tr><td>Sessions</td><td><code>GET /api/v1/sessions</code>, <code>GET /api/v1/sessions/stats</code>, <code>DELETE /api/v1/sessions/{id}</code>, <code>DELETE /api/v1/sessions</code></td><td>your devices; revoke one or all others</td></tr>
                    <tr><td>LLM gateway</td><td><code>POST /v1/chat/completions</code>, <code>GET /v1/models</code></td><td>OpenAI-compatible; authenticate with an API key as <code>Authorization: Bearer fnd_...</code>; model <code>chat</code></td></tr>
                    <tr><td>Provider keys</td><td><code>POST /api/v1/provider-keys</code>, <code>GET /api/v1/provider-keys</code>, <code>POST /api/v1/provider-keys/{id}/test</code></td><td>bring your own OpenAI, Anthropic, HuggingFace or custom key; stored encrypted</td></tr>
                    <tr><td>Organisations</td><td><code>/api/v1/organizations</code>, <code>POST /api/v1/auth/switch-organization</code>, <a href="/invitations/accept">/invitations/accept</a></td><td>members, roles, teams, invitations (<code>POST /api/v1/invitations/accept</code>); see docs/organisations.md</td></tr>
                    <tr><td>Account e-mail</td><td><a href="/account.html">/account.html</a>, <a href="/dev/mail">/dev/mail</a></td><td>forgot password, reset, e-mail confirmation (<code>/api/v1/auth/password/forgot</code>, <code>/password/reset</code>, <code>/email/confirm</code>, <code>/email/change</code>); without an SMTP server the mail goes to the development mailbox (Development only)</td></tr>
                    <tr><td>Two-factor authentication (TOTP)</td><td><a href="/totp.html">/totp.html</a></td><td>sign in, scan the QR code with an authenticator app, enable with a code, get recovery codes; API under <code>/api/v1/totp</code></td></tr>
                    <tr><td>API keys</td><td><code>POST /api/v1/api-keys</code>, <code>GET /api/v1/api-keys</code>, <code>POST /api/v1/api-keys/{id}/deactivate</code>, <code>DELETE /api/v1/api-keys/{id}</code></td><td>the full <code>fnd_...</code> key is shown once; use it as <code>Authorization: Bearer</code> or <code>X-API-Key</code></td></tr>
                  </tbody>
                </table>
                <h2>On every response</h2>
                <ul>
                  <li>Security headers: Content-Security-Policy, X-Frame-Options, X-Content-Type-Options, Referrer-Policy, Permissions-Policy, Cross-Origin-Opener-Policy (HSTS over HTTPS outside Development); no Server header.</li>
                  <li><code>X-Request-ID</code>: yours if it is a sane token, else a new one; also in the logs and on the trace.</li>
                  <li>Rate limits per client IP: 100/min general, 60/min API, 10/min auth; a 429 carries Retry-After and a problem body.</li>
                  <li>Errors as RFC 9457 problem details with the request id.</li>
                </ul>
                <h2>Where the data lives</h2>
                <p>Data folder: <code>{{Encode(paths.DataDirectory)}}</code> (set <code>Foundation:DataDirectory</code> to move it).
                   Database: <code>{{Encode(database.Provider.ToString())}}</code>.</p>
              </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
