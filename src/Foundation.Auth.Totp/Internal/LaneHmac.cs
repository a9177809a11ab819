using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
/// The messages are hashed side by side in the lanes of 256-bit vectors (<see cref="Vector256{T}"/>: 8 lanes of 32-bit
/// words for SHA-1 and SHA-256, 4 lanes of 64-bit words for SHA-512), so the three steps of a window cost one
/// compression of each kind. Only additions, shifts and bitwise operations: no table lookups indexed
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
internal static partial class LaneHmac
{
    /// <summary>The size of the key state <see cref="PrepareKey"/> writes, in 64-bit words: two SHA-512 states.</summary>
    public const int KeyStateWords = 16;

    /// <summary>The largest hash, in bytes (SHA-512).</summary>
    public const int MaxHashBytes = 64;

    private const int MaxBlockBytes = 128;

    // Lanes of a 256-bit vector: 32-bit words for SHA-1/SHA-256, 64-bit words for SHA-512.
    private const int Lanes32 = 8;
    private const int Lanes64 = 4;

    /// <summary>
    /// Whether the CPU has AVX2 (x64; AVX-512VL is used for rotations when present); when not (Arm64, old x64), callers
    /// use the BCL's one-shot HMAC instead.
    /// </summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>How many messages <see cref="Compute"/> hashes at once for <paramref name="algorithm"/>.</summary>
    public static int Lanes(TotpAlgorithm algorithm) => algorithm == TotpAlgorithm.Sha512 ? Lanes64 : Lanes32;

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
        var work = new Workspace(stackalloc byte[Workspace.Size]);
        var blockKey = work.Small[..blockBytes];
        if (key.Length > blockBytes)
        {
            HashInto(algorithm, key, blockKey, work);
        }
        else
        {
            key.CopyTo(blockKey);
        }

        // Lane 0 hashes K ^ ipad, lane 1 K ^ opad, both from the initial hash value.
        var pads = work.Blocks;
        for (var i = 0; i < blockBytes; i++)
        {
            pads[i] = (byte)(blockKey[i] ^ 0x36);
            pads[blockBytes + i] = (byte)(blockKey[i] ^ 0x5C);
        }

        keyState.Clear();
        if (algorithm == TotpAlgorithm.Sha512)
        {
            var state = work.State64;
            Initial64(state);
            CompressMany64(state, pads, 2, work.Words64);
            for (var j = 0; j < 8; j++)
            {
                keyState[j] = state[j].GetElement(0);
                keyState[8 + j] = state[j].GetElement(1);
            }
        }
        else
        {
            var state = work.State32;
            Initial32(algorithm, state);
            CompressMany32(algorithm, state, pads, 2, work.Words32);
            var words = MemoryMarshal.Cast<ulong, uint>(keyState);
            for (var j = 0; j < 8; j++)
            {
                words[j] = state[j].GetElement(0);
                words[8 + j] = state[j].GetElement(1);
            }
        }

        work.Wipe();
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
        var work = new Workspace(stackalloc byte[Workspace.Size]);
        var inner = work.Small[..(count * hashBytes)];
        if (algorithm == TotpAlgorithm.Sha512)
        {
            var state = work.State64;
            for (var j = 0; j < 8; j++)
            {
                state[j] = Vector256.Create(keyState[j]);
            }

            Absorb64(state, messages, messageLength, count, MaxBlockBytes, work);
            Output64(state, count, inner);
            for (var j = 0; j < 8; j++)
            {
                state[j] = Vector256.Create(keyState[8 + j]);
            }

            Absorb64(state, inner, 64, count, MaxBlockBytes, work);
            Output64(state, count, destination);
        }
        else
        {
            var words = MemoryMarshal.Cast<ulong, uint>(keyState);
            var state = work.State32;
            for (var j = 0; j < 8; j++)
            {
                state[j] = Vector256.Create(words[j]);
            }

            Absorb32(algorithm, state, messages, messageLength, count, 64, work);
            Output32(state, hashBytes, count, inner);
            for (var j = 0; j < 8; j++)
            {
                state[j] = Vector256.Create(words[8 + j]);
            }

            Absorb32(algorithm, state, inner, hashBytes, count, 64, work);
            Output32(state, hashBytes, count, destination);
        }

