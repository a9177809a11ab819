using System.Security.Cryptography;
using Foundation.Storage.Backups;
using Foundation.Storage.Backups.Internal;

namespace Foundation.Storage.Tests.Backups;

/// <summary>The encrypted format on its own: truncation, reordering, header edits and appended bytes are detected, at the right chunk.</summary>
public sealed class BackupFormatTests
{
    private const int ChunkSize = 1024;
    private static readonly byte[] s_key = RandomNumberGenerator.GetBytes(32);

    // Random bytes do not compress, so 10 KiB make 11 chunks of 1 KiB (10 full, 1 final).
    private static readonly byte[] s_plaintext = RandomNumberGenerator.GetBytes(10 * 1024);

    private static async Task<byte[]> EncryptAsync(byte[] plaintext, string keyId = "k1")
    {
        using var output = new MemoryStream();
        await BackupFormat.EncryptAsync(new MemoryStream(plaintext), output, keyId, s_key, ChunkSize, CancellationToken.None);
        return output.ToArray();
    }

    private static async Task<(byte[] Plaintext, long Chunks)> DecryptAsync(byte[] stored)
    {
        using var output = new MemoryStream();
        var chunks = await BackupFormat.DecryptAsync(new MemoryStream(stored), id => id == "k1" ? s_key : throw new BackupKeyException($"unknown {id}"), output, CancellationToken.None);
        return (output.ToArray(), chunks);
    }

    private static (int Header, int Frame) Layout => Backups.Layout("k1", 1);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10 * 1024)]
    [InlineData(300_000)]
    public async Task Content_round_trips(int size)
    {
        var plaintext = RandomNumberGenerator.GetBytes(size);
        var stored = await EncryptAsync(plaintext);
        var (decrypted, chunks) = await DecryptAsync(stored);
        decrypted.ShouldBe(plaintext);
        chunks.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Two_encryptions_of_the_same_content_differ_so_no_nonce_repeats_under_one_key()
    {
        var a = await EncryptAsync(s_plaintext);
        var b = await EncryptAsync(s_plaintext);
        a.AsSpan(Layout.Header).SequenceEqual(b.AsSpan(Layout.Header)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_file_cut_at_a_chunk_boundary_is_refused_as_truncated()
    {
        var stored = await EncryptAsync(s_plaintext);
        var cut = stored[..(Layout.Header + (4 * Layout.Frame))];
        var e = await Should.ThrowAsync<BackupCorruptedException>(() => DecryptAsync(cut));
        e.Message.ShouldContain("without its final chunk");
        e.ChunkIndex.ShouldBe(4);
    }

    [Fact]
    public async Task A_file_cut_inside_a_chunk_is_refused_naming_it()
    {
        var stored = await EncryptAsync(s_plaintext);
        var e = await Should.ThrowAsync<BackupCorruptedException>(() => DecryptAsync(stored[..(Layout.Header + (3 * Layout.Frame) + 40)]));
        e.ChunkIndex.ShouldBe(3);
        e.Message.ShouldContain("cut short");
    }

    [Fact]
    public async Task Swapped_chunks_fail_authentication_at_the_first_moved_one()
    {
        var stored = await EncryptAsync(s_plaintext);
        var (h, f) = Layout;
        var swapped = stored.ToArray();
        stored.AsSpan(h + f, f).CopyTo(swapped.AsSpan(h + (2 * f)));
        stored.AsSpan(h + (2 * f), f).CopyTo(swapped.AsSpan(h + f));
        (await Should.ThrowAsync<BackupCorruptedException>(() => DecryptAsync(swapped))).ChunkIndex.ShouldBe(1);
    }

    [Fact]
    public async Task A_changed_header_fails_chunk_0_and_a_set_final_flag_fails_its_chunk()
    {
        var stored = await EncryptAsync(s_plaintext);
        var header = stored.ToArray();
        header[20] ^= 0x80; // inside the salt
        (await Should.ThrowAsync<BackupCorruptedException>(() => DecryptAsync(header))).ChunkIndex.ShouldBe(0);

        // Marking chunk 5 final (to drop the rest undetected) fails chunk 5: the flag is bound as associated data.
        var (h, f) = Layout;
        var flagged = stored[..(h + (6 * f))];
        flagged[h + (5 * f)] = 1;
        (await Should.ThrowAsync<BackupCorruptedException>(() => DecryptAsync(flagged))).ChunkIndex.ShouldBe(5);
    }

    [Fact]
    public async Task Bytes_after_the_final_chunk_are_refused()
    {
        var stored = await EncryptAsync(s_plaintext);
        var e = await Should.ThrowAsync<BackupCorruptedException>(() => DecryptAsync([.. stored, 0]));
        e.Message.ShouldContain("follows the final chunk");
    }

    [Fact]
    public async Task Something_that_is_not_a_backup_is_refused_as_such()
    {
        (await Should.ThrowAsync<BackupCorruptedException>(() => DecryptAsync("SQLite format 3\0 and more"u8.ToArray()))).Message
            .ShouldContain("not a Foundation backup");
    }
}
