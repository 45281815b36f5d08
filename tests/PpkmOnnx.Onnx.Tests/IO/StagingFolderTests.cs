using PpkmOnnx.Core;
using PpkmOnnx.Onnx.IO;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests.IO;

/// <summary>Where a staged folder (an export, an import) may land, and the errors that name the destination, not the staging name.</summary>
public sealed class StagingFolderTests
{
    [Fact]
    public void A_folder_with_content_is_refused_in_the_words_of_the_overwrite_setting_and_an_empty_one_is_taken()
    {
        using var temp = TestPaths.NewTempFolder();
        var destination = temp.Combine("package");
        Directory.CreateDirectory(destination);
        Assert.Equal(destination, StagingFolder.CheckDestination(destination + "/", overwrite: false));

        File.WriteAllText(Path.Combine(destination, "model.onnx"), "old");
        var e = Assert.Throws<SettingsAdviceException>(() => StagingFolder.Begin(destination, overwrite: false));
        Assert.Equal($"{destination}: folder exists and is not empty; choose another output or pass Overwrite to replace it.", e.Message);
        Assert.Equal($"{destination}: folder exists and is not empty; choose another output or pass --force to replace it.",
            e.Word(s => s == StagingFolder.OverwriteSetting ? "--force" : s));
        Assert.Equal(destination, StagingFolder.CheckDestination(destination, overwrite: true));
        Assert.Equal(["model.onnx"], Directory.GetFileSystemEntries(destination).Select(Path.GetFileName));
    }

    [Fact]
    public void A_place_where_no_folder_can_be_made_is_an_error_naming_the_destination()
    {
        if (!OperatingSystem.IsLinux()) return; // procfs: no new entries, whoever asks (root included)
        var e = Assert.Throws<UserInputException>(() => StagingFolder.Begin("/proc/ppkm-staging-test", overwrite: false));
        Assert.StartsWith("/proc/ppkm-staging-test: cannot be written there (", e.Message);
        Assert.DoesNotContain(".tmp-", e.Message[..e.Message.IndexOf('(')]);
        Assert.Empty(Directory.GetFileSystemEntries("/proc", "ppkm-staging-test*"));
    }
}
