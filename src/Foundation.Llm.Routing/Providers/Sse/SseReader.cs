using System.Buffers;
using System.IO.Pipelines;

namespace Foundation.Llm.Routing.Providers.Sse;

/// <summary>
/// Reads Server-Sent Events (the WHATWG <c>text/event-stream</c> format) from a UTF-8 byte stream without allocating per event:
/// <c>data:</c> lines (several are joined with <c>\n</c>), <c>event:</c> names, comments (<c>:</c>) and the ignored fields
/// <c>id</c>/<c>retry</c>, with LF, CRLF or CR line ends split anywhere across reads. After <see cref="ReadNextAsync"/> returns
/// <see langword="true"/>, <see cref="Data"/> and <see cref="EventName"/> hold the event until the next call.
/// </summary>
internal sealed class SseReader : IAsyncDisposable
{
    private const int MaxEventBytes = 16 * 1024 * 1024;

    private readonly PipeReader _reader;
    private byte[] _data;
    private int _dataLength;
    private bool _hasData;
    private byte[] _eventName = new byte[32];
    private int _eventNameLength;
    private bool _bomChecked;
    private bool _completed;

    /// <summary>Reads from <paramref name="stream"/>; disposing the reader does not dispose the stream.</summary>
    public SseReader(Stream stream)
    {
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
        _data = ArrayPool<byte>.Shared.Rent(4096);
    }

    /// <summary>The current event's data (lines joined with LF), valid until the next <see cref="ReadNextAsync"/>.</summary>
    public ReadOnlySpan<byte> Data => _data.AsSpan(0, _dataLength);

    /// <summary>The current event's <c>event:</c> name, empty when it had none (the default type <c>message</c>).</summary>
    public ReadOnlySpan<byte> EventName => _eventName.AsSpan(0, _eventNameLength);

    /// <summary>How many bytes of the stream have been consumed (for throughput figures).</summary>
    public long BytesConsumed { get; private set; }

    /// <summary>
    /// Advances to the next event. Returns <see langword="false"/> at the end of the stream; an event whose last line was
    /// complete but lacked the closing blank line is still delivered, a line cut mid-way is dropped.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for more bytes.</param>
    public async ValueTask<bool> ReadNextAsync(CancellationToken cancellationToken = default)
    {
        ResetEvent();
        if (_completed)
        {
            return false;
        }

        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryReadEvent(ref buffer, result.IsCompleted, out var consumed))
            {
                // Only up to the event was examined: the next call parses what is already buffered without waiting.
                _reader.AdvanceTo(consumed);
                return true;
            }

            _reader.AdvanceTo(consumed, buffer.End);

            if (result.IsCompleted)
            {
                _completed = true;
                if (_dataLength > 0)
                {
                    // The stream ended after a complete data line without the blank line that closes the event.
                    return true;
                }

                ResetEvent();
                return false;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        var data = _data;
        _data = [];
        if (data.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    private void ResetEvent()
    {
        _dataLength = 0;
        _hasData = false;
        _eventNameLength = 0;
    }

    private bool TryReadEvent(ref ReadOnlySequence<byte> buffer, bool isCompleted, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!_bomChecked)
        {
            if (reader.Remaining < 3 && !isCompleted)
            {
                consumed = buffer.Start;
                return false;
            }

            _bomChecked = true;
            if (reader.IsNext([0xEF, 0xBB, 0xBF], advancePast: true))
            {
                BytesConsumed += 3;
            }
        }

        while (true)
        {
            var lineStart = reader.Position;
            var startConsumed = reader.Consumed;
            if (!TryReadLine(ref reader, isCompleted, out var line))
            {
                consumed = lineStart;
                return false;
            }

            BytesConsumed += reader.Consumed - startConsumed;
            if (line.IsEmpty)
            {
                if (_dataLength > 0)
                {
                    consumed = reader.Position;
                    return true;
                }

                // An event whose data is empty is not dispatched (as in the WHATWG algorithm); the next one starts afresh.
                ResetEvent();
                continue;
            }

            ProcessLine(line);
        }
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, bool isCompleted, out ReadOnlySequence<byte> line)
    {
        var start = reader.Position;
        if (!reader.TryAdvanceToAny([(byte)'\n', (byte)'\r'], advancePastDelimiter: false))
        {
            line = default;
            return false;
        }

        line = reader.Sequence.Slice(start, reader.Position);
        reader.TryRead(out var terminator);
        if (terminator == (byte)'\r')
        {
            if (reader.End)
            {
                if (!isCompleted)
                {
                    // A CR at the end of what has arrived: wait to see whether an LF follows.
                    line = default;
                    return false;
                }
            }
            else if (reader.IsNext((byte)'\n', advancePast: true))
            {
                // CRLF
            }
        }

        return true;
    }

    private void ProcessLine(ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            ProcessLine(line.FirstSpan);
            return;
        }

        if (line.Length > MaxEventBytes)
        {
            throw new InvalidDataException("An SSE line is longer than 16 MiB.");
        }

        var rented = ArrayPool<byte>.Shared.Rent((int)line.Length);
        try
        {
            line.CopyTo(rented);
            ProcessLine(rented.AsSpan(0, (int)line.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void ProcessLine(ReadOnlySpan<byte> line)
    {
        if (line[0] == (byte)':')
        {
            return;
        }

        ReadOnlySpan<byte> field;
        ReadOnlySpan<byte> value;
        var colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            field = line;
            value = default;
        }
        else
        {
            field = line[..colon];
            value = line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }
        }

        if (field.SequenceEqual("data"u8))
        {
            AppendData(value);
        }
        else if (field.SequenceEqual("event"u8))
        {
            if (_eventName.Length < value.Length)
            {
                _eventName = new byte[Math.Max(value.Length, _eventName.Length * 2)];
            }

            value.CopyTo(_eventName);
            _eventNameLength = value.Length;
        }

        // id, retry and unknown fields are ignored: the clients neither reconnect nor resume.
    }

    private void AppendData(ReadOnlySpan<byte> value)
    {
        var needed = _dataLength + value.Length + (_hasData ? 1 : 0);
        if (needed > MaxEventBytes)
        {
            throw new InvalidDataException("An SSE event is longer than 16 MiB.");
        }

        if (needed > _data.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _data.Length * 2));
            _data.AsSpan(0, _dataLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_data);
            _data = bigger;
        }

        if (_hasData)
        {
            _data[_dataLength++] = (byte)'\n';
        }

        value.CopyTo(_data.AsSpan(_dataLength));
        _dataLength += value.Length;
        _hasData = true;
    }
}
