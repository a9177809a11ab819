namespace Foundation.Llm.Routing.Endpoints;

/// <summary>How an LLM failure is answered over HTTP (see <see cref="ILlmHttpErrorMapper"/>).</summary>
/// <param name="Status">The HTTP status (402, 429, ...).</param>
/// <param name="Type">OpenAI's error <c>type</c> on <c>/v1</c> (<c>insufficient_quota</c>, <c>invalid_request_error</c>, <c>server_error</c>).</param>
/// <param name="Code">OpenAI's error <c>code</c> on <c>/v1</c> and the problem's <c>code</c> on <c>/api</c>, or <see langword="null"/>.</param>
/// <param name="Param">The request parameter at fault, or <see langword="null"/>.</param>
/// <param name="Message">What a person can act on.</param>
/// <param name="RetryAfter">A wait answered as <c>Retry-After</c>, or <see langword="null"/>.</param>
public sealed record LlmHttpError(int Status, string Type, string? Code, string? Param, string Message, TimeSpan? RetryAfter = null)
{
    /// <summary>Members added to the RFC 9457 problem of <c>/api/v1/llm/chat</c> (the <c>/v1</c> shape has no room for them).</summary>
    public IReadOnlyDictionary<string, object?>? ProblemExtensions { get; init; }
}
