using System.Text.Json;
using Microsoft.Data.Sqlite;
using ServiceDefaults.Storage;

namespace FeedbackCollector.Outcomes;

/// <summary>
/// The outcomes in the embedded store: the <c>outcomes</c> table of FeedbackCollector's SQLite database
/// (beside the prediction log), keyed by outcome id. Created on first use.
/// </summary>
/// <remarks>
/// The lookups of pending outcomes (by prediction id, by model and entity key, by age) and of joined outcomes
/// not yet published read partial indexes that hold only those, so they stay small however many outcomes are
/// kept; the counts read one covering index. Times are fixed-width UTC text (<see cref="EmbeddedTimestamps"/>), the joins JSON text.
/// Disposing it closes its pooled connections.
/// </remarks>
public sealed class SqliteOutcomeStore : IOutcomeStore, IDisposable
{
    private const string Columns =
        "outcome_id, prediction_id, model_name, entity_key, observed_at, value, label, received_at, state, joins, joined_at, duplicates, published";

    // Internal for the tests that check SQLite's query plans.
    internal const string FindPendingByPredictionIdsSql =
        $"SELECT {Columns} FROM outcomes WHERE state = 'pending' AND prediction_id IN (SELECT value FROM json_each($ids))";

    // INDEXED BY: without statistics, SQLite would rather read the counts' index from (model, 'pending') on,
    // every pending outcome of the model, than seek each entity key in the partial index.
    internal const string FindPendingByEntityKeysSql =
        $"SELECT {Columns} FROM outcomes INDEXED BY outcomes_pending_by_entity_key WHERE state = 'pending' AND model_name = $model AND entity_key IN (SELECT value FROM json_each($keys)) AND prediction_id IS NULL";

    internal const string OrphanSql =
        "UPDATE outcomes SET state = 'orphaned' WHERE state = 'pending' AND received_at < $before";

    internal const string FindUnpublishedSql =
        $"SELECT {Columns} FROM outcomes WHERE state = 'joined' AND published = 0 AND joined_at < $before ORDER BY joined_at LIMIT $limit";

