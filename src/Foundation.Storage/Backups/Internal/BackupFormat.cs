using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Foundation.Storage.Backups.Internal;

/// <summary>
/// The encrypted backup file, version 1 (docs/backups.md, decision 0019): a header, then the gzip-compressed snapshot in AES-256-GCM chunks.
/// <code>
/// header: "FNDNBKUP" | version (1) | compression (1 = gzip) | chunk size (uint32 BE) | salt (32 random bytes) | key id length (1) | key id (UTF-8)
/// chunk:  final flag (0 or 1) | ciphertext length (uint32 BE, at most the chunk size) | ciphertext | tag (16)
/// key   = HKDF-SHA256(configured key, salt, "foundation-backup/v1 aes-256-gcm")       one key per backup file
/// nonce = 0x00000000 | chunk index (uint64 BE)
/// AD    = SHA-256(header) | chunk index (uint64 BE) | final flag
/// </code>
/// The last chunk, and only the last, has the final flag; nothing may follow it. A changed header fails chunk 0; a changed, moved or
/// dropped chunk fails at its index; a file cut at a chunk boundary lacks its final chunk.
/// </summary>
internal static class BackupFormat
{
    public const byte Version = 1;
    public const int TagSize = 16;
    private const byte Gzip = 1;
    private static readonly byte[] s_magic = "FNDNBKUP"u8.ToArray();
    private static readonly byte[] s_info = "foundation-backup/v1 aes-256-gcm"u8.ToArray();

    /// <summary>Compresses and encrypts <paramref name="plaintext"/> into <paramref name="output"/>; returns the number of chunks.</summary>
    public static async Task<long> EncryptAsync(Stream plaintext, Stream output, string keyId, byte[] key, int chunkSize, CancellationToken cancellationToken)
    {
        var salt = RandomNumberGenerator.GetBytes(32);
        var header = Header(keyId, chunkSize, salt);
        await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        var writer = new ChunkWriter(output, DeriveKey(key, salt), SHA256.HashData(header), chunkSize);
        await using (writer.ConfigureAwait(false))
        {
            var gzip = new GZipStream(writer, CompressionLevel.Fastest, leaveOpen: true);
            await using (gzip.ConfigureAwait(false))
            {
                await plaintext.CopyToAsync(gzip, 81_920, cancellationToken).ConfigureAwait(false);
            }

            await writer.FinishAsync(cancellationToken).ConfigureAwait(false);
            return writer.Chunks;
        }
    }

