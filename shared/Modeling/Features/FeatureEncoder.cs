namespace Modeling.Features;

/// <summary>Turns one raw field into its tensor columns, as its feature spec says.</summary>
internal abstract class FeatureEncoder(string field, int width)
{
    public string Field { get; } = field;

    public int Width { get; } = width;

    /// <summary>Writes exactly <see cref="Width"/> values, or returns the error and leaves the destination undefined.</summary>
    public abstract FieldError? Encode(RawValue value, Span<float> destination);

    protected FieldError Fail(string code, string message) => new(Field, code, message);

    protected static string Describe(RawValue value) => value.Kind switch
    {
        RawValueKind.Number => value.Number.ToString("R"),
        RawValueKind.Text => $"'{Text.UserText.Shown(value.Text, 40)}'",
        RawValueKind.Timestamp => value.Timestamp.ToString("s"),
        _ => value.Text ?? "nothing",
    };
}
