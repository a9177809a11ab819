namespace Foundation.Audit.Writing;

/// <summary>
/// The personal fields of one event in clear and whose they are (<see cref="Subject"/>: the acting user, else the user acted on), kept
/// beside the row until the appender encrypts them with the subject's data key.
/// </summary>
internal sealed record AuditPersonalFields(string Subject, string? ActorUserId, string? ClientIp, string? UserAgent, string? Details);
