using PpkmOnnx.Core;
using PpkmOnnx.Server.Access;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Server.Tests;

public sealed class ApiKeySetTests
{
    private const string KeyA = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private const string KeyB = "team-b-0123456789abcdef";
    private const string KeyC = "env-key-fedcba9876543210";

    [Fact]
    public void A_key_file_keeps_one_key_per_line_and_skips_blank_lines_and_comments()
    {
        using var temp = TestPaths.NewTempFolder();
        var file = temp.Combine("keys.txt");
        File.WriteAllText(file, $"# service keys\n\n  {KeyA}  \n# {KeyC} retired\n{KeyB}\n{KeyA}\n");
        var keys = ApiKeySet.Load(file, null)!;
        // KeyA twice is one key; the commented-out KeyC is none.
        Assert.Equal(2, keys.Count);
        Assert.Equal(0, keys.Match(KeyA));
        Assert.Equal(1, keys.Match(KeyB));
        Assert.Equal(-1, keys.Match(KeyC));
        Assert.Equal(-1, keys.Match("# service keys"));
        Assert.Equal(-1, keys.Match(KeyA.AsSpan(0, KeyA.Length - 1)));
        Assert.Equal(-1, keys.Match(KeyA + "0"));
        Assert.Equal(-1, keys.Match(KeyA.ToUpperInvariant()));
        Assert.Equal(-1, keys.Match(""));
    }

    [Fact]
    public void The_environment_variable_holds_comma_separated_keys_and_adds_to_the_file()
    {
        var fromEnvironment = ApiKeySet.Load(null, $" {KeyB} ,{KeyC},")!;
        Assert.Equal(2, fromEnvironment.Count);
        Assert.Equal(0, fromEnvironment.Match(KeyB));
        Assert.Equal(1, fromEnvironment.Match(KeyC));

        using var temp = TestPaths.NewTempFolder();
        var file = temp.Combine("keys.txt");
        File.WriteAllText(file, KeyA + "\n");
        var both = ApiKeySet.Load(file, KeyC)!;
        Assert.Equal(0, both.Match(KeyA));
        Assert.Equal(1, both.Match(KeyC));

        Assert.Null(ApiKeySet.Load(null, null));
        Assert.Null(ApiKeySet.Load(null, "  "));
    }

    [Fact]
    public void A_missing_or_keyless_file_and_unusable_keys_are_refused_naming_the_place_never_the_key()
    {
        using var temp = TestPaths.NewTempFolder();
        var missing = temp.Combine("missing.txt");
        var e = Assert.Throws<UserInputException>(() => ApiKeySet.Load(missing, null));
        Assert.StartsWith($"{missing}: cannot read the API key file", e.Message);

        var empty = temp.Combine("empty.txt");
        File.WriteAllText(empty, "# only a comment\n\n   \n");
        e = Assert.Throws<UserInputException>(() => ApiKeySet.Load(empty, null));
        Assert.Equal($"{empty}: the API key file holds no key (one key per line; blank lines and #comments are ignored).", e.Message);

        var shortKey = temp.Combine("short.txt");
        File.WriteAllText(shortKey, $"{KeyA}\n\nsecret123\n");
        e = Assert.Throws<UserInputException>(() => ApiKeySet.Load(shortKey, null));
        Assert.StartsWith($"{shortKey}:3: API key is shorter than 16 characters", e.Message);
        Assert.DoesNotContain("secret123", e.Message);

        var spaced = temp.Combine("spaced.txt");
        File.WriteAllText(spaced, "two words in one long key\n");
        e = Assert.Throws<UserInputException>(() => ApiKeySet.Load(spaced, null));
        Assert.StartsWith($"{spaced}:1: API key holds whitespace", e.Message);
        Assert.DoesNotContain("two words", e.Message);

        e = Assert.Throws<UserInputException>(() => ApiKeySet.Load(null, ",,"));
        Assert.StartsWith("PPKM_API_KEYS is set but holds no key", e.Message);
        e = Assert.Throws<UserInputException>(() => ApiKeySet.Load(null, $"{KeyA},tooshort"));
        Assert.StartsWith("PPKM_API_KEYS entry 2: API key is shorter", e.Message);
    }

    [Fact]
    public void Neither_the_key_set_nor_the_server_options_print_a_key()
    {
        var keys = ApiKeySet.FromKeys([KeyA, KeyB]);
        Assert.Equal("2 API key(s)", keys.ToString());
        var options = new ServerOptions { ApiKeys = keys };
        var printed = options.ToString();
        Assert.Contains("ApiKeys = 2 API key(s)", printed);
        Assert.DoesNotContain(KeyA, printed);
        Assert.DoesNotContain(KeyB, printed);
    }
}
