using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Foundation.Email;
using Foundation.Email.Development;
using Microsoft.Extensions.Options;

namespace Foundation.Sample.Web;

/// <summary>
/// <c>/dev/mail</c>: the messages the development e-mail sink wrote (password resets, confirmations, invitations), newest
/// first, and <c>/dev/mail/{id}</c>: one of them with its links. Mapped only in Development and only while no SMTP server is
/// configured: the messages carry single-use tokens, so this page must never exist where other people can reach it.
/// </summary>
internal static partial class SampleMail
{
    public static void MapSampleMail(this WebApplication app)
    {
        // The pages the links in account mail open (Foundation:Auth:AccountEmail:ResetPasswordPath and ConfirmEmailPath, and
        // Foundation:Auth:Organizations:InvitationAcceptUrl). Through the web root's file provider, not a path: a host started
        // from its build output (no wwwroot folder beside it, WebRootPath null) must still start; the page is then simply not found.
        var webRoot = app.Environment.WebRootFileProvider;
        Func<IResult> StaticPage(string name) => () =>
        {
            var file = webRoot.GetFileInfo(name);
            return file.Exists ? Results.Stream(file.CreateReadStream(), "text/html; charset=utf-8") : Results.NotFound();
        };

        app.MapGet("/reset-password", StaticPage("account.html")).ExcludeFromDescription();
        app.MapGet("/confirm-email", StaticPage("account.html")).ExcludeFromDescription();
        app.MapGet("/invitations/accept", StaticPage("invitation.html")).ExcludeFromDescription();

        if (!app.Environment.IsDevelopment() || app.Services.GetRequiredService<IOptions<EmailOptions>>().Value.UsesSmtp())
        {
            return;
        }

        var mail = app.MapGroup("/dev/mail").ExcludeFromDescription();
        mail.MapGet("/", async (DevelopmentMailbox mailbox, CancellationToken ct) =>
        {
            var rows = new StringBuilder();
            foreach (var m in await mailbox.ListAsync(200, ct))
            {
                rows.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{Encode(m.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))}</td><td>{Encode(m.To)}</td><td><a href=\"/dev/mail/{m.Id}\">{Encode(m.Subject)}</a></td><td>{Encode(m.Category)}</td></tr>");
            }

            var body = rows.Length == 0
                ? "<p>No messages yet. Register an account, ask for a password reset or invite someone to an organisation, and they appear here.</p>"
                : $"<table><thead><tr><th>When (UTC)</th><th>To</th><th>Subject</th><th>Kind</th></tr></thead><tbody>{rows}</tbody></table>";
            return Page("Development mailbox", $"<p>Mail the app would have sent (folder <code>{Encode(mailbox.Directory)}</code>). Set <code>Foundation:Email:Smtp:Host</code> to deliver it for real.</p>{body}");
        });

        mail.MapGet("/{id}", async (string id, DevelopmentMailbox mailbox, CancellationToken ct) =>
        {
            var message = await mailbox.ReadAsync(id, ct);
            if (message is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No message with this id is in the development mailbox.");
            }

            var s = message.Summary;
            return Page(s.Subject,
                $"<p><a href=\"/dev/mail\">&larr; all messages</a></p><dl><dt>From</dt><dd>{Encode(message.From)}</dd><dt>To</dt><dd>{Encode(s.To)}</dd>"
                + $"<dt>Kind</dt><dd>{Encode(s.Category)}</dd></dl><pre>{Linkify(message.TextBody)}</pre>");
        });
    }

    /// <summary>The text body, HTML-encoded, with its http(s) links made clickable (a link ends at white space).</summary>
    private static string Linkify(string text)
    {
        var result = new StringBuilder();
        var at = 0;
        foreach (Match match in LinkPattern().Matches(text))
        {
            result.Append(Encode(text[at..match.Index]));
            var candidate = match.Value.TrimEnd('.', ',', ';', ')');
            result.Append(Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? $"<a href=\"{Encode(uri.AbsoluteUri)}\">{Encode(candidate)}</a>"
                : Encode(candidate));
            at = match.Index + candidate.Length;
        }

        result.Append(Encode(text[at..]));
        return result.ToString();
    }

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.CultureInvariant)]
    private static partial Regex LinkPattern();

    private static IResult Page(string title, string content) => Results.Content(
        $"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{Encode(title)} - Foundation sample</title><link rel="stylesheet" href="/site.css"></head>
        <body><main><p><a href="/">&larr; Foundation sample</a></p><h1>{Encode(title)}</h1>{content}</main></body>
        </html>
        """,
        "text/html; charset=utf-8");

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
