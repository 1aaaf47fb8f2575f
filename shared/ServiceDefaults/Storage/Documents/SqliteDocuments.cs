using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ServiceDefaults.Storage.Documents;

/// <summary>
/// A collection in the service's SQLite database: one table, the key as primary key, the revision, the expiry (UTC
/// ticks), a column per declared field (<c>f_</c> + name, the value as <see cref="FieldValue.Stored"/> gives it)
/// and the document as JSON text.
/// </summary>
public sealed class SqliteDocuments<T> : IDocuments<T>
{
    private readonly EmbeddedDatabase _database;
    private readonly DocumentSchema<T> _collection;
    private readonly string _schema;
    private readonly string _table;

    /// <summary>The collection in <paramref name="database"/>; its table and indexes are created on first use.</summary>
    public SqliteDocuments(EmbeddedDatabase database, DocumentSchema<T> collection)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(collection);
        StoreNames.ThrowIfInvalidCollection(collection.Name);
        foreach (var field in collection.Fields)
            StoreNames.ThrowIfInvalidCollection(field.Name);
        _database = database;
        _collection = collection;
        _table = collection.Name;
        var schema = new StringBuilder(
            $"CREATE TABLE IF NOT EXISTS {_table} (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, expires INTEGER, document TEXT NOT NULL");
        foreach (var field in collection.Fields)
            schema.Append($", f_{field.Name}");
        schema.Append(");\n");
        for (var i = 0; i < collection.Indexes.Count; i++)
        {
            var columns = string.Join(", ", collection.Indexes[i].Select(name => "f_" + collection.Field(name).Name));
            schema.Append($"CREATE INDEX IF NOT EXISTS {_table}_{i} ON {_table} ({columns});\n");
        }

