namespace Foundation.Email.Development;

/// <summary>One message in the development mailbox, as listed.</summary>
/// <param name="Id">The message's id (32 hex digits); also its file name without <c>.eml</c>.</param>
/// <param name="To">The recipient.</param>
/// <param name="Subject">The subject.</param>
/// <param name="Category">The kind of message (<c>password-reset</c>, ...).</param>
/// <param name="CreatedAt">When it was written.</param>
public sealed record DevelopmentMailSummary(string Id, string To, string Subject, string Category, DateTimeOffset CreatedAt);
