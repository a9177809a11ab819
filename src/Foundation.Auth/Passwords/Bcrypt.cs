using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Foundation.Auth.Passwords;

/// <summary>
/// Verifies bcrypt hashes (<c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>, cost 4 to 31) so that users of Node, Python, PHP, Ruby
/// or Java systems can log in and be moved to the current format. It never makes bcrypt hashes.
/// </summary>
/// <remarks>
/// <para>
/// The algorithm is bcrypt as published by Provos and Mazières ("A Future-Adaptable Password Scheme", USENIX 1999) and as
/// OpenBSD and Openwall's crypt_blowfish implement it: EksBlowfish set up with the 16-byte salt and the key, then
/// 2^cost rounds of expanding the key and the salt alternately, then "OrpheanBeholderScryDoubt" encrypted 64 times; 23 of
/// its 24 bytes are the digest. A hash is <c>$2b$</c> + two cost digits + <c>$</c> + 22 characters of salt + 31 of digest,
/// in bcrypt's own radix-64 alphabet <c>./A-Za-z0-9</c> (not RFC 4648's order), 60 characters in all.
/// </para>
/// <para>
/// The key is the password's bytes (UTF-8 for a string) followed by a NUL byte, repeated, of which the first 72 bytes
/// count: a password of 72 bytes or more is cut to its first 72 bytes, and a multi-byte character straddling byte 72 is
/// cut in the middle. Embedded NUL characters are kept as bytes (as bcryptjs does; C implementations stop at them).
/// </para>
/// <para>
/// The prefixes: <c>$2a$</c> is the original; <c>$2b$</c> (OpenBSD 5.5, 2014) fixed OpenBSD's bug of counting the
/// password length in 8 bits, so that there a <c>$2a$</c> hash of a password of 255 bytes or more used only
/// (length + 1) mod 256 bytes of it. Here <c>$2a$</c> means what it means in crypt_blowfish, PHP, bcryptjs, Python's bcrypt
/// and jBCrypt: the first 72 bytes, like <c>$2b$</c>; a <c>$2a$</c> hash that old OpenBSD code made from a password of 255
/// bytes or more does not verify. <c>$2y$</c> (PHP, crypt_blowfish) is the correct algorithm, the same as <c>$2b$</c>.
/// crypt_blowfish's <c>$2a$</c> additionally flips one bit of the key schedule for a few keys containing the byte 0xFF,
/// which it does to keep hashes made by its old sign-extension bug from colliding; this is done here too, and can only
/// matter for raw bytes, since UTF-8 never contains 0xFF. The buggy <c>$2x$</c> and the ancient <c>$2$</c> are refused.
/// </para>
/// </remarks>
internal static partial class Bcrypt
{
    /// <summary>The smallest cost a hash may have.</summary>
    public const int MinimumCost = 4;

    /// <summary>The largest cost a hash may have.</summary>
    public const int MaximumCost = 31;

    /// <summary>How many bytes of the key (the password and its terminating NUL) count.</summary>
    public const int MaximumKeyBytes = 72;

    /// <summary>A bcrypt hash is exactly this long.</summary>
    public const int HashLength = 60;

    private const int SaltBytes = 16;
    private const int DigestBytes = 23;
    private const int SaltChars = 22;
    private const int DigestChars = 31;
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    // "OrpheanBeholderScryDoubt" as six big-endian words.
    private static readonly uint[] s_magic = [0x4f727068, 0x65616e42, 0x65686f6c, 0x64657253, 0x63727944, 0x6f756274];

    private static readonly sbyte[] s_decode = BuildDecodeTable();

