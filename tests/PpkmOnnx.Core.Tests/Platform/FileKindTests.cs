using PpkmOnnx.Core.Platform;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Platform;

public sealed class FileKindTests
{
    [Fact]
    public void Devices_and_pipes_are_special_files_and_folders_are_not()
    {
        if (!OperatingSystem.IsLinux()) return; // statx is Linux's; elsewhere nothing counts as special
        using var temp = TestPaths.NewTempFolder();
        var file = temp.Combine("rows.csv");
        File.WriteAllText(file, "text\n");
        var toNull = temp.Combine("to-null");
        File.CreateSymbolicLink(toNull, "/dev/null");
        var dangling = temp.Combine("dangling");
        File.CreateSymbolicLink(dangling, temp.Combine("missing"));

        Assert.True(FileKind.IsSpecial("/dev/null"));
        Assert.True(FileKind.IsSpecial(toNull)); // links are followed
        Assert.False(FileKind.IsSpecial(file));
        Assert.False(FileKind.IsSpecial(temp.Path));
        Assert.False(FileKind.IsSpecial(temp.Combine("missing")));
        Assert.False(FileKind.IsSpecial(dangling));
        var fifo = temp.Combine("pipe");
        if (Fifo.TryCreate(fifo)) Assert.True(FileKind.IsSpecial(fifo));
    }
}
