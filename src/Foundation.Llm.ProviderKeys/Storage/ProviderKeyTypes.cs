namespace Foundation.Llm.Routing.Storage;

/// <summary>The stored and the request spellings of <see cref="ProviderKeyType"/>.</summary>
public static class ProviderKeyTypes
{
    /// <summary>The lower-case name stored and shown (<c>openai</c>, <c>anthropic</c>, <c>huggingface</c>, <c>custom</c>).</summary>
    public static string ToStored(ProviderKeyType type) => type switch
    {
        ProviderKeyType.OpenAI => "openai",
        ProviderKeyType.Anthropic => "anthropic",
        ProviderKeyType.HuggingFace => "huggingface",
        ProviderKeyType.Custom => "custom",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a provider key type."),
    };

    /// <summary>Reads a stored value.</summary>
    public static ProviderKeyType FromStored(string value) =>
        TryParse(value, out var type) ? type : throw new InvalidOperationException($"'{value}' is not a provider key type.");

    /// <summary>Parses <c>openai</c>, <c>anthropic</c>, <c>huggingface</c> or <c>custom</c>, ignoring case.</summary>
    public static bool TryParse(string? value, out ProviderKeyType type)
    {
        switch (value?.Trim().ToUpperInvariant())
        {
            case "OPENAI":
                type = ProviderKeyType.OpenAI;
                return true;
            case "ANTHROPIC":
                type = ProviderKeyType.Anthropic;
                return true;
            case "HUGGINGFACE":
                type = ProviderKeyType.HuggingFace;
                return true;
            case "CUSTOM":
                type = ProviderKeyType.Custom;
                return true;
            default:
                type = default;
                return false;
        }
    }
}
