using Foundation.Costing.Pricing;
using Foundation.Costing.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Costing.Tests.Pricing;

/// <summary>Provider and model names of price entries are names people read: no invisible or bidirectional characters.</summary>
public sealed class PriceEntryNameTests(SqliteCostingDatabase database) : IClassFixture<SqliteCostingDatabase>
{
    [Theory]
    [InlineData("openai", "gpt-4o\u200B", "model", 0x200B)]
    [InlineData("openai", "gpt-\u202Eo4", "model", 0x202E)]
    [InlineData("open\u2060ai", "gpt-4o", "provider", 0x2060)]
    [InlineData("openai", "gpt\t4o", "model", 0x09)]
    public async Task A_price_entry_with_an_invisible_or_bidi_character_in_a_name_is_refused_naming_the_field(string provider, string model, string field, int codePoint)
    {
        await using var services = database.BuildServices();
        var prices = services.CreateScope().ServiceProvider.GetRequiredService<PriceCatalogService>();

        var ex = await Should.ThrowAsync<CostingValidationException>(() => prices.SetPriceAsync(
            new PriceChange { Provider = provider, Model = model, InputPerMillion = 1m, OutputPerMillion = 2m }));

        ex.Field.ShouldBe(field);
        ex.Message.ShouldStartWith($"{field} contains U+{codePoint:X4}");
    }
}