        work.Wipe();
    }

    /// <summary>The plain hash of <paramref name="data"/> (one lane), used for keys longer than the block.</summary>
    internal static void Hash(TotpAlgorithm algorithm, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var work = new Workspace(stackalloc byte[Workspace.Size]);
        HashInto(algorithm, data, destination, work);
        work.Wipe();
    }

    private static void HashInto(TotpAlgorithm algorithm, ReadOnlySpan<byte> data, Span<byte> destination, Workspace work)
    {
        if (algorithm == TotpAlgorithm.Sha512)
        {
            var state = work.State64;
            Initial64(state);
            Absorb64(state, data, data.Length, 1, 0, work);
            Output64(state, 1, destination);
        }
        else
        {
            var state = work.State32;
            Initial32(algorithm, state);
            Absorb32(algorithm, state, data, data.Length, 1, 0, work);
            Output32(state, HashBytes(algorithm), 1, destination);
        }
    }

    private static void Initial32(TotpAlgorithm algorithm, Span<Vector256<uint>> state)
    {
        ReadOnlySpan<uint> iv = algorithm == TotpAlgorithm.Sha1 ? Sha1Initial : Sha256Initial;
        state.Clear();
        for (var j = 0; j < iv.Length; j++)
        {
            state[j] = Vector256.Create(iv[j]);
        }
    }

    private static void Initial64(Span<Vector256<ulong>> state)
    {
        for (var j = 0; j < 8; j++)
        {
            state[j] = Vector256.Create(Sha512Initial[j]);
        }
    }

    /// <summary>
    /// Hashes the rest of a message whose first <paramref name="prefixBytes"/> bytes (whole blocks) are already in the
    /// state: <paramref name="count"/> messages of <paramref name="messageLength"/> bytes, padded per FIPS 180-4 5.1.1.
    /// </summary>
    private static void Absorb32(TotpAlgorithm algorithm, Span<Vector256<uint>> state, ReadOnlySpan<byte> messages, int messageLength, int count, int prefixBytes, Workspace work)
    {
        const int blockBytes = 64;
        var blocks = (messageLength + 1 + 8 + blockBytes - 1) / blockBytes;
        var bitLength = ((ulong)prefixBytes + (ulong)messageLength) * 8;
        for (var b = 0; b < blocks; b++)
        {
            for (var lane = 0; lane < count; lane++)
            {
                FillBlock(messages.Slice(lane * messageLength, messageLength), b, bitLength, 8, work.Blocks.Slice(lane * blockBytes, blockBytes));
            }

            CompressMany32(algorithm, state, work.Blocks, count, work.Words32);
        }
    }

    private static void Absorb64(Span<Vector256<ulong>> state, ReadOnlySpan<byte> messages, int messageLength, int count, int prefixBytes, Workspace work)
    {
        const int blockBytes = 128;
        var blocks = (messageLength + 1 + 16 + blockBytes - 1) / blockBytes;
        var bitLength = ((ulong)prefixBytes + (ulong)messageLength) * 8;
        for (var b = 0; b < blocks; b++)
        {
            for (var lane = 0; lane < count; lane++)
            {
                FillBlock(messages.Slice(lane * messageLength, messageLength), b, bitLength, 16, work.Blocks.Slice(lane * blockBytes, blockBytes));
            }

            CompressMany64(state, work.Blocks, count, work.Words64);
        }
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

        var lastBlock = ((message.Length + 1 + lengthBytes + block.Length - 1) / block.Length) - 1;
        if (index == lastBlock)
        {
            BinaryPrimitives.WriteUInt64BigEndian(block[^8..], bitLength);
        }
    }

    private static void Output32(ReadOnlySpan<Vector256<uint>> state, int hashBytes, int count, Span<byte> destination)
    {
        for (var lane = 0; lane < count; lane++)
        {
            for (var j = 0; j < hashBytes / 4; j++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(destination.Slice((lane * hashBytes) + (j * 4), 4), state[j].GetElement(lane));
            }
        }
    }

    private static void Output64(ReadOnlySpan<Vector256<ulong>> state, int count, Span<byte> destination)
    {
        for (var lane = 0; lane < count; lane++)
        {
            for (var j = 0; j < 8; j++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(destination.Slice((lane * 64) + (j * 8), 8), state[j].GetElement(lane));
            }
        }
    }

    /// <summary>
    /// Compresses one block per lane (<paramref name="blocks"/>: all lanes' blocks, lane after lane) into the state: the
    /// big-endian words are transposed into <paramref name="words"/> (word t of every lane side by side, one vector per word).
    /// </summary>
    private static void CompressMany32(TotpAlgorithm algorithm, Span<Vector256<uint>> state, ReadOnlySpan<byte> blocks, int count, Span<Vector256<uint>> words)
    {
        // All 8 lanes are read (lanes past count hold stale or zero blocks; their results are never used). Each lane's
        // 16 words are loaded as two vectors, byte-swapped to big-endian, and the 8x8 word matrices are transposed in
        // registers (unpack 32, unpack 64, swap 128-bit halves), so that vector t holds word t of every lane.
        _ = count;
        var swap = Vector256.Create((byte)3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
        for (var half = 0; half < 2; half++)
        {
            var r0 = LoadSwapped(blocks, (0 * 64) + (half * 32), swap);
            var r1 = LoadSwapped(blocks, (1 * 64) + (half * 32), swap);
            var r2 = LoadSwapped(blocks, (2 * 64) + (half * 32), swap);
            var r3 = LoadSwapped(blocks, (3 * 64) + (half * 32), swap);
            var r4 = LoadSwapped(blocks, (4 * 64) + (half * 32), swap);
            var r5 = LoadSwapped(blocks, (5 * 64) + (half * 32), swap);
            var r6 = LoadSwapped(blocks, (6 * 64) + (half * 32), swap);
            var r7 = LoadSwapped(blocks, (7 * 64) + (half * 32), swap);
            var t0 = Avx2.UnpackLow(r0, r1).AsUInt64();
            var t1 = Avx2.UnpackHigh(r0, r1).AsUInt64();
            var t2 = Avx2.UnpackLow(r2, r3).AsUInt64();
            var t3 = Avx2.UnpackHigh(r2, r3).AsUInt64();
            var t4 = Avx2.UnpackLow(r4, r5).AsUInt64();
            var t5 = Avx2.UnpackHigh(r4, r5).AsUInt64();
            var t6 = Avx2.UnpackLow(r6, r7).AsUInt64();
            var t7 = Avx2.UnpackHigh(r6, r7).AsUInt64();
            var u0 = Avx2.UnpackLow(t0, t2).AsUInt32();
            var u1 = Avx2.UnpackHigh(t0, t2).AsUInt32();
            var u2 = Avx2.UnpackLow(t1, t3).AsUInt32();
            var u3 = Avx2.UnpackHigh(t1, t3).AsUInt32();
            var u4 = Avx2.UnpackLow(t4, t6).AsUInt32();
            var u5 = Avx2.UnpackHigh(t4, t6).AsUInt32();
            var u6 = Avx2.UnpackLow(t5, t7).AsUInt32();
            var u7 = Avx2.UnpackHigh(t5, t7).AsUInt32();
            var first = half * 8;
            words[first] = Avx2.Permute2x128(u0, u4, 0x20);
            words[first + 1] = Avx2.Permute2x128(u1, u5, 0x20);
            words[first + 2] = Avx2.Permute2x128(u2, u6, 0x20);
            words[first + 3] = Avx2.Permute2x128(u3, u7, 0x20);
            words[first + 4] = Avx2.Permute2x128(u0, u4, 0x31);
            words[first + 5] = Avx2.Permute2x128(u1, u5, 0x31);
            words[first + 6] = Avx2.Permute2x128(u2, u6, 0x31);
            words[first + 7] = Avx2.Permute2x128(u3, u7, 0x31);
        }

        // Both conditions are constants to the JIT: one call remains.
        if (Avx512F.VL.IsSupported)
        {
            if (algorithm == TotpAlgorithm.Sha1)
            {
                Sha1RoundsAvx512(state, words);
            }
            else
            {
                Sha256RoundsAvx512(state, words);
            }
        }
        else if (algorithm == TotpAlgorithm.Sha1)
        {
            Sha1RoundsAvx2(state, words);
        }
        else
        {
            Sha256RoundsAvx2(state, words);
        }
    }

    private static void CompressMany64(Span<Vector256<ulong>> state, ReadOnlySpan<byte> blocks, int count, Span<Vector256<ulong>> words)
    {
        // As above with 4 lanes of 64-bit words: four 4x4 matrices.
        _ = count;
        var swap = Vector256.Create((byte)7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
        for (var quarter = 0; quarter < 4; quarter++)
        {
            var r0 = LoadSwapped(blocks, (0 * 128) + (quarter * 32), swap).AsUInt64();
            var r1 = LoadSwapped(blocks, (1 * 128) + (quarter * 32), swap).AsUInt64();
            var r2 = LoadSwapped(blocks, (2 * 128) + (quarter * 32), swap).AsUInt64();
            var r3 = LoadSwapped(blocks, (3 * 128) + (quarter * 32), swap).AsUInt64();
            var t0 = Avx2.UnpackLow(r0, r1);
            var t1 = Avx2.UnpackHigh(r0, r1);
            var t2 = Avx2.UnpackLow(r2, r3);
            var t3 = Avx2.UnpackHigh(r2, r3);
            var first = quarter * 4;
            words[first] = Avx2.Permute2x128(t0, t2, 0x20);
            words[first + 1] = Avx2.Permute2x128(t1, t3, 0x20);
            words[first + 2] = Avx2.Permute2x128(t0, t2, 0x31);
            words[first + 3] = Avx2.Permute2x128(t1, t3, 0x31);
        }

        if (Avx512F.VL.IsSupported)
        {
            Sha512RoundsAvx512(state, words);
        }
        else
        {
            Sha512RoundsAvx2(state, words);
        }
    }

    /// <summary>32 bytes of <paramref name="blocks"/> from <paramref name="offset"/>, bytes reordered by <paramref name="swap"/>.</summary>
    private static Vector256<uint> LoadSwapped(ReadOnlySpan<byte> blocks, int offset, Vector256<byte> swap) =>
        Avx2.Shuffle(MemoryMarshal.Read<Vector256<byte>>(blocks[offset..]), swap).AsUInt32();

    /// <summary>
    /// The scratch memory of one top-level call, carved from one stack buffer and wiped once at the end (it holds the
    /// padded key, intermediate hashes and states): the blocks of all lanes, the transposed message words, the state
    /// and a small byte area.
    /// </summary>
    private readonly ref struct Workspace
    {
        private const int BlocksBytes = Lanes32 * 64;      // = Lanes64 * 128
        private const int WordsBytes = 16 * 32;            // 16 vectors of 256 bits
        private const int StateBytes = 8 * 32;             // 8 vectors of 256 bits
        private const int SmallBytes = Lanes32 * 32;       // inner hashes of all lanes (= Lanes64 * 64), or the block key

        public const int Size = BlocksBytes + WordsBytes + StateBytes + SmallBytes;

        private readonly Span<byte> _memory;

        public Workspace(Span<byte> memory) => _memory = memory;

        public Span<byte> Blocks => _memory[..BlocksBytes];

        public Span<Vector256<uint>> Words32 => MemoryMarshal.Cast<byte, Vector256<uint>>(_memory.Slice(BlocksBytes, WordsBytes));

        public Span<Vector256<ulong>> Words64 => MemoryMarshal.Cast<byte, Vector256<ulong>>(_memory.Slice(BlocksBytes, WordsBytes));

        public Span<Vector256<uint>> State32 => MemoryMarshal.Cast<byte, Vector256<uint>>(_memory.Slice(BlocksBytes + WordsBytes, StateBytes));

        public Span<Vector256<ulong>> State64 => MemoryMarshal.Cast<byte, Vector256<ulong>>(_memory.Slice(BlocksBytes + WordsBytes, StateBytes));

        public Span<byte> Small => _memory.Slice(BlocksBytes + WordsBytes + StateBytes, SmallBytes);

        public void Wipe() => CryptographicOperations.ZeroMemory(_memory);
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
