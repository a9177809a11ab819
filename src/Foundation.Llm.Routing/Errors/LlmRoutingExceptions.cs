namespace Foundation.Llm.Routing.Errors;

/// <summary>The request names a model that is neither an alias nor a configured provider model.</summary>
public sealed class LlmModelNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LlmModelNotFoundException()
        : this(string.Empty)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="model">The model the request named.</param>
    public LlmModelNotFoundException(string model)
        : base($"The model '{model}' is neither a configured alias nor a provider model of a configured deployment.") => Model = model;

    /// <summary>Creates the exception.</summary>
    /// <param name="model">The model the request named.</param>
    /// <param name="innerException">The cause.</param>
    public LlmModelNotFoundException(string model, Exception? innerException)
        : base($"The model '{model}' is neither a configured alias nor a provider model of a configured deployment.", innerException) => Model = model;

    /// <summary>The model the request named.</summary>
    public string Model { get; } = string.Empty;
}

/// <summary>A model policy refuses the request (HTTP 403): the model is not allowed for the caller, or max tokens exceed a cap.</summary>
public sealed class LlmPolicyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LlmPolicyException()
        : this(string.Empty, string.Empty, "The request is not allowed by a model policy.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused and why.</param>
    public LlmPolicyException(string message)
        : this(string.Empty, string.Empty, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused and why.</param>
    /// <param name="innerException">The cause.</param>
    public LlmPolicyException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Model = string.Empty;
        Rule = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="model">The model refused.</param>
    /// <param name="rule">The rule that refused it (<c>Foundation:Llm:Policies:Roles:viewer:AllowedModels</c>).</param>
    /// <param name="message">What was refused and why, naming the model and the rule.</param>
    public LlmPolicyException(string model, string rule, string message)
        : base(message)
    {
        Model = model;
        Rule = rule;
    }

    /// <summary>The model refused.</summary>
    public string Model { get; }

    /// <summary>The rule that refused it.</summary>
    public string Rule { get; }
}

/// <summary>No deployment could serve the request: every candidate failed, is cooling down or lacks a capability.</summary>
public sealed class LlmNoDeploymentAvailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LlmNoDeploymentAvailableException()
        : this("No deployment could serve the request.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which alias and why each candidate was passed over.</param>
    public LlmNoDeploymentAvailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which alias and why each candidate was passed over.</param>
    /// <param name="innerException">The last provider failure, if any.</param>
    public LlmNoDeploymentAvailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How long until the first deployment leaves its cooldown, when that is why none was available.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
