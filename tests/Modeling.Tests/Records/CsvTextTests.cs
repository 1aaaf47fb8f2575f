using System.Text;
using Modeling.Features;
using Modeling.Records;

namespace Modeling.Tests.Records;

/// <summary>CSV cells: text a spreadsheet would run as a formula is neutralized, numbers never are, and the platform reads back what it wrote.</summary>
public sealed class CsvTextTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0")]
    [InlineData("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0")]
    [InlineData("@SUM(A1:A9)", "'@SUM(A1:A9)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("-", "'-")]
    public void Text_a_spreadsheet_would_run_is_neutralized(string value, string cell)
    {
        Assert.True(CsvText.RunsAsFormula(value));
        Assert.Equal(cell, CsvText.Text(value));
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("+1.5e3")]
    [InlineData("-0.25")]
    [InlineData("late")]
    [InlineData("AA 1=2")]
    [InlineData("a-b")]
    public void Numbers_and_ordinary_text_are_written_as_they_are(string value)
    {
        Assert.False(CsvText.RunsAsFormula(value));
        Assert.Equal(value, CsvText.Text(value));
    }

    [Fact]
    public void Number_cells_are_never_changed()
    {
        Assert.Equal("-5", CsvText.Number(-5.0));
        Assert.Equal("-1.5", CsvText.Number(-1.5f));
        Assert.Equal("", CsvText.Number(double.NaN));
    }

    [Fact]
    public void Quotes_commas_and_line_breaks_are_quoted()
    {
        Assert.Equal("\"a,\"\"b\"\"\"", CsvText.Text("a,\"b\""));
        Assert.Equal("\"a\nb\"", CsvText.Text("a\nb"));
        Assert.Equal("", CsvText.Text(null));
    }

    [Theory]
    [InlineData("=1+1")]
    [InlineData("-2+3")]
    [InlineData("@me, \"quoted\"")]
    [InlineData("'=already quoted by its author")]
    [InlineData("-5")]
    [InlineData("plain")]
    public async Task A_cell_the_platform_wrote_reads_back_as_what_was_written(string value)
    {
        var csv = $"x,y\n{CsvText.Text(value)},1\n";
        var sink = new Sink();

        await new CsvRecordReader().ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), sink, CancellationToken.None);

        Assert.Equal(value, Assert.Single(sink.Values));
    }

    private sealed class Sink : IRecordSink
    {
        public List<string?> Values { get; } = [];

        public void ReportRowCount(long rows)
        {
        }

        public ValueTask AcceptAsync<TRecord>(TRecord record, CancellationToken cancellationToken) where TRecord : IRawRecord
        {
            Values.Add(record.ValueOf("x").Text);
            return ValueTask.CompletedTask;
        }

        public ValueTask RejectAsync(FieldError reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
