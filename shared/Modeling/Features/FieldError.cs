namespace Modeling.Features;

/// <summary>Why one field of a record is invalid: the field, a stable code and a message for people.</summary>
/// <param name="Field">The raw field name from the feature spec.</param>
/// <param name="Code">One of <see cref="FieldErrorCodes"/>.</param>
/// <param name="Message">What is wrong and what is expected.</param>
public sealed record FieldError(string Field, string Code, string Message);

/// <summary>The stable codes of <see cref="FieldError"/>, safe for clients to switch on.</summary>
public static class FieldErrorCodes
{
    /// <summary>The field is absent, null or empty and the spec does not allow that.</summary>
    public const string Missing = "missing";

    /// <summary>The value is not a number (or numeric text).</summary>
    public const string NotANumber = "not_a_number";

    /// <summary>The value is NaN or infinite.</summary>
    public const string NotFinite = "not_finite";

    /// <summary>The number is outside [min, max].</summary>
    public const string OutOfRange = "out_of_range";

    /// <summary>The value is not text (a categorical field needs text or a number).</summary>
    public const string NotACategory = "not_a_category";

    /// <summary>The category is not in the vocabulary and the spec refuses unknown values.</summary>
    public const string UnknownCategory = "unknown_category";

    /// <summary>The value is not a readable date and time.</summary>
    public const string InvalidTimestamp = "invalid_timestamp";
}