    /// <summary>Reads the key id of the header of <paramref name="input"/> (which is left after the header).</summary>
    public static async Task<(string KeyId, int ChunkSize, byte[] Salt, byte[] Header)> ReadHeaderAsync(Stream input, CancellationToken cancellationToken)
    {
        var fixedPart = new byte[s_magic.Length + 1 + 1 + 4 + 32 + 1];
        if (await ReadFullyAsync(input, fixedPart, cancellationToken).ConfigureAwait(false) != fixedPart.Length
            || !fixedPart.AsSpan(0, s_magic.Length).SequenceEqual(s_magic))
        {
            throw new BackupCorruptedException("The file is not a Foundation backup (its header is missing or damaged).", (long?)null);
        }

        var version = fixedPart[s_magic.Length];
        if (version != Version)
        {
            throw new BackupCorruptedException($"The backup has format version {version}; this version of Foundation.Storage reads version {Version}.", (long?)null);
        }

        if (fixedPart[s_magic.Length + 1] != Gzip)
        {
            throw new BackupCorruptedException($"The backup's header names compression {fixedPart[s_magic.Length + 1]}, which is unknown (the header is damaged).", (long?)null);
        }

        var chunkSize = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(s_magic.Length + 2)), int.MaxValue);
        if (chunkSize is < 1024 or > 64 * 1024 * 1024)
        {
            throw new BackupCorruptedException($"The backup's header names a chunk size of {chunkSize} bytes, outside 1 KiB to 64 MiB (the header is damaged).", (long?)null);
        }

        var salt = fixedPart.AsSpan(s_magic.Length + 6, 32).ToArray();
        var keyIdBytes = new byte[fixedPart[^1]];
        if (keyIdBytes.Length == 0 || await ReadFullyAsync(input, keyIdBytes, cancellationToken).ConfigureAwait(false) != keyIdBytes.Length)
        {
            throw new BackupCorruptedException("The backup's header has no key id (the header is damaged or cut short).", (long?)null);
        }

        string keyId;
        try
        {
            keyId = new UTF8Encoding(false, true).GetString(keyIdBytes);
        }
        catch (DecoderFallbackException)
        {
            throw new BackupCorruptedException("The backup's key id is not UTF-8 (the header is damaged).", (long?)null);
        }

        return (keyId, chunkSize, salt, [.. fixedPart, .. keyIdBytes]);
    }

    /// <summary>
    /// Authenticates, decrypts and decompresses <paramref name="input"/> into <paramref name="output"/>; returns the number of chunks.
    /// Throws <see cref="BackupCorruptedException"/> naming the chunk that failed, <see cref="BackupKeyException"/> for an unknown key id.
    /// </summary>
    public static async Task<long> DecryptAsync(Stream input, Func<string, byte[]> key, Stream output, CancellationToken cancellationToken)
    {
        var (keyId, chunkSize, salt, header) = await ReadHeaderAsync(input, cancellationToken).ConfigureAwait(false);
        var reader = new ChunkReader(input, DeriveKey(key(keyId), salt), SHA256.HashData(header), chunkSize);
        await using (reader.ConfigureAwait(false))
        {
            try
            {
                var gzip = new GZipStream(reader, CompressionMode.Decompress, leaveOpen: true);
                await using (gzip.ConfigureAwait(false))
                {
                    await gzip.CopyToAsync(output, 81_920, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (InvalidDataException e)
            {
                // Every chunk authenticated, so this was written as it is: not a Foundation backup's content.
                throw new BackupCorruptedException($"The backup's chunks authenticate but do not decompress: {e.Message}", e);
            }

            // Whatever follows the compressed data must still be read and authenticated, up to the final chunk and the end of the file.
            var rest = new byte[4096];
            while (await reader.ReadAsync(rest, cancellationToken).ConfigureAwait(false) > 0)
            {
            }

            return reader.Chunks;
        }
    }

    private static byte[] Header(string keyId, int chunkSize, byte[] salt)
    {
        var id = Encoding.UTF8.GetBytes(keyId);
        var header = new byte[s_magic.Length + 1 + 1 + 4 + 32 + 1 + id.Length];
        s_magic.CopyTo(header, 0);
        header[s_magic.Length] = Version;
        header[s_magic.Length + 1] = Gzip;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(s_magic.Length + 2), (uint)chunkSize);
        salt.CopyTo(header, s_magic.Length + 6);
        header[s_magic.Length + 38] = checked((byte)id.Length);
        id.CopyTo(header, s_magic.Length + 39);
        return header;
    }

    private static byte[] DeriveKey(byte[] key, byte[] salt) => HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, salt, s_info);

    private static void Nonce(Span<byte> nonce, long index)
    {
        nonce[..4].Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce[4..], index);
    }

    private static void AssociatedData(Span<byte> ad, byte[] headerHash, long index, bool final)
    {
        headerHash.CopyTo(ad);
        BinaryPrimitives.WriteInt64BigEndian(ad[32..], index);
        ad[40] = final ? (byte)1 : (byte)0;
    }

    internal static async Task<int> ReadFullyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>Buffers one chunk of plaintext; writes it encrypted when more follows, and the last one, final, at <see cref="FinishAsync"/>.</summary>
    private sealed class ChunkWriter(Stream output, byte[] key, byte[] headerHash, int chunkSize) : Stream
    {
        private readonly AesGcm _aes = new(key, TagSize);
        private readonly byte[] _plain = new byte[chunkSize];
        private readonly byte[] _frame = new byte[5 + chunkSize + TagSize];
        private int _length;

        public long Chunks { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (buffer.Length > 0)
            {
                if (_length == _plain.Length)
                {
                    // More data follows a full buffer, so the buffered chunk is not the last one.
                    await EmitAsync(final: false, cancellationToken).ConfigureAwait(false);
                }

                var n = Math.Min(buffer.Length, _plain.Length - _length);
                buffer.Span[..n].CopyTo(_plain.AsSpan(_length));
                _length += n;
                buffer = buffer[n..];
            }
        }

        public Task FinishAsync(CancellationToken cancellationToken) => EmitAsync(final: true, cancellationToken).AsTask();

        private async ValueTask EmitAsync(bool final, CancellationToken cancellationToken)
        {
            Span<byte> nonce = stackalloc byte[12];
            Span<byte> ad = stackalloc byte[41];
            Nonce(nonce, Chunks);
            AssociatedData(ad, headerHash, Chunks, final);
            _frame[0] = final ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteUInt32BigEndian(_frame.AsSpan(1), (uint)_length);
            _aes.Encrypt(nonce, _plain.AsSpan(0, _length), _frame.AsSpan(5, _length), _frame.AsSpan(5 + _length, TagSize), ad);
            var frameLength = 5 + _length + TagSize;
            _length = 0;
            Chunks++;
            await output.WriteAsync(_frame.AsMemory(0, frameLength), cancellationToken).ConfigureAwait(false);
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _aes.Dispose();
                CryptographicOperations.ZeroMemory(_plain);
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Reads chunk by chunk, giving out a chunk's plaintext only once its tag verified.</summary>
    private sealed class ChunkReader(Stream input, byte[] key, byte[] headerHash, int chunkSize) : Stream
    {
        private readonly AesGcm _aes = new(key, TagSize);
        private readonly byte[] _cipher = new byte[chunkSize + TagSize];
        private readonly byte[] _plain = new byte[chunkSize];
        private int _offset;
        private int _length;
        private bool _final;

        public long Chunks { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_offset == _length)
            {
                if (_final)
                {
                    return 0;
                }

                await NextChunkAsync(cancellationToken).ConfigureAwait(false);
            }

            var n = Math.Min(buffer.Length, _length - _offset);
            _plain.AsSpan(_offset, n).CopyTo(buffer.Span);
            _offset += n;
            return n;
        }

        private async Task NextChunkAsync(CancellationToken cancellationToken)
        {
            var index = Chunks;
            var prefix = new byte[5];
            var got = await ReadFullyAsync(input, prefix, cancellationToken).ConfigureAwait(false);
            if (got == 0)
            {
                throw new BackupCorruptedException($"The backup ends after chunk {index - 1} without its final chunk: it was cut short (truncated).", index);
            }

            if (got < prefix.Length || prefix[0] > 1)
            {
                throw new BackupCorruptedException($"Chunk {index} of the backup is damaged: its frame is cut short or invalid.", index);
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(prefix.AsSpan(1));
            if (length > (uint)chunkSize)
            {
                throw new BackupCorruptedException($"Chunk {index} of the backup is damaged: it claims {length} bytes, more than the chunk size of {chunkSize}.", index);
            }

            var size = (int)length + TagSize;
            if (await ReadFullyAsync(input, _cipher.AsMemory(0, size), cancellationToken).ConfigureAwait(false) != size)
            {
                throw new BackupCorruptedException($"Chunk {index} of the backup is cut short (the file was truncated).", index);
            }

            var final = prefix[0] == 1;
            var nonce = new byte[12];
            var ad = new byte[41];
            Nonce(nonce, index);
            AssociatedData(ad, headerHash, index, final);
            try
            {
                _aes.Decrypt(nonce, _cipher.AsSpan(0, (int)length), _cipher.AsSpan((int)length, TagSize), _plain.AsSpan(0, (int)length), ad);
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new BackupCorruptedException(
                    $"Chunk {index} of the backup failed authentication: the backup (or its header, for chunk 0) was changed or damaged, or chunks were reordered. Nothing was restored.",
                    index);
            }

            _offset = 0;
            _length = (int)length;
            _final = final;
            Chunks++;
            if (final && await input.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) > 0)
            {
                throw new BackupCorruptedException($"Data follows the final chunk ({index}) of the backup: the file was changed.", index + 1);
            }
        }

        public override void Flush()
        {
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _aes.Dispose();
                CryptographicOperations.ZeroMemory(_plain);
            }

            base.Dispose(disposing);
        }
    }
}
