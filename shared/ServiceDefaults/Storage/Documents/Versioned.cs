namespace ServiceDefaults.Storage.Documents;

/// <summary>A stored document with its revision: 1 when inserted, one more at every write. A conditional replace names it.</summary>
public sealed record Versioned<T>(T Document, long Revision);
