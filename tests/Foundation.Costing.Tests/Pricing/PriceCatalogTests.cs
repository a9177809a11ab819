using Foundation.Costing.Pricing;
using Foundation.Pricing;

namespace Foundation.Costing.Tests.Pricing;

public sealed class PriceCatalogTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Every_shipped_entry_is_sane()
    {
        var entries = DefaultPriceCatalog.Entries;
        entries.Count.ShouldBeGreaterThan(25);
        DefaultPriceCatalog.CatalogDate.ShouldBeGreaterThan(new DateOnly(2025, 1, 1));
        foreach (var e in entries)
        {
            var p = e.Price;
            var name = $"{e.Provider}/{e.Model}@{e.EffectiveFrom:yyyy-MM-dd}";
            e.Provider.ShouldBe(e.Provider.ToLowerInvariant(), name);
            e.Model.ShouldBe(e.Model.ToLowerInvariant(), name);
            e.Source.ShouldBe(PriceSource.Default);
            e.Note.ShouldNotBeNullOrWhiteSpace(name + " records its source");
            e.EffectiveFrom.ShouldBeGreaterThan(new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero), name);
            e.EffectiveFrom.ShouldBeLessThanOrEqualTo(new DateTimeOffset(DefaultPriceCatalog.CatalogDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), name);
            p.InputPerMillion.ShouldBeGreaterThan(0m, name);
            p.InputPerMillion.ShouldBeLessThan(100m, name);
            p.OutputPerMillion.ShouldBeGreaterThanOrEqualTo(p.InputPerMillion, name + ": output costs at least input on every listed model");
            p.OutputPerMillion.ShouldBeLessThan(200m, name);
            if (p.CachedInputPerMillion is { } cached)
            {
                cached.ShouldBeLessThan(p.InputPerMillion, name + ": a cache read is cheaper than input");
                cached.ShouldBeGreaterThan(0m, name);
            }

            if (p.CacheWrite5mPerMillion is { } w5)
            {
                // 1.25 x input (Claude 3 Haiku's $0.30 on $0.25 is the one listed exception, 1.2 x).
                (w5 / p.InputPerMillion).ShouldBeInRange(1.2m, 1.25m, name + ": Anthropic's 5-minute write is 1.25 x input");
            }

            if (p.CacheWrite1hPerMillion is { } w1)
            {
                w1.ShouldBe(p.InputPerMillion * 2m, name + ": Anthropic's 1-hour write is 2 x input");
            }

            if (e.Provider == "anthropic")
            {
                (p.CachedInputPerMillion!.Value / p.InputPerMillion).ShouldBeInRange(0.1m, 0.12m, name + ": Anthropic's cache read is 0.1 x input (Claude 3 Haiku: 0.12)");
                p.CacheWrite5mPerMillion.ShouldNotBeNull(name);
                p.CacheWrite1hPerMillion.ShouldNotBeNull(name);
            }
        }

        entries.GroupBy(e => (e.Provider, e.Model, e.EffectiveFrom)).ShouldAllBe(g => g.Count() == 1, "no duplicate entries");
    }

    [Theory]
    [InlineData("openai", "gpt-4o")]
    [InlineData("openai", "gpt-4o-mini")]
    [InlineData("openai", "gpt-4.1")]
    [InlineData("openai", "gpt-4.1-mini")]
    [InlineData("openai", "gpt-4.1-nano")]
    [InlineData("openai", "o3")]
    [InlineData("openai", "o4-mini")]
    [InlineData("anthropic", "claude-3-5-sonnet")]
    [InlineData("anthropic", "claude-3-5-haiku")]
    [InlineData("anthropic", "claude-3-7-sonnet")]
    [InlineData("anthropic", "claude-sonnet-4")]
    [InlineData("anthropic", "claude-opus-4")]
    [InlineData("anthropic", "claude-haiku-4-5")]
    [InlineData("google", "gemini-1.5-flash")]
    [InlineData("google", "gemini-1.5-pro")]
    [InlineData("google", "gemini-2.0-flash")]
    [InlineData("google", "gemini-2.5-flash")]
    [InlineData("google", "gemini-2.5-pro")]
    [InlineData("mistral", "mistral-large")]
    [InlineData("mistral", "mistral-small")]
    public void The_major_models_are_priced(string provider, string model) =>
        new CatalogModelPriceProvider().TryGetPrice(provider, model, Now, out _).ShouldBeTrue();

    [Theory]
    [InlineData("openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("openai", "GPT-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("openai", "gpt-4.1-2025-04-14", "gpt-4.1")]
    [InlineData("openai", "o3-2025-04-16", "o3")]
    [InlineData("openai", "gpt-4o-2024-05-13", "gpt-4o-2024-05-13")] // an exact entry wins over the base model
    [InlineData("anthropic", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet")]
    [InlineData("anthropic", "claude-3-7-sonnet-latest", "claude-3-7-sonnet")]
    [InlineData("anthropic", "claude-sonnet-4-20250514", "claude-sonnet-4")]
    [InlineData("anthropic", "claude-sonnet-4-0", "claude-sonnet-4-0")]
    [InlineData("anthropic", "claude-haiku-4-5-20251001", "claude-haiku-4-5")]
    [InlineData("google", "gemini-1.5-flash-002", "gemini-1.5-flash")]
    [InlineData("google", "models/gemini-2.0-flash", "gemini-2.0-flash")]
    [InlineData("gcp.gemini", "gemini-2.5-pro", "gemini-2.5-pro")]
    [InlineData("gcp.vertex_ai", "claude-3-5-haiku@20241022", null)] // Vertex serves Claude, but not at the google catalog: unpriced
    [InlineData("mistral", "mistral-large-2411", "mistral-large")]
    [InlineData("mistral_ai", "mistral-small-latest", "mistral-small")]
    public void Snapshot_ids_resolve_to_their_base_entry_when_there_is_no_exact_one(string provider, string model, string? expected)
    {
        var prices = new CatalogModelPriceProvider();
        var found = prices.TryResolve(provider, model, Now, out var match);
        if (expected is null)
        {
            found.ShouldBeFalse();
        }
        else
        {
            found.ShouldBeTrue();
            match.MatchedModel.ShouldBe(expected);
        }
    }

    [Theory]
    [InlineData("openai", "gpt-5-turbo-ultra")]
    [InlineData("openai", "gpt-4o-mini-preview")]
    [InlineData("google", "gemini-2.5-flash-preview-05-20")]
    [InlineData("someone", "gpt-4o")]
    [InlineData("openai", "")]
    public void Unknown_models_are_unpriced_never_free(string provider, string model)
    {
        new CatalogModelPriceProvider().TryGetPrice(provider, model, Now, out var price).ShouldBeFalse();
        price.ShouldBe(default);
    }

    [Fact]
    public void History_stays_priced_at_the_time_of_use()
    {
        var prices = new CatalogModelPriceProvider();
        prices.TryGetPrice("openai", "o3", new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero), out var before).ShouldBeTrue();
        prices.TryGetPrice("openai", "o3", new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero), out var after).ShouldBeTrue();
        before.InputPerMillion.ShouldBe(10m);
        after.InputPerMillion.ShouldBe(2m);
        prices.TryGetPrice("openai", "o3", new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), out _).ShouldBeFalse("before its launch o3 had no price");
        prices.TryGetPrice("openai", "gpt-4o", new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero), out var launch).ShouldBeTrue();
        launch.InputPerMillion.ShouldBe(5m);
        launch.CachedInputPerMillion.ShouldBeNull();
    }

    [Fact]
    public void Configuration_overrides_the_catalog_and_the_database_overrides_configuration()
    {
        var configured = new PriceEntry("openai", "gpt-4o-mini", DateTimeOffset.MinValue, new ModelPrice(0.2m, 0.8m), PriceSource.Configuration);
        var prices = new CatalogModelPriceProvider([configured, new PriceEntry("acme", "house-model", DateTimeOffset.MinValue, new ModelPrice(1m, 1m), PriceSource.Configuration)]);
        prices.TryResolve("openai", "gpt-4o-mini-2024-07-18", Now, out var match).ShouldBeTrue();
        match.Entry.Source.ShouldBe(PriceSource.Configuration);
        match.Entry.Price.InputPerMillion.ShouldBe(0.2m);
        prices.TryGetPrice("ACME", "House-Model", Now, out _).ShouldBeTrue();

        prices.ReplaceDatabaseEntries([new PriceEntry("openai", "gpt-4o-mini", Now.AddDays(-1), new ModelPrice(0.3m, 0.9m), PriceSource.Database)]);
        prices.TryResolve("openai", "gpt-4o-mini", Now, out match).ShouldBeTrue();
        match.Entry.Source.ShouldBe(PriceSource.Database);
        prices.TryResolve("openai", "gpt-4o-mini", Now.AddDays(-2), out match).ShouldBeTrue();
        match.Entry.Source.ShouldBe(PriceSource.Configuration, "before the database price took effect, configuration applies");
    }

    [Fact]
    public void A_tenants_override_applies_to_that_tenant_only_and_falls_back_to_the_global_price()
    {
        var prices = new CatalogModelPriceProvider();
        IModelPriceProvider contract = prices;
        var global = new PriceEntry("openai", "gpt-4o-mini", Now.AddDays(-10), new ModelPrice(0.3m, 0.9m), PriceSource.Database);
        var free = new PriceEntry("openai", "gpt-4o-mini", Now.AddDays(-1), new ModelPrice(0m, 0m), PriceSource.Tenant) { TenantId = "a" };
        var dear = new PriceEntry("openai", "gpt-4o-mini", Now.AddDays(-1), new ModelPrice(10_000m, 10_000m), PriceSource.Tenant) { TenantId = "" };
        prices.ReplaceDatabaseEntries([global], [free, dear]);

        contract.TryGetPrice("a", "openai", "gpt-4o-mini-2024-07-18", Now, out var a).ShouldBeTrue();
        a.InputPerMillion.ShouldBe(0m, "tenant a's override, also for the snapshot id");
        contract.TryGetPrice("", "openai", "gpt-4o-mini", Now, out var defaultTenant).ShouldBeTrue();
        defaultTenant.InputPerMillion.ShouldBe(10_000m, "the default tenant ('') has an override of its own");
        contract.TryGetPrice("b", "openai", "gpt-4o-mini", Now, out var b).ShouldBeTrue();
        b.InputPerMillion.ShouldBe(0.3m, "tenant b has no override: the global price");
        contract.TryGetPrice(null, "openai", "gpt-4o-mini", Now, out var none).ShouldBeTrue();
        none.InputPerMillion.ShouldBe(0.3m);
        contract.TryGetPrice("openai", "gpt-4o-mini", Now, out var old).ShouldBeTrue();
        old.InputPerMillion.ShouldBe(0.3m, "the tenant-less look-up never sees an override");
        contract.TryGetPrice("a", "openai", "gpt-4o-mini", Now.AddDays(-2), out var before).ShouldBeTrue();
        before.InputPerMillion.ShouldBe(0.3m, "before the override took effect, the global price applies");
        prices.AllEntries.ShouldNotContain(e => e.IsOverride);
        prices.TenantEntries("a").ShouldBe([free]);

        // Replacing only the global layer keeps the overrides; a full refresh without them drops them.
        prices.ReplaceDatabaseEntries([]);
        prices.TryGetPrice("a", "openai", "gpt-4o-mini", Now, out a).ShouldBeTrue();
        a.InputPerMillion.ShouldBe(0m);
        prices.ReplaceDatabaseEntries([global], []);
        prices.TryGetPrice("a", "openai", "gpt-4o-mini", Now, out a).ShouldBeTrue();
        a.InputPerMillion.ShouldBe(0.3m);
    }

    [Theory]
    [InlineData("openai", "gpt-4o-mini", true)]
    [InlineData("openai", "gpt-4o-mini-2024-07-18", true)]
    [InlineData("OpenAI", "GPT-4o", true)]
    [InlineData("openai", "gpt-nonexistent", false)]
    [InlineData("acme", "gpt-4o", false)]
    public void Only_a_globally_priced_model_can_be_overridden(string provider, string model, bool priced) =>
        new CatalogModelPriceProvider().IsGloballyPriced(provider, model).ShouldBe(priced);

    [Fact]
    public void Exact_ids_in_a_lower_layer_beat_normalised_ids_in_a_higher_layer()
    {
        var prices = new CatalogModelPriceProvider([new PriceEntry("openai", "gpt-4o", DateTimeOffset.MinValue, new ModelPrice(9m, 9m), PriceSource.Configuration)]);
        prices.TryResolve("openai", "gpt-4o-2024-05-13", Now, out var match).ShouldBeTrue();
        match.Entry.Source.ShouldBe(PriceSource.Default);
        match.Entry.Price.InputPerMillion.ShouldBe(5m);
    }
}
