namespace ServiceDefaults;

/// <summary>
/// A message that can never be processed as it is (malformed, naming an unknown model, failing validation).
/// Throw it from a consumer: the platform's retry policy does not retry it, and MassTransit moves the message
/// to the endpoint's <c>_error</c> queue at once, with this message as the reason in the
/// <c>MT-Fault-Message</c> header; after a fix, the message can be moved back
/// (<c>scripts/requeue-errors.sh</c>).
/// </summary>
public sealed class InvalidMessageException : Exception
{
    /// <summary>An invalid message, with the reason a person can act on.</summary>
    public InvalidMessageException(string message)
        : base(message)
    {
    }

    /// <summary>An invalid message, with the reason and what caused it.</summary>
    public InvalidMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
