namespace Foundation.Email;

/// <summary>The development sink, bound from <c>Foundation:Email:DevelopmentSink</c>.</summary>
public sealed class DevelopmentSinkOptions
{
    /// <summary>
    /// The folder each message is written to as an <c>.eml</c> file, with an <c>index.jsonl</c> beside them. Default: under
    /// Foundation.Hosting <c>{DataDirectory}/mail</c>, otherwise <c>mail</c> in the current directory.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>How many messages the sink keeps; the oldest are deleted beyond it. Default 500; 1 to 100,000.</summary>
    public int MaxMessages { get; set; } = 500;
}
