using System.Net;

namespace Foundation.Llm.Routing.Errors;

/// <summary>A provider call failed; <see cref="Kind"/> says why and whether another deployment may succeed.</summary>
public class LlmProviderException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LlmProviderException()
        : this(LlmErrorKind.UpstreamError, "The LLM provider call failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    public LlmProviderException(string message)
        : this(LlmErrorKind.UpstreamError, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public LlmProviderException(string message, Exception? innerException)
        : this(LlmErrorKind.UpstreamError, message, innerException: innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="kind">Why the call failed.</param>
    /// <param name="message">What happened, including the provider's own message when it gave one.</param>
    /// <param name="statusCode">The provider's HTTP status, if it answered.</param>
    /// <param name="retryAfter">How long the provider asked to wait (Retry-After, retry-after-ms).</param>
    /// <param name="provider">The provider's configured name.</param>
    /// <param name="providerErrorCode">The provider's own error code or type (<c>context_length_exceeded</c>, <c>overloaded_error</c>).</param>
    /// <param name="innerException">The cause.</param>
    public LlmProviderException(
        LlmErrorKind kind,
        string message,
        HttpStatusCode? statusCode = null,
        TimeSpan? retryAfter = null,
        string? provider = null,
        string? providerErrorCode = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
        Provider = provider;
        ProviderErrorCode = providerErrorCode;
    }

    /// <summary>Why the call failed.</summary>
    public LlmErrorKind Kind { get; }

    /// <summary>The provider's HTTP status, if it answered.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>How long the provider asked to wait before a retry, if it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The provider's configured name, if known.</summary>
    public string? Provider { get; }

    /// <summary>The provider's own error code or type, if it gave one.</summary>
    public string? ProviderErrorCode { get; }

    /// <summary>Whether another attempt (here after a wait, or on another deployment) may succeed.</summary>
    public bool IsTransient => Kind is LlmErrorKind.RateLimited or LlmErrorKind.Overloaded or LlmErrorKind.UpstreamError
        or LlmErrorKind.Timeout or LlmErrorKind.MalformedResponse;
}
