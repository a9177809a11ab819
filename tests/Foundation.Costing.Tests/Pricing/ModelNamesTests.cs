using Foundation.Costing.Pricing;

namespace Foundation.Costing.Tests.Pricing;

public sealed class ModelNamesTests
{
    [Theory]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini-2024-07-18|gpt-4o-mini")]
    [InlineData("claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022|claude-3-5-sonnet")]
    [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929|claude-sonnet-4-5")]
    [InlineData("mistral-large-latest", "mistral-large-latest|mistral-large")]
    [InlineData("gemini-1.5-pro-002", "gemini-1.5-pro-002|gemini-1.5-pro")]
    [InlineData("models/gemini-2.0-flash-001", "models/gemini-2.0-flash-001|gemini-2.0-flash-001|gemini-2.0-flash")]
    [InlineData("claude-3-5-haiku@20241022", "claude-3-5-haiku@20241022|claude-3-5-haiku")]
    [InlineData("gpt-4", "gpt-4")]
    [InlineData("o3", "o3")]
    [InlineData("gpt-4o-2024-13-45", "gpt-4o-2024-13-45")] // not a date
    public void Candidates_strip_dated_suffixes_one_at_a_time(string model, string expected) =>
        string.Join('|', ModelNames.Candidates(model)).ShouldBe(expected);
}