    /// <summary>Whether <paramref name="password"/> (as UTF-8) matches the bcrypt <paramref name="hash"/>.</summary>
    /// <returns><see langword="false"/> when it does not, or when <paramref name="hash"/> is not a bcrypt hash this class reads.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static bool Verify(string password, string hash)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(hash);
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Verify(bytes, hash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Whether the password <paramref name="password"/> (raw bytes, no terminating NUL) matches <paramref name="hash"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> password, string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (!TryParse(hash, out var minor, out var cost, out var salt))
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[DigestBytes];
        Compute(password, salt, cost, safety: minor == 'a', digest);

        Span<byte> expected = stackalloc byte[DigestChars];
        Span<byte> actual = stackalloc byte[DigestChars];
        Encode(digest, actual);
        for (var i = 0; i < DigestChars; i++)
        {
            expected[i] = (byte)hash[HashLength - DigestChars + i];
        }

        CryptographicOperations.ZeroMemory(digest);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>Reads <c>$2x$NN$</c> + 22 salt characters + 31 digest characters; the salt is returned as four big-endian words.</summary>
    private static bool TryParse(string hash, out char minor, out int cost, out uint[] salt)
    {
        minor = '\0';
        cost = 0;
        salt = [];
        if (hash.Length != HashLength || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$')
        {
            return false;
        }

        minor = hash[2];
        if (minor is not ('a' or 'b' or 'y'))
        {
            return false;
        }

        if (!char.IsAsciiDigit(hash[4]) || !char.IsAsciiDigit(hash[5]))
        {
            return false;
        }

        cost = ((hash[4] - '0') * 10) + (hash[5] - '0');
        if (cost is < MinimumCost or > MaximumCost)
        {
            return false;
        }

        for (var i = 7; i < HashLength; i++)
        {
            if (hash[i] >= 128 || s_decode[hash[i]] < 0)
            {
                return false;
            }
        }

        Span<byte> saltBytes = stackalloc byte[SaltBytes];
        Decode(hash.AsSpan(7, SaltChars), saltBytes);
        salt = new uint[SaltBytes / 4];
        for (var i = 0; i < salt.Length; i++)
        {
            salt[i] = BinaryPrimitives.ReadUInt32BigEndian(saltBytes[(i * 4)..]);
        }

        return true;
    }

    /// <summary>EksBlowfish: sets up the state from the salt and key, stretches it 2^cost times, encrypts the magic text.</summary>
    private static void Compute(ReadOnlySpan<byte> password, uint[] salt, int cost, bool safety, Span<byte> digest)
    {
        // The key schedule: 18 words read from the key bytes (password + NUL) repeated, as crypt_blowfish's BF_set_key.
        Span<uint> key = stackalloc uint[18];
        var initialP = new uint[18];
        var flip = KeySchedule(password, key, safety);
        for (var i = 0; i < 18; i++)
        {
            initialP[i] = s_initialP[i] ^ key[i];
        }

        initialP[0] ^= flip;

        var p = initialP;
        var s = (uint[])s_initialS.Clone();

        // ExpandKey(state, salt, key): the key is already in P; encrypt the running block, mixing in the salt words.
        uint l = 0, r = 0;
        var saltIndex = 0;
        for (var i = 0; i < 18; i += 2)
        {
            l ^= salt[saltIndex];
            r ^= salt[saltIndex + 1];
            saltIndex ^= 2;
            Encrypt(p, s, ref l, ref r);
            p[i] = l;
            p[i + 1] = r;
        }

        for (var i = 0; i < 1024; i += 2)
        {
            l ^= salt[saltIndex];
            r ^= salt[saltIndex + 1];
            saltIndex ^= 2;
            Encrypt(p, s, ref l, ref r);
            s[i] = l;
            s[i + 1] = r;
        }

        // 2^cost rounds of ExpandKey(state, 0, key) then ExpandKey(state, 0, salt).
        var rounds = 1L << cost;
        for (var round = 0L; round < rounds; round++)
        {
            for (var i = 0; i < 18; i++)
            {
                p[i] ^= key[i];
            }

            Rekey(p, s);

            for (var i = 0; i < 18; i++)
            {
                p[i] ^= salt[i & 3];
            }

            Rekey(p, s);
        }

        // Encrypt "OrpheanBeholderScryDoubt" (three 64-bit blocks) 64 times.
        Span<uint> text = stackalloc uint[6];
        s_magic.CopyTo(text);
        for (var block = 0; block < 6; block += 2)
        {
            l = text[block];
            r = text[block + 1];
            for (var i = 0; i < 64; i++)
            {
                Encrypt(p, s, ref l, ref r);
            }

            text[block] = l;
            text[block + 1] = r;
        }

        Span<byte> output = stackalloc byte[24];
        for (var i = 0; i < 6; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(output[(i * 4)..], text[i]);
        }

        output[..DigestBytes].CopyTo(digest);
        CryptographicOperations.ZeroMemory(output);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(key));
        Array.Clear(p);
        Array.Clear(s);
    }

    /// <summary>
    /// Fills <paramref name="key"/> with 18 big-endian words of the key bytes (password, NUL, password, NUL, ...: only the
    /// first 72 bytes count). Returns crypt_blowfish's <c>$2a$</c> anti-collision bit (0x10000) to flip in P[0], or 0.
    /// </summary>
    private static uint KeySchedule(ReadOnlySpan<byte> password, Span<uint> key, bool safety)
    {
        // The key is the password and a terminating NUL; beyond 72 bytes nothing is read.
        var length = Math.Min(password.Length, MaximumKeyBytes) + 1;
        var position = 0;
        uint sign = 0, diff = 0;
        for (var i = 0; i < 18; i++)
        {
            uint correct = 0, signExtended = 0;
            for (var j = 0; j < 4; j++)
            {
                var b = position < password.Length ? password[position] : (byte)0;
                correct = (correct << 8) | b;
                signExtended = (signExtended << 8) | (uint)(int)(sbyte)b;
                if (j != 0)
                {
                    sign |= signExtended & 0x80;
                }

                position = position + 1 == length ? 0 : position + 1;
            }

            diff |= correct ^ signExtended;
            key[i] = correct;
        }

        if (!safety)
        {
            return 0;
        }

        // As BF_set_key: flip bit 16 of P[0] when the buggy (sign-extended) key would differ only benignly, i.e. a
        // sign extension happened but left every word unchanged. Needs 0xFF bytes, so never happens for UTF-8.
        diff |= diff >> 16;
        diff &= 0xffff;
        diff += 0xffff;
        sign <<= 9;
        sign &= ~diff & 0x10000;
        return sign;
    }

    /// <summary>Re-encrypts P and the S-boxes in place with a zero block chained through them (Blowfish's key expansion).</summary>
    private static void Rekey(uint[] p, uint[] s)
    {
        uint l = 0, r = 0;
        for (var i = 0; i < 18; i += 2)
        {
            Encrypt(p, s, ref l, ref r);
            p[i] = l;
            p[i + 1] = r;
        }

        for (var i = 0; i < 1024; i += 2)
        {
            Encrypt(p, s, ref l, ref r);
            s[i] = l;
            s[i + 1] = r;
        }
    }

    /// <summary>Blowfish: 16 Feistel rounds, then the halves swapped and whitened with P[16] and P[17].</summary>
    private static void Encrypt(uint[] p, uint[] s, ref uint left, ref uint right)
    {
        var l = left ^ p[0];
        var r = right;
        for (var i = 1; i < 17; i += 2)
        {
            r ^= F(s, l) ^ p[i];
            l ^= F(s, r) ^ p[i + 1];
        }

        left = r ^ p[17];
        right = l;
    }

    private static uint F(uint[] s, uint x) =>
        ((s[(int)(x >> 24)] + s[256 + (int)((x >> 16) & 0xff)]) ^ s[512 + (int)((x >> 8) & 0xff)]) + s[768 + (int)(x & 0xff)];

    /// <summary>bcrypt's radix-64: RFC 4648 bit order, alphabet <c>./A-Za-z0-9</c>, no padding.</summary>
    private static void Encode(ReadOnlySpan<byte> data, Span<byte> output)
    {
        int bits = 0, buffer = 0, o = 0;
        foreach (var b in data)
        {
            buffer = ((buffer << 8) | b) & 0xffff;
            bits += 8;
            while (bits >= 6)
            {
                bits -= 6;
                output[o++] = (byte)Alphabet[(buffer >> bits) & 0x3f];
            }
        }

        if (bits > 0)
        {
            output[o] = (byte)Alphabet[(buffer << (6 - bits)) & 0x3f];
        }
    }

    /// <summary>Decodes radix-64 characters (already checked to be in the alphabet) into exactly <paramref name="output"/>'s length.</summary>
    private static void Decode(ReadOnlySpan<char> text, Span<byte> output)
    {
        int bits = 0, buffer = 0, o = 0;
        foreach (var c in text)
        {
            buffer = ((buffer << 6) | (byte)s_decode[c]) & 0xffff;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                if (o < output.Length)
                {
                    output[o++] = (byte)(buffer >> bits);
                }
            }
        }
    }

    private static sbyte[] BuildDecodeTable()
    {
        var table = new sbyte[128];
        Array.Fill(table, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            table[Alphabet[i]] = (sbyte)i;
        }

        return table;
    }
}
