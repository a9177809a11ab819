namespace Foundation.Llm.Routing.Endpoints;

/// <summary>
/// Answers, on the gateway (<c>/v1</c>) and on <c>/api/v1/llm/chat</c>, a failure that Foundation.Llm.Routing does not know: an
/// exception a deployment decorator throws (a budget refusal of a metering decorator, a host's own quota). Register any number
/// as singletons; the first that answers wins. Unknown failures are answered 500 (<c>server_error</c>) and logged.
/// </summary>
public interface ILlmHttpErrorMapper
{
    /// <summary>The answer for <paramref name="exception"/>, or <see langword="null"/> when this mapper does not know it.</summary>
    /// <param name="exception">What the router (or a decorator inside it) threw.</param>
    LlmHttpError? Map(Exception exception);
}
