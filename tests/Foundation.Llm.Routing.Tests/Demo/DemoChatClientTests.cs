using System.Text;
using System.Text.Json;
using Foundation.Llm.Routing.Demo;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Tests.Demo;

public sealed class DemoChatClientTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.System, "You are helpful."), new(ChatRole.User, "  What   is\nFoundation? ")];

    [Fact]
    public async Task Answers_a_labelled_deterministic_text_with_realistic_usage()
    {
        using var client = new DemoChatClient(new DemoChatClientOptions { WordDelay = TimeSpan.Zero });

        var first = await client.GetResponseAsync(Prompt, new ChatOptions { ModelId = "chat" });
        var second = await client.GetResponseAsync(Prompt);

        first.Text.ShouldStartWith("[Foundation demo model] You said: \"What is Foundation?\".");
        first.Text.ShouldContain("OPENAI_API_KEY");
        second.Text.ShouldBe(first.Text);
        first.ModelId.ShouldBe("foundation-demo-1");
        first.FinishReason.ShouldBe(ChatFinishReason.Stop);
        var words = first.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        first.Usage!.OutputTokenCount.ShouldBe((long)Math.Ceiling(words * 1.3));
        var promptChars = "You are helpful.".Length + "  What   is\nFoundation? ".Length + 8;
        first.Usage.InputTokenCount.ShouldBe((promptChars + 3) / 4);
        first.Usage.TotalTokenCount.ShouldBe(first.Usage.InputTokenCount + first.Usage.OutputTokenCount);
        client.GetService<ChatClientMetadata>()!.ProviderName.ShouldBe("foundation-demo");
        client.GetService<ChatClientMetadata>()!.DefaultModelId.ShouldBe("foundation-demo-1");
    }

    [Fact]
    public async Task Streams_word_by_word_then_usage_and_the_words_make_the_whole_text()
    {
        using var client = new DemoChatClient(new DemoChatClientOptions { WordDelay = TimeSpan.Zero });
        var expected = (await client.GetResponseAsync(Prompt)).Text;

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Prompt))
        {
            updates.Add(update);
        }

        var text = new StringBuilder();
        foreach (var update in updates)
        {
            text.Append(update.Text);
        }

        text.ToString().ShouldBe(expected);
        updates.Count.ShouldBe(expected.Split(' ').Length + 1);
        updates.Take(updates.Count - 1).ShouldAllBe(u => u.Text.Trim().Split(' ', StringSplitOptions.None).Length == 1);
        var last = updates[^1];
        last.FinishReason.ShouldBe(ChatFinishReason.Stop);
        last.Contents.OfType<UsageContent>().Single().Details.OutputTokenCount!.Value.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_JSON_response_format_gets_a_JSON_object()
    {
        using var client = new DemoChatClient(new DemoChatClientOptions { WordDelay = TimeSpan.Zero });
        var response = await client.GetResponseAsync(Prompt, new ChatOptions { ResponseFormat = ChatResponseFormat.Json });
        var json = JsonDocument.Parse(response.Text).RootElement;
        json.GetProperty("demo").GetBoolean().ShouldBeTrue();
        json.GetProperty("youSaid").GetString().ShouldBe("What is Foundation?");
    }

    [Fact]
    public async Task The_pause_between_words_uses_the_time_provider()
    {
        var time = new FakeTimeProvider(Routing.TestClock.Start);
        using var client = new DemoChatClient(new DemoChatClientOptions { WordDelay = TimeSpan.FromMilliseconds(15) }, time);
        await using var enumerator = client.GetStreamingResponseAsync(Prompt).GetAsyncEnumerator();

        (await enumerator.MoveNextAsync()).ShouldBeTrue();
        var next = enumerator.MoveNextAsync().AsTask();
        await Task.Delay(50);
        next.IsCompleted.ShouldBeFalse("the second word waits for the clock");
        time.Advance(TimeSpan.FromMilliseconds(15));
        (await next).ShouldBeTrue();
    }
}
