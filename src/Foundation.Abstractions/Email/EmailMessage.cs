namespace Foundation.Email;

/// <summary>One e-mail message to one recipient.</summary>
/// <param name="To">The recipient's address.</param>
/// <param name="Subject">The subject line.</param>
/// <param name="TextBody">The plain-text body (always present: it is what tests and text-only clients read).</param>
/// <param name="HtmlBody">An optional HTML alternative of <paramref name="TextBody"/>.</param>
/// <param name="Category">
/// A short, stable name of the kind of message (<c>password-reset</c>, <c>email-confirmation</c>, <c>invitation</c>)
/// for metrics and logs; never personal data.
/// </param>
public sealed record EmailMessage(string To, string Subject, string TextBody, string? HtmlBody = null, string Category = "general");
