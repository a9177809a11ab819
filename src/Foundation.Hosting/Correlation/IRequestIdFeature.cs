namespace Foundation.Hosting.Correlation;

/// <summary>The current request's correlation id, as an <c>HttpContext</c> feature.</summary>
public interface IRequestIdFeature
{
    /// <summary>The id: the caller's <c>X-Request-ID</c> if it was well-formed, else a generated one.</summary>
    string RequestId { get; }

    /// <summary>Whether the id came from the caller (as opposed to being generated here).</summary>
    bool IsFromCaller { get; }
}