    internal const string CountSql =
        "SELECT model_name, state, count(*), total(duplicates) FROM outcomes GROUP BY model_name, state";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS outcomes (
            outcome_id TEXT NOT NULL PRIMARY KEY,
            prediction_id TEXT,
            model_name TEXT,
            entity_key TEXT,
            observed_at TEXT NOT NULL,
            value REAL,
            label TEXT,
            received_at TEXT NOT NULL,
            state TEXT NOT NULL,
            joins TEXT NOT NULL,
            joined_at TEXT,
            duplicates INTEGER NOT NULL,
            published INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS outcomes_pending_by_prediction ON outcomes (prediction_id) WHERE state = 'pending';
        CREATE INDEX IF NOT EXISTS outcomes_pending_by_entity_key ON outcomes (model_name, entity_key) WHERE state = 'pending';
        CREATE INDEX IF NOT EXISTS outcomes_pending_by_received_at ON outcomes (received_at) WHERE state = 'pending';
        CREATE INDEX IF NOT EXISTS outcomes_unpublished_by_joined_at ON outcomes (joined_at) WHERE state = 'joined' AND published = 0;
        CREATE INDEX IF NOT EXISTS outcomes_by_model_and_state ON outcomes (model_name, state, duplicates);
        """;

    private readonly EmbeddedDatabase _database;

    /// <summary>A store in <paramref name="database"/>, which it owns (and disposes).</summary>
    public SqliteOutcomeStore(EmbeddedDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutcomeAdmission>> AddManyAsync(IReadOnlyList<Outcome> outcomes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count == 0)
            return [];

        await using var connection = await OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE: the write lock is taken (or waited for) up front, not half-way through.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO outcomes ({Columns}) VALUES ($id, $prediction, $model, $entity, $observed, $value, $label, $received, $state, $joins, $joined, $duplicates, $published) ON CONFLICT (outcome_id) DO NOTHING";
        await using var duplicate = connection.CreateCommand();
        duplicate.Transaction = transaction;
        duplicate.CommandText = $"UPDATE outcomes SET duplicates = duplicates + 1 WHERE outcome_id = $id RETURNING {Columns}";
        var duplicateId = duplicate.Parameters.Add("$id", SqliteType.Text);

        var admissions = new List<OutcomeAdmission>(outcomes.Count);
        foreach (var outcome in outcomes)
        {
            Bind(insert, outcome);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                admissions.Add(new OutcomeAdmission(outcome, IsNew: true));
                continue;
            }

            duplicateId.Value = outcome.OutcomeId;
            await using var reader = await duplicate.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            admissions.Add(new OutcomeAdmission(Read(reader), IsNew: false));
        }

        await transaction.CommitAsync(cancellationToken);
        return admissions;
    }

    /// <inheritdoc />
    public async Task<Outcome?> FindAsync(string outcomeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomeId);
        var found = await QueryAsync(
            $"SELECT {Columns} FROM outcomes WHERE outcome_id = $id",
            command => command.Parameters.AddWithValue("$id", outcomeId),
            cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Outcome>> FindPendingByPredictionIdsAsync(IReadOnlyCollection<Guid> predictionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predictionIds);
        if (predictionIds.Count == 0)
            return [];
        // One JSON array parameter instead of one parameter per id: no limit on how many, one prepared statement.
        return await QueryAsync(
            FindPendingByPredictionIdsSql,
            command => command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(predictionIds.Select(Key))),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Outcome>> FindPendingByEntityKeysAsync(IReadOnlyCollection<EntityRef> entities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entities);
        var found = new List<Outcome>();
        foreach (var model in entities.GroupBy(entity => entity.ModelName, StringComparer.Ordinal))
        {
            found.AddRange(await QueryAsync(
                FindPendingByEntityKeysSql,
                command =>
                {
                    command.Parameters.AddWithValue("$model", model.Key);
                    command.Parameters.AddWithValue("$keys", JsonSerializer.Serialize(model.Select(entity => entity.EntityKey).Distinct(StringComparer.Ordinal)));
                },
                cancellationToken));
        }

        return found;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> MarkJoinedAsync(IReadOnlyCollection<JoinedOutcome> joined, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(joined);
        if (joined.Count == 0)
            return [];

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE outcomes SET state = 'joined', model_name = $model, joins = $joins, joined_at = $joined, published = 0 WHERE outcome_id = $id AND state = 'pending'";
        var id = update.Parameters.Add("$id", SqliteType.Text);
        var model = update.Parameters.Add("$model", SqliteType.Text);
        var joins = update.Parameters.Add("$joins", SqliteType.Text);
        var joinedAt = update.Parameters.Add("$joined", SqliteType.Text);
        var marked = new List<string>(joined.Count);
        foreach (var outcome in joined)
        {
            id.Value = outcome.OutcomeId;
            model.Value = outcome.ModelName;
            joins.Value = JsonSerializer.Serialize(outcome.Joins, JsonSerializerOptions.Web);
            joinedAt.Value = EmbeddedTimestamps.Format(outcome.JoinedAt);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 1)
                marked.Add(outcome.OutcomeId);
        }

        await transaction.CommitAsync(cancellationToken);
        return marked;
    }

    /// <inheritdoc />
    public async Task MarkPublishedAsync(IReadOnlyCollection<string> outcomeIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomeIds);
        if (outcomeIds.Count == 0)
            return;
        await using var connection = await OpenAsync(cancellationToken);
        await using var update = connection.CreateCommand();
        update.CommandText = "UPDATE outcomes SET published = 1 WHERE outcome_id IN (SELECT value FROM json_each($ids)) AND state = 'joined'";
        update.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(outcomeIds));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Outcome>> FindUnpublishedAsync(DateTimeOffset joinedBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync(
            FindUnpublishedSql,
            command =>
            {
                command.Parameters.AddWithValue("$before", EmbeddedTimestamps.Format(joinedBefore));
                command.Parameters.AddWithValue("$limit", limit);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<int> OrphanPendingAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var update = connection.CreateCommand();
        update.CommandText = OrphanSql;
        update.Parameters.AddWithValue("$before", EmbeddedTimestamps.Format(receivedBefore));
        return await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<OutcomeCounts> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = CountSql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var total = OutcomeTally.Zero;
        var models = new Dictionary<string, OutcomeTally>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var tally = Tally(ParseState(reader.GetString(1)), reader.GetInt64(2), (long)reader.GetDouble(3));
            total = total.Plus(tally);
            if (!reader.IsDBNull(0))
                models[reader.GetString(0)] = models.GetValueOrDefault(reader.GetString(0), OutcomeTally.Zero).Plus(tally);
        }

        return new OutcomeCounts(total, models);
    }

    /// <summary>Closes the pooled connections to the database file.</summary>
    public void Dispose() => _database.Dispose();

    internal static OutcomeTally Tally(OutcomeState state, long count, long duplicates) => state switch
    {
        OutcomeState.Joined => new OutcomeTally(count, 0, 0, duplicates),
        OutcomeState.Pending => new OutcomeTally(0, count, 0, duplicates),
        _ => new OutcomeTally(0, 0, count, duplicates),
    };

    internal static string StateName(OutcomeState state) => state switch
    {
        OutcomeState.Joined => "joined",
        OutcomeState.Pending => "pending",
        _ => "orphaned",
    };

    internal static OutcomeState ParseState(string state) => state switch
    {
        "joined" => OutcomeState.Joined,
        "pending" => OutcomeState.Pending,
        "orphaned" => OutcomeState.Orphaned,
        _ => throw new InvalidDataException($"Unknown outcome state '{state}'."),
    };

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _database.OpenAsync(Schema, cancellationToken);

    private static void Bind(SqliteCommand insert, Outcome outcome)
    {
        insert.Parameters.Clear();
        insert.Parameters.AddWithValue("$id", outcome.OutcomeId);
        insert.Parameters.AddWithValue("$prediction", outcome.PredictionId is { } prediction ? Key(prediction) : DBNull.Value);
        insert.Parameters.AddWithValue("$model", (object?)outcome.ModelName ?? DBNull.Value);
        insert.Parameters.AddWithValue("$entity", (object?)outcome.EntityKey ?? DBNull.Value);
        insert.Parameters.AddWithValue("$observed", EmbeddedTimestamps.Format(outcome.ObservedAt));
        insert.Parameters.AddWithValue("$value", outcome.Value is { } value ? value : DBNull.Value);
        insert.Parameters.AddWithValue("$label", (object?)outcome.Label ?? DBNull.Value);
        insert.Parameters.AddWithValue("$received", EmbeddedTimestamps.Format(outcome.ReceivedAt));
        insert.Parameters.AddWithValue("$state", StateName(outcome.State));
        insert.Parameters.AddWithValue("$joins", JsonSerializer.Serialize(outcome.Joins, JsonSerializerOptions.Web));
        insert.Parameters.AddWithValue("$joined", outcome.JoinedAt is { } joined ? EmbeddedTimestamps.Format(joined) : DBNull.Value);
        insert.Parameters.AddWithValue("$duplicates", outcome.Duplicates);
        insert.Parameters.AddWithValue("$published", outcome.Published ? 1 : 0);
    }

    private async Task<IReadOnlyList<Outcome>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var outcomes = new List<Outcome>();
        while (await reader.ReadAsync(cancellationToken))
            outcomes.Add(Read(reader));
        return outcomes;
    }

    private static Outcome Read(SqliteDataReader row) => new(
        row.GetString(0),
        row.IsDBNull(1) ? null : Guid.Parse(row.GetString(1)),
        row.IsDBNull(2) ? null : row.GetString(2),
        row.IsDBNull(3) ? null : row.GetString(3),
        EmbeddedTimestamps.Parse(row.GetString(4)),
        row.IsDBNull(5) ? null : row.GetDouble(5),
        row.IsDBNull(6) ? null : row.GetString(6),
        EmbeddedTimestamps.Parse(row.GetString(7)),
        ParseState(row.GetString(8)),
        JsonSerializer.Deserialize<OutcomeJoin[]>(row.GetString(9), JsonSerializerOptions.Web) ?? [],
        row.IsDBNull(10) ? null : EmbeddedTimestamps.Parse(row.GetString(10)),
        row.GetInt64(11),
        row.GetInt64(12) == 1);

    // Lower-case canonical form, as the prediction log keeps prediction ids.
    private static string Key(Guid id) => id.ToString("D");
}
