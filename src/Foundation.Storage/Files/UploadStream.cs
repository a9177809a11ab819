using System.Globalization;
using System.Security.Cryptography;

namespace Foundation.Storage.Files;

/// <summary>
/// Reads an upload once: the already-read sample first, then the rest of the source; hashes every byte (SHA-256) as it passes, refuses to
/// pass more than the limit (the write fails mid-stream, so the backend removes what it had), and at the end checks the declared length.
/// A read error of the source (a truncated request body) becomes a 400 naming it.
/// </summary>
internal sealed class UploadStream : Stream
{
    private readonly byte[] _sample;
    private readonly Stream _source;
    private readonly long _limit;
    private readonly Func<long, StorageLimitExceededException> _overLimit;
    private readonly long? _declaredLength;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _samplePosition;
    private bool _ended;

    public UploadStream(byte[] sample, Stream source, long limit, Func<long, StorageLimitExceededException> overLimit, long? declaredLength)
    {
        _sample = sample;
        _source = source;
        _limit = limit;
        _overLimit = overLimit;
        _declaredLength = declaredLength;
    }

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    /// <summary>The SHA-256 of everything read, lower-case hex; only once the end was reached.</summary>
    public string Sha256Hex() => _ended ? Convert.ToHexStringLower(_hash.GetCurrentHash()) : throw new InvalidOperationException("The upload was not read to its end.");

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || _ended)
        {
            return 0;
        }

        int read;
        if (_samplePosition < _sample.Length)
        {
            read = Math.Min(buffer.Length, _sample.Length - _samplePosition);
            _sample.AsMemory(_samplePosition, read).CopyTo(buffer);
            _samplePosition += read;
        }
        else
        {
            read = await ReadSourceAsync(_source, buffer, cancellationToken).ConfigureAwait(false);
        }

        if (read == 0)
        {
            _ended = true;
            if (_declaredLength is { } declared && declared != BytesRead)
            {
                throw new StorageValidationException("file", string.Create(CultureInfo.InvariantCulture,
                    $"The declared length is {declared} bytes, but the content has {BytesRead}: the upload is incomplete or its length is wrong."));
            }

            return 0;
        }

        if (BytesRead + read > _limit)
        {
            throw _overLimit(BytesRead + read);
        }

        BytesRead += read;
        _hash.AppendData(buffer.Span[..read]);
        return read;
    }

    /// <summary>Reads the request body, naming a body that broke off (a client that lied about its length, a truncated multipart) as a 400.</summary>
    internal static async ValueTask<int> ReadSourceAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex) when (ex.StatusCode == 413)
        {
            throw new StorageLimitExceededException("MaxRequestBodySize", 0, "The request body is larger than the server accepts; nothing was stored.");
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or Microsoft.AspNetCore.Http.BadHttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new StorageValidationException("file", "The request body ended before the file did (a truncated upload, a declared length larger than what was sent, or a malformed multipart body): " + ex.Message, ex);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
