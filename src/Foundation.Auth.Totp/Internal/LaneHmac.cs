using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Foundation.Auth.Totp.Otp;

namespace Foundation.Auth.Totp.Internal;

/// <summary>
/// HMAC-SHA-1, HMAC-SHA-256 and HMAC-SHA-512 (RFC 2104, FIPS 180-4) in managed code, for one key and several messages
/// of the same length at once, without allocating.
/// </summary>
/// <remarks>
/// <para>
/// Why: verifying a TOTP code over a window of +-1 step is three HMACs of an 8-byte message under the same key. The
/// BCL's one-shot <c>HMACSHA1.HashData</c> goes through OpenSSL, which builds a fresh context per call (3-5 us each on
/// a 2.5 GHz Xeon). Here the key is turned once per call into its two padded-key states (the hash state after the
/// <c>K ^ ipad</c> and <c>K ^ opad</c> blocks, <see cref="PrepareKey"/>), and each message then costs one inner and one
/// outer compression.
/// </para>
/// <para>
/// The messages are hashed side by side in SIMD lanes (<see cref="Vector{T}"/>: 8 lanes of 32-bit words for SHA-1 and
/// SHA-256 and 4 of 64-bit words for SHA-512 with AVX2, 4 and 2 with 128-bit vectors), so the three steps of a window
/// cost about one compression of each kind. Only additions, shifts and bitwise operations: no table lookups indexed
/// by secret data and no branches on it, so the time does not depend on the key or the messages.
/// </para>
/// <para>
/// Correctness is checked in the tests against <c>HMACSHA1/256/512.HashData</c> on thousands of random keys
/// (0 to 200 bytes, including keys longer than the block, which are hashed first) and messages, and by every RFC
/// 4226/6238 vector and the <c>oathtool</c> cross-checks through <see cref="Hotp"/> and <see cref="Otp.Totp"/>.
/// Callers wipe the key state and outputs with <see cref="CryptographicOperations.ZeroMemory"/>; this class wipes its
/// own intermediate buffers.
/// </para>
/// </remarks>
internal static class LaneHmac
{
    /// <summary>The size of the key state <see cref="PrepareKey"/> writes, in 64-bit words: two SHA-512 states.</summary>
    public const int KeyStateWords = 16;

    /// <summary>The largest hash, in bytes (SHA-512).</summary>
    public const int MaxHashBytes = 64;

    private const int MaxBlockBytes = 128;

    /// <summary>
    /// Whether <see cref="Vector{T}"/> is hardware-accelerated with at least 4 lanes of 32-bit words; when not, callers
    /// use the BCL's one-shot HMAC instead (software-emulated vectors would be slower than OpenSSL).
    /// </summary>
    public static bool IsSupported => Vector.IsHardwareAccelerated && Vector<uint>.Count >= 4;

    /// <summary>How many messages <see cref="Compute"/> hashes at once for <paramref name="algorithm"/>.</summary>
    public static int Lanes(TotpAlgorithm algorithm) => algorithm == TotpAlgorithm.Sha512 ? Vector<ulong>.Count : Vector<uint>.Count;

    /// <summary>The HMAC's output length in bytes: 20, 32 or 64.</summary>
    public static int HashBytes(TotpAlgorithm algorithm) => algorithm switch
    {
        TotpAlgorithm.Sha1 => 20,
        TotpAlgorithm.Sha256 => 32,
        _ => 64,
    };

    private static int BlockBytes(TotpAlgorithm algorithm) => algorithm == TotpAlgorithm.Sha512 ? 128 : 64;

