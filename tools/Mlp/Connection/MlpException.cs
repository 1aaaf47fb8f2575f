namespace Mlp.Connection;

/// <summary>What went wrong, in words for the person at the terminal: mlp prints the message and exits with 1.</summary>
public class MlpException : Exception
{
    /// <summary>An error with its message.</summary>
    public MlpException(string message)
        : base(message)
    {
    }

    /// <summary>An error with its message and cause.</summary>
    public MlpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An error without a message (for serializers and analyzers).</summary>
    public MlpException()
    {
    }
}
