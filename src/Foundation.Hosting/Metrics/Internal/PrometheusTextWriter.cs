using System.Buffers;
using System.Globalization;

namespace Foundation.Hosting.Metrics.Internal;

/// <summary>
/// Writes UTF-8 Prometheus text straight into an <see cref="IBufferWriter{T}"/> (a response <c>PipeWriter</c> or a
/// reusable buffer), asking it for a block at a time.
/// </summary>
internal ref struct PrometheusTextWriter
{
    private const int BlockSize = 8192;
    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _position;

    public PrometheusTextWriter(IBufferWriter<byte> output)
    {
        _output = output;
        _span = default;
        _position = 0;
    }

    /// <summary>Writes one sample line: <c>name{labels} value</c>. Empty label parts are left out.</summary>
    public void WriteSample(
        ReadOnlySpan<byte> name,
        ReadOnlySpan<byte> suffix,
        ReadOnlySpan<byte> labels1,
        ReadOnlySpan<byte> labels2,
        ReadOnlySpan<byte> labels3,
        double value)
    {
        WriteSeriesName(name, suffix, labels1, labels2, labels3);
        WriteDouble(value);
        WriteByte((byte)'\n');
    }

    /// <summary>Writes one sample line with an integer value.</summary>
    public void WriteSample(
        ReadOnlySpan<byte> name,
        ReadOnlySpan<byte> suffix,
        ReadOnlySpan<byte> labels1,
        ReadOnlySpan<byte> labels2,
        ReadOnlySpan<byte> labels3,
        long value)
    {
        WriteSeriesName(name, suffix, labels1, labels2, labels3);
        Ensure(20);
        value.TryFormat(_span[_position..], out var written, default, CultureInfo.InvariantCulture);
        _position += written;
        WriteByte((byte)'\n');
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > BlockSize)
        {
            Flush();
            _output.Write(bytes);
            return;
        }

        Ensure(bytes.Length);
        bytes.CopyTo(_span[_position..]);
        _position += bytes.Length;
    }

    /// <summary>Hands the written bytes to the output. Call once at the end.</summary>
    public void Flush()
    {
        if (_position > 0)
        {
            _output.Advance(_position);
        }

        _span = default;
        _position = 0;
    }

    /// <summary>A double the way Prometheus spells it: shortest round-trip, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public void WriteDouble(double value)
    {
        if (double.IsNaN(value))
        {
            Write("NaN"u8);
        }
        else if (double.IsPositiveInfinity(value))
        {
            Write("+Inf"u8);
        }
        else if (double.IsNegativeInfinity(value))
        {
            Write("-Inf"u8);
        }
        else
        {
            Ensure(32);
            value.TryFormat(_span[_position..], out var written, default, CultureInfo.InvariantCulture);
            _position += written;
        }
    }

    private void WriteSeriesName(
        ReadOnlySpan<byte> name,
        ReadOnlySpan<byte> suffix,
        ReadOnlySpan<byte> labels1,
        ReadOnlySpan<byte> labels2,
        ReadOnlySpan<byte> labels3)
    {
        Write(name);
        Write(suffix);
        if (!labels1.IsEmpty || !labels2.IsEmpty || !labels3.IsEmpty)
        {
            WriteByte((byte)'{');
            var first = true;
            WriteLabelPart(labels1, ref first);
            WriteLabelPart(labels2, ref first);
            WriteLabelPart(labels3, ref first);
            WriteByte((byte)'}');
        }

        WriteByte((byte)' ');
    }

    private void WriteLabelPart(ReadOnlySpan<byte> labels, ref bool first)
    {
        if (labels.IsEmpty)
        {
            return;
        }

        if (!first)
        {
            WriteByte((byte)',');
        }

        Write(labels);
        first = false;
    }

    private void WriteByte(byte value)
    {
        Ensure(1);
        _span[_position++] = value;
    }

    private void Ensure(int count)
    {
        if (_span.Length - _position >= count)
        {
            return;
        }

        Flush();
        _span = _output.GetSpan(Math.Max(count, BlockSize));
    }
}
