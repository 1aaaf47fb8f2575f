using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ServiceDefaults.Storage.Documents;

/// <summary>
/// A collection in the service's SQLite database: one table with the key as primary key, the revision, a column per
/// declared field (<c>f_</c> + name, holding <see cref="FieldValue.Stored"/>) and the document as JSON.
/// </summary>
public sealed class SqliteDocuments<T> : IDocuments<T>
{
    private readonly EmbeddedDatabase _database;
    private readonly DocumentSchema<T> _schema;
    private readonly string _table;
    private readonly string[] _columns;
    private readonly string _ddl;
    private volatile bool _created;

    /// <summary>The collection in <paramref name="database"/>; its table and indexes are created on first use.</summary>
    public SqliteDocuments(EmbeddedDatabase database, DocumentSchema<T> schema)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(schema);
        (_database, _schema, _table) = (database, schema, StoreNames.Checked(schema.Name));
        _columns = ["key", "revision", "document", .. schema.Fields.Select(field => "f_" + StoreNames.Checked(field.Name))];
        var indexes = schema.Indexes.Select((index, i) =>
            $"CREATE INDEX IF NOT EXISTS {_table}_{i} ON {_table} ({string.Join(", ", index.Select(name => "f_" + schema.Field(name).Name))}, key);");
        _ddl = $"CREATE TABLE IF NOT EXISTS {_table} (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, document TEXT NOT NULL" +
            string.Concat(_columns.Skip(3).Select(column => ", " + column)) + ");\n" + string.Join("\n", indexes);
    }

    public async IAsyncEnumerable<Versioned<T>> StreamAsync(DocumentQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT document, revision FROM {_table}", query, ordered: true);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new Versioned<T>(JsonSerializer.Deserialize<T>(reader.GetString(0), _schema.Json) ?? throw new InvalidDataException($"A document of '{_table}' is null."), reader.GetInt64(1));
    }

    public async Task<IReadOnlyDictionary<string, long>> CountByAsync(DocumentQuery query, string field, CancellationToken cancellationToken)
    {
        var column = Column(field);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {column}, COUNT(*) FROM {_table}", query, ordered: false);
        command.CommandText += $" GROUP BY {column}";
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            counts[reader.IsDBNull(0) ? "" : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!] = reader.GetInt64(1);
        return counts;
    }

    public async Task<IReadOnlyList<bool>> InsertManyAsync(IReadOnlyList<T> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var inserted = new bool[documents.Count];
        if (documents.Count == 0)
            return inserted;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        await using var command = Write(connection, " ON CONFLICT (key) DO NOTHING");
        command.Transaction = transaction;
        for (var i = 0; i < documents.Count; i++)
        {
            Bind(command, documents[i], revision: 1);
            inserted[i] = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    public async Task UpsertAsync(T document, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var set = _columns.Skip(2).Select(column => $"{column} = excluded.{column}");
        await using var command = Write(connection, $" ON CONFLICT (key) DO UPDATE SET revision = revision + 1, {string.Join(", ", set)}");
        Bind(command, document, revision: 1);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> ReplaceAsync(T document, long revision, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var set = _columns.Skip(1).Select(column => $"{column} = ${column}");
        command.CommandText = $"UPDATE {_table} SET {string.Join(", ", set)} WHERE key = $key AND revision = $expected";
        Bind(command, document, revision + 1);
        command.Parameters.AddWithValue("$expected", revision);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<long> DeleteManyAsync(DocumentQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"DELETE FROM {_table}", query, ordered: false);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenAsync(cancellationToken);
        if (_created)
            return connection;
        await using var command = connection.CreateCommand();
        command.CommandText = _ddl;
        await command.ExecuteNonQueryAsync(cancellationToken);
        _created = true;
        return connection;
    }

    // The query's conditions as a WHERE clause with parameters and, when asked, its order (then the key, in the direction
    // of the last order key) and limit.
    private SqliteCommand Command(SqliteConnection connection, string sql, DocumentQuery query, bool ordered)
    {
        var command = connection.CreateCommand();
        var clauses = query.Conditions.Select(condition =>
        {
            var column = Column(condition.Field);
            // A list is one JSON array parameter, however long (SQLite allows 32,766 parameters per statement).
            if (condition.Comparison == Comparison.In)
            {
                var values = ((System.Collections.IEnumerable)condition.Value!).Cast<object?>().Select(FieldValue.Stored);
                var list = command.Parameters.AddWithValue("$p" + command.Parameters.Count, JsonSerializer.Serialize(values)).ParameterName;
                return $"{column} IN (SELECT value FROM json_each({list}))";
            }

            var name = command.Parameters.AddWithValue("$p" + command.Parameters.Count, FieldValue.Stored(condition.Value) ?? DBNull.Value).ParameterName;
            return condition.Comparison switch
            {
                Comparison.Equal => $"{column} IS {name}",
                Comparison.Less => $"{column} < {name}",
                Comparison.LessOrEqual => $"{column} <= {name}",
                Comparison.Greater => $"{column} > {name}",
                _ => $"{column} >= {name}",
            };
        }).ToList();
        command.CommandText = sql + (clauses.Count == 0 ? "" : " WHERE " + string.Join(" AND ", clauses));
        if (ordered)
        {
            var keys = query.Order.Select(order => Column(order.Field) + (order.Descending ? " DESC" : "")).ToList();
            keys.Add(query.Order.Count > 0 && query.Order[^1].Descending ? "key DESC" : "key");
            command.CommandText += $" ORDER BY {string.Join(", ", keys)}" + (query.Limit is { } limit ? $" LIMIT {limit}" : "");
        }

        return command;
    }

    private string Column(string field) => field == DocumentQuery.KeyField ? "key" : "f_" + _schema.Field(field).Name;

    private SqliteCommand Write(SqliteConnection connection, string onConflict)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO {_table} ({string.Join(", ", _columns)}) VALUES ({string.Join(", ", _columns.Select(column => "$" + column))}){onConflict}";
        return command;
    }

    private void Bind(SqliteCommand command, T document, long revision)
    {
        ArgumentNullException.ThrowIfNull(document);
        object?[] values = [_schema.Key(document), revision, JsonSerializer.Serialize(document, _schema.Json),
            .. _schema.Fields.Select(field => FieldValue.Stored(field.Read(document)))];
        for (var i = 0; i < _columns.Length; i++)
        {
            var name = "$" + _columns[i];
            if (!command.Parameters.Contains(name))
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            command.Parameters[name].Value = values[i] ?? DBNull.Value;
        }
    }
}
