namespace Modeling.Features;

/// <summary>A raw record whose fields can be read by name. Implemented by each input format.</summary>
public interface IRawRecord
{
    /// <summary>The value of a field; <see cref="RawValue.Missing"/> when absent or null.</summary>
    RawValue ValueOf(string field);
}
