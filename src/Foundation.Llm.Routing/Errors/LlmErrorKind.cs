namespace Foundation.Llm.Routing.Errors;

/// <summary>Why a provider call failed, independent of the provider's wire format.</summary>
public enum LlmErrorKind
{
    /// <summary>HTTP 429 (or the provider's equivalent): retry after <see cref="LlmProviderException.RetryAfter"/>.</summary>
    RateLimited,

    /// <summary>The provider is overloaded (Anthropic 529, OpenAI 503 "overloaded").</summary>
    Overloaded,

    /// <summary>The prompt plus the requested output exceed the model's context window.</summary>
    ContextLengthExceeded,

    /// <summary>The provider refused the content by policy.</summary>
    ContentFiltered,

    /// <summary>The API key was missing, wrong or lacks permission (401/403).</summary>
    AuthenticationFailed,

    /// <summary>The provider rejected the request as malformed (400/404/422 other than the cases above).</summary>
    BadRequest,

    /// <summary>The provider failed (5xx).</summary>
    UpstreamError,

    /// <summary>No answer (or no first byte) within the allowed time.</summary>
    Timeout,

    /// <summary>The provider answered something that is not its documented format (bad JSON, a stream cut mid-way).</summary>
    MalformedResponse,
}
