using System.Text;
using Foundation.Llm.Routing.Providers.Sse;

namespace Foundation.Llm.Routing.Tests.Providers;

public sealed class SseReaderTests
{
    private static async Task<List<(string Event, string Data)>> ReadAllAsync(byte[] bytes, int readSize = int.MaxValue)
    {
        var events = new List<(string, string)>();
        await using var reader = new SseReader(new TrickleStream(bytes, readSize));
        while (await reader.ReadNextAsync())
        {
            events.Add((Encoding.UTF8.GetString(reader.EventName), Encoding.UTF8.GetString(reader.Data)));
        }

        return events;
    }

    private static Task<List<(string Event, string Data)>> ReadAllAsync(string text, int readSize = int.MaxValue) =>
        ReadAllAsync(Encoding.UTF8.GetBytes(text), readSize);

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task Reads_events_with_every_line_ending_split_at_every_byte(string eol)
    {
        var text = $": a comment{eol}event: message_start{eol}data: {{\"a\":1}}{eol}{eol}data: first{eol}data:second{eol}id: 7{eol}retry: 100{eol}{eol}data: [DONE]{eol}{eol}";
        foreach (var readSize in new[] { 1, 2, 3, 7, 4096 })
        {
            var events = await ReadAllAsync(text, readSize);
            events.ShouldBe(
                [("message_start", "{\"a\":1}"), (string.Empty, "first\nsecond"), (string.Empty, "[DONE]")],
                $"read size {readSize}");
        }
    }

    [Fact]
    public async Task Keeps_utf8_multibyte_text_split_across_reads()
    {
        var events = await ReadAllAsync("data: {\"text\":\"héllo wörld – 日本語 🎉\"}\n\n", readSize: 1);
        events.ShouldHaveSingleItem().Data.ShouldBe("{\"text\":\"héllo wörld – 日本語 🎉\"}");
    }

    [Fact]
    public async Task Skips_a_utf8_bom_and_removes_only_one_leading_space()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("data:  two spaces\n\n")).ToArray();
        var events = await ReadAllAsync(bytes, readSize: 1);
        events.ShouldHaveSingleItem().Data.ShouldBe(" two spaces");
    }

    [Fact]
    public async Task Does_not_dispatch_events_without_data_and_resets_the_event_name()
    {
        var events = await ReadAllAsync("event: ping\n\ndata:\n\ndata: x\n\n");
        events.ShouldBe([(string.Empty, "x")]);
    }

    [Fact]
    public async Task Delivers_a_complete_last_event_without_a_blank_line_but_drops_a_line_cut_mid_way()
    {
        (await ReadAllAsync("data: a\n\ndata: [DONE]\n")).ShouldBe([(string.Empty, "a"), (string.Empty, "[DONE]")]);
        (await ReadAllAsync("data: a\n\ndata: {\"cut")).ShouldBe([(string.Empty, "a")]);
    }

    [Fact]
    public async Task Reads_large_events_and_counts_bytes()
    {
        var big = new string('x', 100_000);
        var text = $"data: {big}\n\ndata: small\n\n";
        await using var reader = new SseReader(new TrickleStream(Encoding.UTF8.GetBytes(text), 1000));
        (await reader.ReadNextAsync()).ShouldBeTrue();
        reader.Data.Length.ShouldBe(100_000);
        (await reader.ReadNextAsync()).ShouldBeTrue();
        Encoding.UTF8.GetString(reader.Data).ShouldBe("small");
        (await reader.ReadNextAsync()).ShouldBeFalse();
        reader.BytesConsumed.ShouldBe(Encoding.UTF8.GetByteCount(text));
    }

    [Fact]
    public async Task Delivers_every_buffered_event_without_waiting_for_more_bytes()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("data: one\n\ndata: two\n\ndata: thr"));
        await using var reader = new SseReader(pipe.Reader.AsStream());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        (await reader.ReadNextAsync(cts.Token)).ShouldBeTrue();
        Encoding.UTF8.GetString(reader.Data).ShouldBe("one");
        (await reader.ReadNextAsync(cts.Token)).ShouldBeTrue();
        Encoding.UTF8.GetString(reader.Data).ShouldBe("two");
        var third = reader.ReadNextAsync(cts.Token).AsTask();
        third.IsCompleted.ShouldBeFalse();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("ee\n\n"));
        (await third).ShouldBeTrue();
        Encoding.UTF8.GetString(reader.Data).ShouldBe("three");
    }

    /// <summary>Returns at most <c>readSize</c> bytes per read, like a network stream delivering small TCP segments.</summary>
    private sealed class TrickleStream(byte[] bytes, int readSize) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, readSize), bytes.Length - _position);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
