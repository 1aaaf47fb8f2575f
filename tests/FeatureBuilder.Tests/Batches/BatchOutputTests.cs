using System.Text;
using FeatureBuilder.Batches;
using FeatureBuilder.Batches.Outputs;
using Modeling.Features;
using Modeling.Records;
using Parquet;
using Parquet.Schema;

namespace FeatureBuilder.Tests.Batches;

/// <summary>Results and invalid rows are written in every format with the same rows, in order.</summary>
public sealed class BatchOutputTests
{
    private static readonly ChunkResults[] Chunks =
    [
        new(0, [1, 2], ["a,\"b\"", null], ["late", "on-time"], [0.75f, 0.25f], [1.5f, -1.5f]),
        new(1, [4], null, ["late"], [0.5f], null),
    ];

    [Fact]
    public async Task Csv_has_the_five_columns_quotes_what_needs_it_and_leaves_absent_values_empty()
    {
        var csv = Encoding.UTF8.GetString(await WriteAsync(RecordFormat.Csv));

        Assert.Equal("row,entityKey,label,probability,value\n1,\"a,\"\"b\"\"\",late,0.75,1.5\n2,,on-time,0.25,-1.5\n4,,late,0.5,\n", csv);
    }

    [Fact]
    public async Task Csv_neutralizes_entity_keys_and_labels_a_spreadsheet_would_run_but_never_numbers()
    {
        ChunkResults[] crafted = [new(0, [1, 2], ["=HYPERLINK(\"http://evil\",\"x\")", "-5"], ["@SUM(A1)", "+1"], [0.5f, 0.5f], [-5f, -0.25f])];
        using var output = new MemoryStream();

        await BatchResultWriter.WriteAsync(RecordFormat.Csv, crafted.ToAsyncEnumerable(), output, CancellationToken.None);

        Assert.Equal(
            "row,entityKey,label,probability,value\n" +
            "1,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'@SUM(A1),0.5,-5\n" +
            "2,-5,+1,0.5,-0.25\n",
            Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task Json_lines_have_one_object_per_row_without_absent_members()
    {
        var lines = Encoding.UTF8.GetString(await WriteAsync(RecordFormat.JsonLines));

        Assert.Equal(
            "{\"row\":1,\"entityKey\":\"a,\\\"b\\\"\",\"label\":\"late\",\"probability\":0.75,\"value\":1.5}\n" +
            "{\"row\":2,\"label\":\"on-time\",\"probability\":0.25,\"value\":-1.5}\n" +
            "{\"row\":4,\"label\":\"late\",\"probability\":0.5}\n",
            lines);
    }

    [Fact]
    public async Task Parquet_holds_the_same_rows_with_nulls_for_absent_values()
    {
        using var file = new MemoryStream(await WriteAsync(RecordFormat.Parquet));
        await using var reader = await ParquetReader.CreateAsync(file);
        var fields = reader.Schema.GetDataFields();
        var rows = new List<long>();
        var keys = new List<string?>();
        var values = new List<float?>();
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            var count = (int)rowGroup.RowCount;
            var row = new long?[count];
            var key = new string[count];
            var value = new float?[count];
            await rowGroup.ReadAsync<long>(Field(fields, "row"), row, null);
            await rowGroup.ReadAsync(Field(fields, "entityKey"), key, null);
            await rowGroup.ReadAsync<float>(Field(fields, "value"), value, null);
            rows.AddRange(row.Select(number => number!.Value));
            keys.AddRange(key);
            values.AddRange(value);
        }

        Assert.Equal([1L, 2, 4], rows);
        Assert.Equal(["a,\"b\"", null, null], keys);
        Assert.Equal([1.5f, -1.5f, null], values);
    }

    [Fact]
    public async Task Invalid_rows_are_json_lines_or_one_csv_line_per_error()
    {
        InvalidRow[] rows = [new(3, [new FieldError("distance", "out_of_range", "5001 is above 5000"), new FieldError("origin", "missing", "required")])];

        using var json = new MemoryStream();
        await InvalidRowWriter.WriteAsync(RecordFormat.JsonLines, rows.ToAsyncEnumerable(), json, CancellationToken.None);
        using var csv = new MemoryStream();
        await InvalidRowWriter.WriteAsync(RecordFormat.Csv, rows.ToAsyncEnumerable(), csv, CancellationToken.None);

        Assert.Equal(
            "{\"row\":3,\"errors\":[{\"field\":\"distance\",\"code\":\"out_of_range\",\"message\":\"5001 is above 5000\"},{\"field\":\"origin\",\"code\":\"missing\",\"message\":\"required\"}]}\n",
            Encoding.UTF8.GetString(json.ToArray()).ReplaceLineEndings("\n"));
        Assert.Equal("row,field,code,message\n3,distance,out_of_range,5001 is above 5000\n3,origin,missing,required\n", Encoding.UTF8.GetString(csv.ToArray()).ReplaceLineEndings("\n"));
    }

    private static DataField Field(DataField[] fields, string name) => fields.Single(field => field.Name == name);

    private static async Task<byte[]> WriteAsync(RecordFormat format)
    {
        using var output = new MemoryStream();
        await BatchResultWriter.WriteAsync(format, Chunks.ToAsyncEnumerable(), output, CancellationToken.None);
        return output.ToArray();
    }
}
