using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Checkpoints;

public sealed class OutputOverlapTests : IDisposable
{
    private readonly TempFolder _temp = TestPaths.NewTempFolder();
    private readonly string _input;
    private readonly string _package;

    public OutputOverlapTests()
    {
        _input = _temp.Combine("data", "tweets.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(_input)!);
        File.WriteAllText(_input, "text\nhalo\n");
        _package = _temp.Combine("pkg");
        Directory.CreateDirectory(_package);
        File.WriteAllText(Path.Combine(_package, "config.json"), "{}");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_file_output_that_is_the_input_under_any_spelling_is_refused()
    {
        var e = Assert.Throws<UserInputException>(() => OutputOverlap.CheckFile(_input, _input));
        Assert.Equal($"{_input}: is also the input {_input}; name another output.", e.Message);
        var otherSpelling = _temp.Combine("data", "..", "data", "tweets.csv");
        Assert.Throws<UserInputException>(() => OutputOverlap.CheckFile(otherSpelling, _input));
        var link = _temp.Combine("link.csv");
        File.CreateSymbolicLink(link, _input);
        Assert.Throws<UserInputException>(() => OutputOverlap.CheckFile(link, _input));
        var linkedFolder = _temp.Combine("data-link");
        Directory.CreateSymbolicLink(linkedFolder, _temp.Combine("data"));
        Assert.Throws<UserInputException>(() => OutputOverlap.CheckFile(Path.Combine(linkedFolder, "tweets.csv"), _input));
    }

    [Fact]
    public void A_file_output_inside_an_input_folder_is_refused_and_one_beside_it_is_not()
    {
        var config = Path.Combine(_package, "config.json");
        var e = Assert.Throws<UserInputException>(() => OutputOverlap.CheckFile(config, _input, _package));
        Assert.Equal($"{config}: lies inside the input folder {_package}, whose files it could replace; write it elsewhere.", e.Message);
        Assert.Throws<UserInputException>(() => OutputOverlap.CheckFile(Path.Combine(_package, "new.csv"), _package));
        // "pkg2" starts with "pkg" but is another folder; "-" is standard input, no file.
        OutputOverlap.CheckFile(_temp.Combine("pkg2", "predictions.csv"), _input, _package, "-");
        OutputOverlap.CheckFile(_temp.Combine("data", "predictions.csv"), _input, _package);
    }

    [Fact]
    public void A_folder_output_that_is_or_holds_an_input_is_refused_and_one_inside_an_input_folder_is_not()
    {
        var e = Assert.Throws<UserInputException>(() => OutputOverlap.CheckFolder(_package, _package));
        Assert.Equal($"{_package}: is also the input {_package}; name another folder for the output.", e.Message);
        var data = _temp.Combine("data");
        e = Assert.Throws<UserInputException>(() => OutputOverlap.CheckFolder(_temp.Path, _input));
        Assert.Equal($"{_temp.Path}: holds the input {_input}, which writing this output would replace; name another folder.", e.Message);
        Assert.Throws<UserInputException>(() => OutputOverlap.CheckFolder(data + Path.DirectorySeparatorChar, _input));
        OutputOverlap.CheckFolder(Path.Combine(_package, "int8-export"), _package);
        OutputOverlap.CheckFolder(_temp.Combine("data2"), _input, _package);
    }
}
