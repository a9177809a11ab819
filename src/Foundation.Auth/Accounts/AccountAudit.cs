using Foundation.Auditing;

namespace Foundation.Auth.Accounts;

/// <summary>Writes the account service's audit events: the user as actor and target, the client's address and agent.</summary>
internal sealed class AccountAudit(IAuditEventWriter audit, TimeProvider time)
{
    public ValueTask WriteAsync(string action, AuditOutcome outcome, Guid? userId, string? tenant, ClientInfo client, string? reason, CancellationToken cancellationToken)
    {
        var data = reason is null
            ? new Dictionary<string, string?>(StringComparer.Ordinal)
            : new Dictionary<string, string?>(StringComparer.Ordinal) { ["reason"] = reason };
        if (client.UserAgent is { } ua)
        {
            data["userAgent"] = ua.Length > 200 ? ua[..200] : ua;
        }

        return audit.WriteAsync(
            new AuditEvent(action, outcome)
            {
                OccurredAt = time.GetUtcNow(),
                ActorUserId = userId?.ToString(),
                TenantId = string.IsNullOrEmpty(tenant) ? null : tenant,
                TargetType = "user",
                TargetId = userId?.ToString(),
                RequestId = client.RequestId,
                IpAddress = client.IpAddress,
                Data = data,
            },
            cancellationToken);
    }
}
