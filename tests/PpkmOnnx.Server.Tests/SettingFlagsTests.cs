using System.CommandLine;
using PpkmOnnx.Core;
using PpkmOnnx.Server.CommandLine;

namespace PpkmOnnx.Server.Tests;

/// <summary>A library's <see cref="InvalidSettingException"/> reaches the user worded with the flag that gave the setting.</summary>
public sealed class SettingFlagsTests
{
    private static (RootCommand Root, Command Sub) Tree()
    {
        var root = new RootCommand();
        root.Options.Add(new Option<bool>("--verbose") { Recursive = true });
        var sub = new Command("serve");
        var urls = new Option<string?>("--urls");
        var port = new Option<int>("--port") { DefaultValueFactory = _ => 8080 };
        var cert = new Option<string?>("--tls-cert");
        foreach (var o in new Option[] { new Option<int>("--max-length"), new Option<double>("--lr", "--learning-rate"), urls, port, cert }) sub.Options.Add(o);
        root.Subcommands.Add(sub);
        SettingFlags.Bind(sub, "Urls", port, urls);
        SettingFlags.Bind(sub, "TlsCertificateFile", cert);
        return (root, sub);
    }

    [Theory]
    [InlineData("MaxLength", "--max-length")]          // by name, in kebab case
    [InlineData("maxLength", "--max-length")]          // a parameter's name too
    [InlineData("LearningRate", "--lr")]               // by an alias, worded as the option's name
    [InlineData("TlsCertificateFile", "--tls-cert")]   // bound: the flag is not the name
    [InlineData("Verbose", "--verbose")]               // an option of a command above
    [InlineData("Labels", "Labels")]                   // no flag gave it: the library's name stays
    public void A_setting_is_named_by_its_flag(string setting, string expected)
    {
        var (root, _) = Tree();
        Assert.Equal(expected, SettingFlags.FlagFor(root.Parse(["serve"]), setting));
    }

    [Fact]
    public void A_setting_two_flags_feed_is_named_by_the_one_the_user_gave()
    {
        var (root, _) = Tree();
        Assert.Equal("--port", SettingFlags.FlagFor(root.Parse(["serve"]), "Urls"));
        Assert.Equal("--port", SettingFlags.FlagFor(root.Parse(["serve", "--port", "1"]), "Urls"));
        Assert.Equal("--urls", SettingFlags.FlagFor(root.Parse(["serve", "--urls", "http://x:1"]), "Urls"));
    }

    [Fact]
    public void The_message_names_the_setting_and_the_related_ones_by_their_flags()
    {
        var (root, _) = Tree();
        var parse = root.Parse(["serve"]);
        var e = new InvalidSettingException("MaxLength", "must be at least 2, got 1.", "TlsCertificateFile", "Urls");
        Assert.Equal("MaxLength: must be at least 2, got 1 (see TlsCertificateFile, Urls).", e.Message);
        Assert.Equal("--max-length: must be at least 2, got 1 (see --tls-cert, --port).", SettingFlags.Word(e, parse));
        Assert.Equal("plain", SettingFlags.Word(new UserInputException("plain"), parse));
    }

    [Fact]
    public void A_message_that_names_settings_in_its_text_names_each_by_its_flag()
    {
        var (root, _) = Tree();
        var parse = root.Parse(["serve", "--urls", "http://x:1"]);
        var e = new SettingsAdviceException(name => $"out: {name("MaxLength")} was given; lower {name("LearningRate")} or set {name("Urls")} (not {name("Labels")}).");
        Assert.Equal("out: MaxLength was given; lower LearningRate or set Urls (not Labels).", e.Message);
        Assert.Equal("out: --max-length was given; lower --lr or set --urls (not Labels).", SettingFlags.Word(e, parse));
    }
}
