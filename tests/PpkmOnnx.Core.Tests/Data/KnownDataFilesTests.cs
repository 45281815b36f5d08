using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Data;

public sealed class KnownDataFilesTests
{
    [Fact]
    public void GitBlobId_MatchesGitHashObject()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("hello.txt");
        File.WriteAllText(path, "hello\n");
        // `echo hello | git hash-object --stdin`
        Assert.Equal("ce013625030ba8dba906f756967f9e9ca394464a", KnownDataFiles.GitBlobId(path));
        Assert.Null(KnownDataFiles.Identify(path));
    }

    [SkippableFact]
    public void RecognisesSmsaTrain_BySourcesBlobId()
    {
        var path = TestPaths.SharedFile("data", "smsa", "train_preprocess.tsv");
        Assert.Equal("05fa9e062b81bc57e72a4bd19f14ad14b7b0de8c", KnownDataFiles.GitBlobId(path)); // SOURCES.md
        Assert.StartsWith("IndoNLU SmSA train_preprocess.tsv", KnownDataFiles.Identify(path));
    }
}