        if (collection.ExpiresAt is not null)
            schema.Append($"CREATE INDEX IF NOT EXISTS {_table}_expires ON {_table} (expires) WHERE expires IS NOT NULL;\n");
        _schema = schema.ToString();
    }

    /// <inheritdoc />
    public async Task<Versioned<T>?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(_schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT document, revision FROM {_table} WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new Versioned<T>(Deserialize(reader.GetString(0)), reader.GetInt64(1)) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Versioned<T>>> FindAsync(DocumentQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(_schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT document, revision FROM {_table}{Where(query, command)}{OrderAndLimit(query)}";
        var found = new List<Versioned<T>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            found.Add(new Versioned<T>(Deserialize(reader.GetString(0)), reader.GetInt64(1)));
        return found;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<T> StreamAsync(DocumentQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(_schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT document FROM {_table}{Where(query, command)}{OrderAndLimit(query)}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return Deserialize(reader.GetString(0));
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(DocumentQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(_schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {_table}{Where(query, command)}";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, long>> CountByAsync(DocumentQuery query, string field, CancellationToken cancellationToken)
    {
        var column = "f_" + _collection.Field(field).Name;
        await using var connection = await _database.OpenAsync(_schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {column}, COUNT(*) FROM {_table}{Where(query, command)} GROUP BY {column}";
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            counts[reader.IsDBNull(0) ? "" : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!] = reader.GetInt64(1);
        return counts;
    }

    /// <inheritdoc />
    public async Task<bool> InsertAsync(T document, CancellationToken cancellationToken) =>
        (await InsertManyAsync([document], cancellationToken))[0];

    /// <inheritdoc />
    public async Task<IReadOnlyList<bool>> InsertManyAsync(IReadOnlyList<T> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var inserted = new bool[documents.Count];
        if (documents.Count == 0)
            return inserted;
        await using var connection = await _database.OpenAsync(_schema, cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = WriteCommand(connection, "INSERT INTO", " ON CONFLICT (key) DO NOTHING");
        command.Transaction = transaction;
        for (var i = 0; i < documents.Count; i++)
        {
            Bind(command, documents[i], revision: 1);
            inserted[i] = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    /// <inheritdoc />
    public async Task UpsertAsync(T document, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(_schema, cancellationToken);
        var columns = Columns().Skip(1).Where(column => column != "revision");
        await using var command = WriteCommand(connection, "INSERT INTO",
            $" ON CONFLICT (key) DO UPDATE SET revision = revision + 1, {string.Join(", ", columns.Select(column => $"{column} = excluded.{column}"))}");
        Bind(command, document, revision: 1);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> ReplaceAsync(T document, long revision, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(_schema, cancellationToken);
        await using var command = connection.CreateCommand();
        var columns = Columns().Skip(1).Where(column => column != "revision");
        command.CommandText = $"UPDATE {_table} SET revision = $revision, {string.Join(", ", columns.Select(column => $"{column} = ${column}"))} WHERE key = $key AND revision = $expected";
        Bind(command, document, revision + 1);
        command.Parameters.AddWithValue("$expected", revision);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(_schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {_table} WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task<long> DeleteManyAsync(DocumentQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(_schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {_table}{Where(query, command)}";
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(_schema, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {_table} WHERE expires IS NOT NULL AND expires <= $now";
        command.Parameters.AddWithValue("$now", now.UtcTicks);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private IEnumerable<string> Columns() =>
        ["key", "revision", "expires", "document", .. _collection.Fields.Select(field => "f_" + field.Name)];

    private SqliteCommand WriteCommand(SqliteConnection connection, string verb, string tail)
    {
        var command = connection.CreateCommand();
        var columns = Columns().ToList();
        command.CommandText = $"{verb} {_table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(column => "$" + column))}){tail}";
        return command;
    }

    private void Bind(SqliteCommand command, T document, long revision)
    {
        ArgumentNullException.ThrowIfNull(document);
        Set(command, "$key", _collection.Key(document));
        Set(command, "$revision", revision);
        Set(command, "$expires", _collection.ExpiresAt?.Invoke(document)?.UtcTicks);
        Set(command, "$document", JsonSerializer.Serialize(document, _collection.Json));
        foreach (var field in _collection.Fields)
            Set(command, "$f_" + field.Name, FieldValue.Stored(field.Read(document)));
    }

    private static void Set(SqliteCommand command, string name, object? value)
    {
        if (command.Parameters.Contains(name))
            command.Parameters[name].Value = value ?? DBNull.Value;
        else
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
    }

    private string Where(DocumentQuery query, SqliteCommand command)
    {
        if (query.Conditions.Count == 0)
            return "";
        var clauses = new List<string>();
        foreach (var condition in query.Conditions)
        {
            var column = "f_" + _collection.Field(condition.Field).Name;
            var name = "$p" + command.Parameters.Count;
            if (condition.Comparison == Comparison.In)
            {
                var values = ((System.Collections.IEnumerable)condition.Value!).Cast<object?>().ToList();
                var names = values.Select((value, i) => command.Parameters.AddWithValue($"{name}_{i}", FieldValue.Stored(value) ?? DBNull.Value).ParameterName);
                clauses.Add(values.Count == 0 ? "0" : $"{column} IN ({string.Join(", ", names)})");
                continue;
            }

            command.Parameters.AddWithValue(name, FieldValue.Stored(condition.Value) ?? DBNull.Value);
            clauses.Add(condition.Comparison switch
            {
                Comparison.Equal => $"{column} IS {name}",
                Comparison.Less => $"{column} < {name}",
                Comparison.LessOrEqual => $"{column} <= {name}",
                Comparison.Greater => $"{column} > {name}",
                _ => $"{column} >= {name}",
            });
        }

        return " WHERE " + string.Join(" AND ", clauses);
    }

    private string OrderAndLimit(DocumentQuery query)
    {
        var keys = query.Order.Select(order => $"f_{_collection.Field(order.Field).Name}{(order.Descending ? " DESC" : "")}").ToList();
        keys.Add(query.Order.Count > 0 && query.Order[^1].Descending ? "key DESC" : "key");
        return $" ORDER BY {string.Join(", ", keys)}" + (query.Limit is { } limit ? $" LIMIT {limit}" : "");
    }

    private T Deserialize(string json) =>
        JsonSerializer.Deserialize<T>(json, _collection.Json) ?? throw new InvalidDataException($"A document of '{_table}' is null.");
}
