namespace Foundation.Auth.AccountMail;

/// <summary>What a template needs to write one account mail.</summary>
/// <param name="To">The recipient (for a change of e-mail: the new address; for the notice: the old one).</param>
/// <param name="Token">The single-use token (none for the notice of a change).</param>
/// <param name="Link">The link to the front-end page with the token, when <see cref="AccountEmailOptions.PublicBaseUrl"/> is set.</param>
/// <param name="ExpiresAt">When the token stops working.</param>
/// <param name="ServiceName">The service's name (<see cref="AccountEmailOptions.ServiceName"/>).</param>
/// <param name="NewEmail">For a change of e-mail: the new address.</param>
public sealed record AccountEmailContext(string To, string? Token, Uri? Link, DateTimeOffset ExpiresAt, string ServiceName, string? NewEmail = null);
