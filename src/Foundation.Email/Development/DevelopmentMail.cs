namespace Foundation.Email.Development;

/// <summary>One message in the development mailbox, read back from its <c>.eml</c> file.</summary>
/// <param name="Summary">What the index says about it.</param>
/// <param name="From">The sender.</param>
/// <param name="TextBody">The plain-text body.</param>
/// <param name="HtmlBody">The HTML body, if any.</param>
public sealed record DevelopmentMail(DevelopmentMailSummary Summary, string From, string TextBody, string? HtmlBody);
