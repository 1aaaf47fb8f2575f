using ServiceDefaults.Storage.Documents;

namespace Retrainer.Keys;

/// <summary>API keys in the Retrainer's database: collection <c>api_keys</c>, one document per key (key: its id), hashes only.</summary>
public sealed class ApiKeyStore([FromKeyedServices(RetrainerService.StoreName)] IDocumentDatabase database)
{
    private readonly IDocuments<ApiKey> _keys = database.Collection(new DocumentSchema<ApiKey>
    {
        Name = "api_keys",
        Key = key => key.KeyId,
        Fields = [new("created", key => key.CreatedAt)],
        Indexes = [["created"]],
    });

    /// <summary>Inserts or replaces the key (by id).</summary>
    public Task SaveAsync(ApiKey key, CancellationToken cancellationToken) => _keys.UpsertAsync(key, cancellationToken);

    /// <summary>One key, or null.</summary>
    public async Task<ApiKey?> FindAsync(string keyId, CancellationToken cancellationToken) =>
        (await _keys.GetAsync(keyId, cancellationToken))?.Document;

    /// <summary>Every key, revoked ones included, oldest first.</summary>
    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken) =>
        _keys.ListAsync(DocumentQuery.All.OrderByAscending("created"), cancellationToken);
}
