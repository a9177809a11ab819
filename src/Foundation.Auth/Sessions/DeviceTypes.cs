namespace Foundation.Auth.Sessions;

/// <summary>The kinds of device a session can come from.</summary>
public static class DeviceTypes
{
    /// <summary>A desktop or laptop computer.</summary>
    public const string Desktop = "desktop";

    /// <summary>A phone.</summary>
    public const string Mobile = "mobile";

    /// <summary>A tablet.</summary>
    public const string Tablet = "tablet";

    /// <summary>A crawler or other automated agent that says it is one.</summary>
    public const string Bot = "bot";

    /// <summary>Anything else: HTTP libraries and command-line clients, or unknown.</summary>
    public const string Other = "other";
}
