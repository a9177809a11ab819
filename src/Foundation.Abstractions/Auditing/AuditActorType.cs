namespace Foundation.Auditing;

/// <summary>What kind of actor caused an <see cref="AuditEvent"/>.</summary>
public enum AuditActorType
{
    /// <summary>The application itself (a background job, start-up), or an anonymous caller.</summary>
    System = 0,

    /// <summary>A signed-in user (<see cref="AuditEvent.ActorUserId"/>).</summary>
    User = 1,

    /// <summary>A caller authenticated with an API key (<see cref="AuditEvent.ActorApiKeyId"/>).</summary>
    ApiKey = 2,
}
