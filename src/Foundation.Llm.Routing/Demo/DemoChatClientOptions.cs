namespace Foundation.Llm.Routing.Demo;

/// <summary>Settings of the <see cref="DemoChatClient"/>.</summary>
public sealed class DemoChatClientOptions
{
    /// <summary>The pause between streamed words. Default 15 ms; <see cref="TimeSpan.Zero"/> streams at once (tests).</summary>
    public TimeSpan WordDelay { get; set; } = TimeSpan.FromMilliseconds(15);
}
