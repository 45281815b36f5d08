using System.Security.Cryptography;
using System.Text;
using PpkmOnnx.Core;

namespace PpkmOnnx.Server.Access;

/// <summary>
/// The API keys a server accepts, held only as SHA-256 hashes so a memory dump or a log of the options never shows one.
/// A presented key is hashed and compared with every stored hash in constant time
/// (<see cref="CryptographicOperations.FixedTimeEquals"/>), so neither the answer time nor the order of the keys tells
/// an attacker how close a guess was.
/// </summary>
public sealed class ApiKeySet
{
    /// <summary>The environment variable that holds comma-separated keys.</summary>
    public const string EnvironmentVariable = "PPKM_API_KEYS";

    /// <summary>Shortest key accepted: anything shorter can be guessed over the network.</summary>
    public const int MinimumKeyLength = 16;

    private readonly byte[][] _hashes;

    private ApiKeySet(byte[][] hashes) => _hashes = hashes;

    /// <summary>How many distinct keys are accepted.</summary>
    public int Count => _hashes.Length;

    /// <summary>Keys given in code (tests, embedding apps); the same rules as a key file.</summary>
    /// <exception cref="UserInputException">No key, or a key that is too short or holds whitespace.</exception>
    public static ApiKeySet FromKeys(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.ToList();
        for (int i = 0; i < list.Count; i++) Check(list[i], $"key {i + 1}");
        if (list.Count == 0) throw new UserInputException("no API key given.");
        return Create(list);
    }

    /// <summary>
    /// The keys of <paramref name="keyFile"/> (one per line; blank lines and lines starting with '#' ignored) and of
    /// <paramref name="environmentValue"/> (the value of <see cref="EnvironmentVariable"/>: comma-separated), or null when
    /// neither gives any (keys off). A blank environment value counts as unset.
    /// </summary>
    /// <exception cref="UserInputException">The file is missing, unreadable or holds no key; a key is too short or holds whitespace.</exception>
    public static ApiKeySet? Load(string? keyFile, string? environmentValue)
    {
        var keys = new List<string>();
        if (keyFile is not null)
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(keyFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{keyFile}: cannot read the API key file: {e.Message}", e);
            }
            int before = keys.Count;
            for (int i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                // The line number, never the key: error messages end up in logs.
                Check(line, $"{keyFile}:{i + 1}");
                keys.Add(line);
            }
            if (keys.Count == before)
                throw new UserInputException($"{keyFile}: the API key file holds no key (one key per line; blank lines and #comments are ignored).");
        }
        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            var parts = environmentValue.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) throw new UserInputException($"{EnvironmentVariable} is set but holds no key (comma-separated keys).");
            for (int i = 0; i < parts.Length; i++) Check(parts[i], $"{EnvironmentVariable} entry {i + 1}");
            keys.AddRange(parts);
        }
        return keys.Count == 0 ? null : Create(keys);
    }

    /// <summary>
    /// The index (0-based, in distinct-key order) of the key <paramref name="presented"/> matches, or -1. Every stored
    /// hash is compared, whatever matched, so the time taken does not depend on which key it was or how close a guess came.
    /// </summary>
    public int Match(ReadOnlySpan<char> presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(presented, hash);
        int found = -1;
        for (int i = 0; i < _hashes.Length; i++)
        {
            bool equal = CryptographicOperations.FixedTimeEquals(hash, _hashes[i]);
            // No early exit: the loop takes as long whichever key (if any) matched.
            if (equal && found < 0) found = i;
        }
        return found;
    }

    /// <summary>The count only: the keys themselves are never printed (the options record's ToString includes this).</summary>
    public override string ToString() => $"{Count} API key(s)";

    private static ApiKeySet Create(IEnumerable<string> keys)
    {
        var hashes = new List<byte[]>();
        foreach (var key in keys)
        {
            var hash = new byte[SHA256.HashSizeInBytes];
            Hash(key, hash);
            if (!hashes.Any(h => h.AsSpan().SequenceEqual(hash))) hashes.Add(hash);
        }
        return new ApiKeySet(hashes.ToArray());
    }

    private static void Hash(ReadOnlySpan<char> key, Span<byte> destination)
    {
        var bytes = Encoding.UTF8.GetBytes(key.ToArray());
        SHA256.HashData(bytes, destination);
        CryptographicOperations.ZeroMemory(bytes);
    }

    // Where names the key's place (file:line), never the key.
    private static void Check(string key, string where)
    {
        if (key.Length < MinimumKeyLength)
            throw new UserInputException($"{where}: API key is shorter than {MinimumKeyLength} characters (make one with: openssl rand -hex 32).");
        if (key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new UserInputException($"{where}: API key holds whitespace or a control character; it could not be sent in an Authorization header.");
    }
}
