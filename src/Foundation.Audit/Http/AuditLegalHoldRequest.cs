namespace Foundation.Audit.Http;

/// <summary>The body of <c>PUT /api/v1/audit/legal-hold</c>.</summary>
/// <param name="Reason">Why the tenant's audit log must be kept (1 to 512 characters), such as a case number.</param>
public sealed record AuditLegalHoldRequest(string? Reason);
