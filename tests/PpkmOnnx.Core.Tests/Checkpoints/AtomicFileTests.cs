using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Checkpoints;

public sealed class AtomicFileTests
{
    [Fact]
    public void Files_written_together_all_land()
    {
        using var temp = TestPaths.NewTempFolder();
        string model = temp.Combine("model.int8.onnx"), record = temp.Combine("quantize.json");
        AtomicFile.WriteTogether([(model, s => s.Write([1, 2, 3])), (record, s => s.Write("{}"u8))]);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(model));
        Assert.Equal("{}", File.ReadAllText(record));
        Assert.Equal(2, Directory.GetFileSystemEntries(temp.Path).Length);
    }

    [Fact]
    public void A_place_where_no_file_can_be_created_is_an_error_naming_the_output_not_its_temporary_name()
    {
        if (!OperatingSystem.IsLinux()) return; // procfs: no new files, whoever asks (root included)
        var e = Assert.Throws<UserInputException>(() => AtomicFile.WriteAllText("/proc/ppkm-atomic-test.csv", "row"));
        Assert.StartsWith("/proc/ppkm-atomic-test.csv: cannot be written there (", e.Message);
        Assert.Equal("/proc/ppkm-atomic-test.csv", e.FilePath);
        Assert.IsAssignableFrom<IOException>(e.InnerException);
    }

    [Fact]
    public void A_symbolic_link_keeps_its_link_and_the_file_it_points_to_is_replaced()
    {
        using var temp = TestPaths.NewTempFolder();
        var target = temp.Combine("target.csv");
        File.WriteAllText(target, "old");
        var link = temp.Combine("link.csv");
        File.CreateSymbolicLink(link, "target.csv");
        AtomicFile.WriteAllText(link, "new");
        Assert.Equal("target.csv", new FileInfo(link).LinkTarget);
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal(new[] { "link.csv", "target.csv" }, Directory.GetFileSystemEntries(temp.Path).Select(p => Path.GetFileName(p)).Order().ToArray());
    }

    [Fact]
    public async Task A_named_pipe_is_written_in_place_for_its_reader_and_stays_a_pipe()
    {
        using var temp = TestPaths.NewTempFolder();
        var fifo = temp.Combine("predictions.csv");
        if (!Fifo.TryCreate(fifo)) return; // no mkfifo here
        var reader = Task.Run(() => File.ReadAllText(fifo)); // opening blocks until the writer opens its end
        AtomicFile.WriteAllText(fifo, "row,label\n1,positive\n");
        Assert.Equal("row,label\n1,positive\n", await reader.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(PpkmOnnx.Core.Platform.FileKind.IsSpecial(fifo)); // renaming a file over it would have made it a plain file
        Assert.Single(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void A_failure_writing_the_second_file_changes_neither_and_leaves_no_temporary_file()
    {
        using var temp = TestPaths.NewTempFolder();
        string model = temp.Combine("model.int8.onnx"), record = temp.Combine("quantize.json");
        File.WriteAllText(model, "old model");
        File.WriteAllText(record, "old record");

        var e = Assert.Throws<IOException>(() => AtomicFile.WriteTogether([
            (model, s => s.Write("new model"u8)),
            (record, _ => throw new IOException("No space left on device")),
        ]));
        Assert.Equal("No space left on device", e.Message);
        Assert.Equal("old model", File.ReadAllText(model));
        Assert.Equal("old record", File.ReadAllText(record));
        Assert.Equal(new[] { "model.int8.onnx", "quantize.json" }, Directory.GetFileSystemEntries(temp.Path).Select(p => Path.GetFileName(p)).Order().ToArray());
    }
}
