using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ServiceDefaults.Tests;

/// <summary>Settings of an enum type: a name of the enum in any case is taken; anything else is refused with the names listed.</summary>
public sealed class ValidatedOptionsTests
{
    [Theory]
    [InlineData("Friday", DayOfWeek.Friday)]
    [InlineData("friday", DayOfWeek.Friday)]
    [InlineData(null, DayOfWeek.Monday)]
    public void A_name_of_the_enum_in_any_case_is_taken_and_no_setting_keeps_the_default(string? value, DayOfWeek expected) =>
        Assert.Equal(expected, Resolve(value).Day);

    [Theory]
    [InlineData("Someday")]
    [InlineData("9")]
    public void A_value_that_names_no_member_is_refused_naming_the_setting_and_the_members(string value)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => Resolve(value));

        Assert.Equal(
            $"Sample:Day is '{value}', which is not one of its values. Use Sunday or Monday or Tuesday or Wednesday or Thursday or Friday or Saturday.",
            refused.Message);
    }

    private static SampleOptions Resolve(string? day)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (day is not null)
            builder.Configuration.AddInMemoryCollection([new("Sample:Day", day)]);
        builder.AddValidatedOptions<SampleOptions>("Sample");
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<SampleOptions>>().Value;
    }

    private sealed class SampleOptions : IValidatedOptions
    {
        public DayOfWeek Day { get; set; } = DayOfWeek.Monday;

        public IEnumerable<string> Errors() => [];
    }
}
