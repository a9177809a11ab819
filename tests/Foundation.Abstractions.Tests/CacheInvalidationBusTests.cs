using Foundation.Caching;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Abstractions.Tests;

public sealed class CacheInvalidationBusTests
{
    [Fact]
    public void A_message_reaches_the_subscribers_of_its_topic_only_until_they_unsubscribe()
    {
        var bus = new InProcessCacheInvalidationBus();
        var first = new List<string>();
        var second = new List<string>();
        var other = new List<string>();
        var subscription = bus.Subscribe("foundation.test", first.Add);
        using var alsoSubscribed = bus.Subscribe("foundation.test", second.Add);
        using var otherTopic = bus.Subscribe("foundation.other", other.Add);

        bus.Publish("foundation.test", "k1");
        subscription.Dispose();
        subscription.Dispose();
        bus.Publish("foundation.test", CacheInvalidation.AllKeys);

        first.ShouldBe(["k1"]);
        second.ShouldBe(["k1", "*"]);
        other.ShouldBeEmpty();
        bus.Deliver("foundation.none", "k").ShouldBe(0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("new\nline")]
    [InlineData("ünicode")]
    public void A_topic_outside_letters_digits_dot_dash_underscore_is_refused(string topic)
    {
        var bus = new InProcessCacheInvalidationBus();
        Should.Throw<ArgumentException>(() => bus.Publish(topic, "k"));
        Should.Throw<ArgumentException>(() => bus.Subscribe(topic, _ => { }));
    }

    [Fact]
    public void The_defaults_register_the_in_process_bus_unless_the_host_registered_one()
    {
        using var defaults = new ServiceCollection().AddFoundationDefaults().BuildServiceProvider();
        defaults.GetRequiredService<ICacheInvalidationBus>().ShouldBeOfType<InProcessCacheInvalidationBus>();

        var mine = new InProcessCacheInvalidationBus();
        using var custom = new ServiceCollection().AddSingleton<ICacheInvalidationBus>(mine).AddFoundationDefaults().BuildServiceProvider();
        custom.GetRequiredService<ICacheInvalidationBus>().ShouldBeSameAs(mine);
    }
}