    /// <summary>
    /// Computes the inner and outer padded-key states of <paramref name="key"/> (any length; keys longer than the block
    /// are hashed first, as RFC 2104 says) into <paramref name="keyState"/> (<see cref="KeyStateWords"/> words).
    /// </summary>
    public static void PrepareKey(ReadOnlySpan<byte> key, TotpAlgorithm algorithm, Span<ulong> keyState)
    {
        var blockBytes = BlockBytes(algorithm);
        Span<byte> blockKey = stackalloc byte[MaxBlockBytes];
        blockKey.Clear();
        if (key.Length > blockBytes)
        {
            Hash(algorithm, key, blockKey);
        }
        else
        {
            key.CopyTo(blockKey);
        }

        // Lane 0 hashes K ^ ipad, lane 1 K ^ opad, both from the initial hash value.
        Span<byte> pads = stackalloc byte[2 * MaxBlockBytes];
        for (var i = 0; i < blockBytes; i++)
        {
            pads[i] = (byte)(blockKey[i] ^ 0x36);
            pads[blockBytes + i] = (byte)(blockKey[i] ^ 0x5C);
        }

        keyState.Clear();
        if (algorithm == TotpAlgorithm.Sha512)
        {
            Span<Vector<ulong>> state = stackalloc Vector<ulong>[8];
            Initial64(state);
            CompressMany64(state, pads, 2);
            for (var j = 0; j < 8; j++)
            {
                keyState[j] = state[j][0];
                keyState[8 + j] = state[j][1];
            }

            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(state));
        }
        else
        {
            Span<Vector<uint>> state = stackalloc Vector<uint>[8];
            Initial32(algorithm, state);
            CompressMany32(algorithm, state, pads[..(2 * blockBytes)], 2);
            var words = MemoryMarshal.Cast<ulong, uint>(keyState);
            for (var j = 0; j < 8; j++)
            {
                words[j] = state[j][0];
                words[8 + j] = state[j][1];
            }

            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(state));
        }

        CryptographicOperations.ZeroMemory(blockKey);
        CryptographicOperations.ZeroMemory(pads);
    }

    /// <summary>
    /// Computes HMAC(key, message) for <paramref name="count"/> messages of <paramref name="messageLength"/> bytes each,
    /// laid end to end in <paramref name="messages"/>, writing the MACs end to end to <paramref name="destination"/>.
    /// <paramref name="count"/> is 1 to <see cref="Lanes"/>.
    /// </summary>
    public static void Compute(
        TotpAlgorithm algorithm,
        ReadOnlySpan<ulong> keyState,
        ReadOnlySpan<byte> messages,
        int messageLength,
        int count,
        Span<byte> destination)
    {
        var hashBytes = HashBytes(algorithm);
        if (algorithm == TotpAlgorithm.Sha512)
        {
            Span<Vector<ulong>> state = stackalloc Vector<ulong>[8];
            Span<byte> inner = stackalloc byte[Vector<ulong>.Count * 64];
            for (var j = 0; j < 8; j++)
            {
                state[j] = new Vector<ulong>(keyState[j]);
            }

            Absorb64(state, messages, messageLength, count, MaxBlockBytes);
            Output64(state, count, inner);
            for (var j = 0; j < 8; j++)
            {
                state[j] = new Vector<ulong>(keyState[8 + j]);
            }

            Absorb64(state, inner, 64, count, MaxBlockBytes);
            Output64(state, count, destination);
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(state));
            CryptographicOperations.ZeroMemory(inner);
        }
        else
        {
            var words = MemoryMarshal.Cast<ulong, uint>(keyState);
            Span<Vector<uint>> state = stackalloc Vector<uint>[8];
            Span<byte> inner = stackalloc byte[Vector<uint>.Count * 32];
            for (var j = 0; j < 8; j++)
            {
                state[j] = new Vector<uint>(words[j]);
            }

            Absorb32(algorithm, state, messages, messageLength, count, 64);
            Output32(state, hashBytes, count, inner);
            for (var j = 0; j < 8; j++)
            {
                state[j] = new Vector<uint>(words[8 + j]);
            }

            Absorb32(algorithm, state, inner, hashBytes, count, 64);
            Output32(state, hashBytes, count, destination);
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(state));
            CryptographicOperations.ZeroMemory(inner);
        }
    }

    /// <summary>The plain hash of <paramref name="data"/> (one lane), used for keys longer than the block.</summary>
    internal static void Hash(TotpAlgorithm algorithm, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (algorithm == TotpAlgorithm.Sha512)
        {
            Span<Vector<ulong>> state = stackalloc Vector<ulong>[8];
            Initial64(state);
            Absorb64(state, data, data.Length, 1, 0);
            Output64(state, 1, destination);
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(state));
        }
        else
        {
            Span<Vector<uint>> state = stackalloc Vector<uint>[8];
            Initial32(algorithm, state);
            Absorb32(algorithm, state, data, data.Length, 1, 0);
            Output32(state, HashBytes(algorithm), 1, destination);
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(state));
        }
    }

    private static void Initial32(TotpAlgorithm algorithm, Span<Vector<uint>> state)
    {
        ReadOnlySpan<uint> iv = algorithm == TotpAlgorithm.Sha1 ? Sha1Initial : Sha256Initial;
        state.Clear();
        for (var j = 0; j < iv.Length; j++)
        {
            state[j] = new Vector<uint>(iv[j]);
        }
    }

    private static void Initial64(Span<Vector<ulong>> state)
    {
        for (var j = 0; j < 8; j++)
        {
            state[j] = new Vector<ulong>(Sha512Initial[j]);
        }
    }

    /// <summary>
    /// Hashes the rest of a message whose first <paramref name="prefixBytes"/> bytes (whole blocks) are already in the
    /// state: <paramref name="count"/> messages of <paramref name="messageLength"/> bytes, padded per FIPS 180-4 5.1.1.
    /// </summary>
    private static void Absorb32(TotpAlgorithm algorithm, Span<Vector<uint>> state, ReadOnlySpan<byte> messages, int messageLength, int count, int prefixBytes)
    {
        const int blockBytes = 64;
        var blocks = (messageLength + 1 + 8 + blockBytes - 1) / blockBytes;
        var bitLength = ((ulong)prefixBytes + (ulong)messageLength) * 8;
        Span<byte> buffer = stackalloc byte[Vector<uint>.Count * blockBytes];
        buffer.Clear();
        for (var b = 0; b < blocks; b++)
        {
            for (var lane = 0; lane < count; lane++)
            {
                FillBlock(messages.Slice(lane * messageLength, messageLength), b, bitLength, 8, buffer.Slice(lane * blockBytes, blockBytes));
            }

            CompressMany32(algorithm, state, buffer, count);
        }

        CryptographicOperations.ZeroMemory(buffer);
    }

    private static void Absorb64(Span<Vector<ulong>> state, ReadOnlySpan<byte> messages, int messageLength, int count, int prefixBytes)
    {
        const int blockBytes = 128;
        var blocks = (messageLength + 1 + 16 + blockBytes - 1) / blockBytes;
        var bitLength = ((ulong)prefixBytes + (ulong)messageLength) * 8;
        Span<byte> buffer = stackalloc byte[Vector<ulong>.Count * blockBytes];
        buffer.Clear();
        for (var b = 0; b < blocks; b++)
        {
            for (var lane = 0; lane < count; lane++)
            {
                FillBlock(messages.Slice(lane * messageLength, messageLength), b, bitLength, 16, buffer.Slice(lane * blockBytes, blockBytes));
            }

            CompressMany64(state, buffer, count);
        }

        CryptographicOperations.ZeroMemory(buffer);
    }

    /// <summary>
    /// Writes block <paramref name="index"/> of the padded message: the message, 0x80, zeros, and the bit length as a
    /// big-endian number in the last <paramref name="lengthBytes"/> bytes of the last block.
    /// </summary>
    private static void FillBlock(ReadOnlySpan<byte> message, int index, ulong bitLength, int lengthBytes, Span<byte> block)
    {
        var start = index * block.Length;
        block.Clear();
        if (start < message.Length)
        {
            var take = Math.Min(block.Length, message.Length - start);
            message.Slice(start, take).CopyTo(block);
        }

        var marker = message.Length - start;
        if (marker >= 0 && marker < block.Length)
        {
            block[marker] = 0x80;
        }

        var lastBlock = (message.Length + 1 + lengthBytes + block.Length - 1) / block.Length - 1;
        if (index == lastBlock)
        {
            BinaryPrimitives.WriteUInt64BigEndian(block[^8..], bitLength);
        }
    }

    private static void Output32(ReadOnlySpan<Vector<uint>> state, int hashBytes, int count, Span<byte> destination)
    {
        for (var lane = 0; lane < count; lane++)
        {
            for (var j = 0; j < hashBytes / 4; j++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(destination.Slice((lane * hashBytes) + (j * 4), 4), state[j][lane]);
            }
        }
    }

    private static void Output64(ReadOnlySpan<Vector<ulong>> state, int count, Span<byte> destination)
    {
        for (var lane = 0; lane < count; lane++)
        {
            for (var j = 0; j < 8; j++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(destination.Slice((lane * 64) + (j * 8), 8), state[j][lane]);
            }
        }
    }

    /// <summary>Compresses one block per lane (<paramref name="blocks"/>: lane after lane) into the state.</summary>
    private static void CompressMany32(TotpAlgorithm algorithm, Span<Vector<uint>> state, ReadOnlySpan<byte> blocks, int count)
    {
        var width = Vector<uint>.Count;
        Span<uint> scratch = stackalloc uint[16 * Vector<uint>.Count];
        scratch.Clear();
        for (var lane = 0; lane < count; lane++)
        {
            var block = blocks.Slice(lane * 64, 64);
            for (var t = 0; t < 16; t++)
            {
                scratch[(t * width) + lane] = BinaryPrimitives.ReadUInt32BigEndian(block.Slice(t * 4, 4));
            }
        }

        Span<Vector<uint>> w = stackalloc Vector<uint>[16];
        for (var t = 0; t < 16; t++)
        {
            w[t] = new Vector<uint>(scratch.Slice(t * width, width));
        }

        if (algorithm == TotpAlgorithm.Sha1)
        {
            Sha1Rounds(state, w);
        }
        else
        {
            Sha256Rounds(state, w);
        }

        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(w));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(scratch));
    }

    private static void CompressMany64(Span<Vector<ulong>> state, ReadOnlySpan<byte> blocks, int count)
    {
        var width = Vector<ulong>.Count;
        Span<ulong> scratch = stackalloc ulong[16 * Vector<ulong>.Count];
        scratch.Clear();
        for (var lane = 0; lane < count; lane++)
        {
            var block = blocks.Slice(lane * 128, 128);
            for (var t = 0; t < 16; t++)
            {
                scratch[(t * width) + lane] = BinaryPrimitives.ReadUInt64BigEndian(block.Slice(t * 8, 8));
            }
        }

        Span<Vector<ulong>> w = stackalloc Vector<ulong>[16];
        for (var t = 0; t < 16; t++)
        {
            w[t] = new Vector<ulong>(scratch.Slice(t * width, width));
        }

        Sha512Rounds(state, w);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(w));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(scratch));
    }

    private static Vector<uint> Rotl(Vector<uint> x, int n) => Vector.ShiftLeft(x, n) | Vector.ShiftRightLogical(x, 32 - n);

    private static Vector<uint> Rotr(Vector<uint> x, int n) => Vector.ShiftRightLogical(x, n) | Vector.ShiftLeft(x, 32 - n);

    private static Vector<ulong> Rotr(Vector<ulong> x, int n) => Vector.ShiftRightLogical(x, n) | Vector.ShiftLeft(x, 64 - n);

    /// <summary>The 80 rounds of SHA-1 (FIPS 180-4 6.1.2) with the message schedule in a ring of 16 words.</summary>
    private static void Sha1Rounds(Span<Vector<uint>> state, Span<Vector<uint>> w)
    {
        var a = state[0];
        var b = state[1];
        var c = state[2];
        var d = state[3];
        var e = state[4];

        var k = new Vector<uint>(0x5A827999u);
        for (var t = 0; t < 20; t++)
        {
            var wt = Schedule1(w, t);
            var temp = Rotl(a, 5) + Vector.ConditionalSelect(b, c, d) + e + k + wt;
            e = d;
            d = c;
            c = Rotl(b, 30);
            b = a;
            a = temp;
        }

        k = new Vector<uint>(0x6ED9EBA1u);
        for (var t = 20; t < 40; t++)
        {
            var wt = Schedule1(w, t);
            var temp = Rotl(a, 5) + (b ^ c ^ d) + e + k + wt;
            e = d;
            d = c;
            c = Rotl(b, 30);
            b = a;
            a = temp;
        }

        k = new Vector<uint>(0x8F1BBCDCu);
        for (var t = 40; t < 60; t++)
        {
            var wt = Schedule1(w, t);
            var temp = Rotl(a, 5) + Vector.ConditionalSelect(b ^ c, d, b) + e + k + wt;
            e = d;
            d = c;
            c = Rotl(b, 30);
            b = a;
            a = temp;
        }

        k = new Vector<uint>(0xCA62C1D6u);
        for (var t = 60; t < 80; t++)
        {
            var wt = Schedule1(w, t);
            var temp = Rotl(a, 5) + (b ^ c ^ d) + e + k + wt;
            e = d;
            d = c;
            c = Rotl(b, 30);
            b = a;
            a = temp;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
    }

    private static Vector<uint> Schedule1(Span<Vector<uint>> w, int t)
    {
        if (t < 16)
        {
            return w[t];
        }

        var value = Rotl(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1);
        w[t & 15] = value;
        return value;
    }

    /// <summary>The 64 rounds of SHA-256 (FIPS 180-4 6.2.2) with the message schedule in a ring of 16 words.</summary>
    private static void Sha256Rounds(Span<Vector<uint>> state, Span<Vector<uint>> w)
    {
        var a = state[0];
        var b = state[1];
        var c = state[2];
        var d = state[3];
        var e = state[4];
        var f = state[5];
        var g = state[6];
        var h = state[7];
        ReadOnlySpan<uint> constants = Sha256K;
        for (var t = 0; t < 64; t++)
        {
            Vector<uint> wt;
            if (t < 16)
            {
                wt = w[t];
            }
            else
            {
                var w15 = w[(t - 15) & 15];
                var w2 = w[(t - 2) & 15];
                var s0 = Rotr(w15, 7) ^ Rotr(w15, 18) ^ Vector.ShiftRightLogical(w15, 3);
                var s1 = Rotr(w2, 17) ^ Rotr(w2, 19) ^ Vector.ShiftRightLogical(w2, 10);
                wt = w[t & 15] + s0 + w[(t - 7) & 15] + s1;
                w[t & 15] = wt;
            }

            var t1 = h + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + Vector.ConditionalSelect(e, f, g) + new Vector<uint>(constants[t]) + wt;
            var t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + Vector.ConditionalSelect(a ^ b, c, a);
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    /// <summary>The 80 rounds of SHA-512 (FIPS 180-4 6.4.2) with the message schedule in a ring of 16 words.</summary>
    private static void Sha512Rounds(Span<Vector<ulong>> state, Span<Vector<ulong>> w)
    {
        var a = state[0];
        var b = state[1];
        var c = state[2];
        var d = state[3];
        var e = state[4];
        var f = state[5];
        var g = state[6];
        var h = state[7];
        ReadOnlySpan<ulong> constants = Sha512K;
        for (var t = 0; t < 80; t++)
        {
            Vector<ulong> wt;
            if (t < 16)
            {
                wt = w[t];
            }
            else
            {
                var w15 = w[(t - 15) & 15];
                var w2 = w[(t - 2) & 15];
                var s0 = Rotr(w15, 1) ^ Rotr(w15, 8) ^ Vector.ShiftRightLogical(w15, 7);
                var s1 = Rotr(w2, 19) ^ Rotr(w2, 61) ^ Vector.ShiftRightLogical(w2, 6);
                wt = w[t & 15] + s0 + w[(t - 7) & 15] + s1;
                w[t & 15] = wt;
            }

            var t1 = h + (Rotr(e, 14) ^ Rotr(e, 18) ^ Rotr(e, 41)) + Vector.ConditionalSelect(e, f, g) + new Vector<ulong>(constants[t]) + wt;
            var t2 = (Rotr(a, 28) ^ Rotr(a, 34) ^ Rotr(a, 39)) + Vector.ConditionalSelect(a ^ b, c, a);
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    // Initial hash values and round constants of FIPS 180-4 sections 4.2 and 5.3 (checked against the fractional parts
    // of the square and cube roots of the first primes, and by the tests against the BCL).
    private static ReadOnlySpan<uint> Sha1Initial => [0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u];

    private static ReadOnlySpan<uint> Sha256Initial =>
    [
        0x6A09E667u, 0xBB67AE85u, 0x3C6EF372u, 0xA54FF53Au, 0x510E527Fu, 0x9B05688Cu, 0x1F83D9ABu, 0x5BE0CD19u,
    ];

    private static ReadOnlySpan<ulong> Sha512Initial =>
    [
        0x6A09E667F3BCC908ul, 0xBB67AE8584CAA73Bul, 0x3C6EF372FE94F82Bul, 0xA54FF53A5F1D36F1ul,
        0x510E527FADE682D1ul, 0x9B05688C2B3E6C1Ful, 0x1F83D9ABFB41BD6Bul, 0x5BE0CD19137E2179ul,
    ];

    private static ReadOnlySpan<uint> Sha256K =>
    [
        0x428A2F98u, 0x71374491u, 0xB5C0FBCFu, 0xE9B5DBA5u, 0x3956C25Bu, 0x59F111F1u, 0x923F82A4u, 0xAB1C5ED5u,
        0xD807AA98u, 0x12835B01u, 0x243185BEu, 0x550C7DC3u, 0x72BE5D74u, 0x80DEB1FEu, 0x9BDC06A7u, 0xC19BF174u,
        0xE49B69C1u, 0xEFBE4786u, 0x0FC19DC6u, 0x240CA1CCu, 0x2DE92C6Fu, 0x4A7484AAu, 0x5CB0A9DCu, 0x76F988DAu,
        0x983E5152u, 0xA831C66Du, 0xB00327C8u, 0xBF597FC7u, 0xC6E00BF3u, 0xD5A79147u, 0x06CA6351u, 0x14292967u,
        0x27B70A85u, 0x2E1B2138u, 0x4D2C6DFCu, 0x53380D13u, 0x650A7354u, 0x766A0ABBu, 0x81C2C92Eu, 0x92722C85u,
        0xA2BFE8A1u, 0xA81A664Bu, 0xC24B8B70u, 0xC76C51A3u, 0xD192E819u, 0xD6990624u, 0xF40E3585u, 0x106AA070u,
        0x19A4C116u, 0x1E376C08u, 0x2748774Cu, 0x34B0BCB5u, 0x391C0CB3u, 0x4ED8AA4Au, 0x5B9CCA4Fu, 0x682E6FF3u,
        0x748F82EEu, 0x78A5636Fu, 0x84C87814u, 0x8CC70208u, 0x90BEFFFAu, 0xA4506CEBu, 0xBEF9A3F7u, 0xC67178F2u,
    ];

    private static ReadOnlySpan<ulong> Sha512K =>
    [
        0x428A2F98D728AE22ul, 0x7137449123EF65CDul, 0xB5C0FBCFEC4D3B2Ful, 0xE9B5DBA58189DBBCul,
        0x3956C25BF348B538ul, 0x59F111F1B605D019ul, 0x923F82A4AF194F9Bul, 0xAB1C5ED5DA6D8118ul,
        0xD807AA98A3030242ul, 0x12835B0145706FBEul, 0x243185BE4EE4B28Cul, 0x550C7DC3D5FFB4E2ul,
        0x72BE5D74F27B896Ful, 0x80DEB1FE3B1696B1ul, 0x9BDC06A725C71235ul, 0xC19BF174CF692694ul,
        0xE49B69C19EF14AD2ul, 0xEFBE4786384F25E3ul, 0x0FC19DC68B8CD5B5ul, 0x240CA1CC77AC9C65ul,
        0x2DE92C6F592B0275ul, 0x4A7484AA6EA6E483ul, 0x5CB0A9DCBD41FBD4ul, 0x76F988DA831153B5ul,
        0x983E5152EE66DFABul, 0xA831C66D2DB43210ul, 0xB00327C898FB213Ful, 0xBF597FC7BEEF0EE4ul,
        0xC6E00BF33DA88FC2ul, 0xD5A79147930AA725ul, 0x06CA6351E003826Ful, 0x142929670A0E6E70ul,
        0x27B70A8546D22FFCul, 0x2E1B21385C26C926ul, 0x4D2C6DFC5AC42AEDul, 0x53380D139D95B3DFul,
        0x650A73548BAF63DEul, 0x766A0ABB3C77B2A8ul, 0x81C2C92E47EDAEE6ul, 0x92722C851482353Bul,
        0xA2BFE8A14CF10364ul, 0xA81A664BBC423001ul, 0xC24B8B70D0F89791ul, 0xC76C51A30654BE30ul,
        0xD192E819D6EF5218ul, 0xD69906245565A910ul, 0xF40E35855771202Aul, 0x106AA07032BBD1B8ul,
        0x19A4C116B8D2D0C8ul, 0x1E376C085141AB53ul, 0x2748774CDF8EEB99ul, 0x34B0BCB5E19B48A8ul,
        0x391C0CB3C5C95A63ul, 0x4ED8AA4AE3418ACBul, 0x5B9CCA4F7763E373ul, 0x682E6FF3D6B2B8A3ul,
        0x748F82EE5DEFB2FCul, 0x78A5636F43172F60ul, 0x84C87814A1F0AB72ul, 0x8CC702081A6439ECul,
        0x90BEFFFA23631E28ul, 0xA4506CEBDE82BDE9ul, 0xBEF9A3F7B2C67915ul, 0xC67178F2E372532Bul,
        0xCA273ECEEA26619Cul, 0xD186B8C721C0C207ul, 0xEADA7DD6CDE0EB1Eul, 0xF57D4F7FEE6ED178ul,
        0x06F067AA72176FBAul, 0x0A637DC5A2C898A6ul, 0x113F9804BEF90DAEul, 0x1B710B35131C471Bul,
        0x28DB77F523047D84ul, 0x32CAAB7B40C72493ul, 0x3C9EBE0A15C9BEBCul, 0x431D67C49C100D4Cul,
        0x4CC5D4BECB3E42B6ul, 0x597F299CFC657E2Aul, 0x5FCB6FAB3AD6FAECul, 0x6C44198C4A475817ul,
    ];
}
