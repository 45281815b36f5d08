using System.Text.Json.Nodes;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cli.Tests;

/// <summary>
/// <c>PPKM_MALLOC</c> end to end, each in its own <c>ppkm train</c> process (glibc's allocator settings are per process):
/// what training.json records for each mode, and the one-line refusal of an unknown one.
/// </summary>
public class HeapSettingsCliTests
{
    private static JsonNode TrainAndReadHeap(TempFolder temp, string? mode)
    {
        var demo = temp.Combine("demo.tsv");
        if (!File.Exists(demo)) DemoDataset.Write(demo, rowsPerClass: 10);
        var model = temp.Combine("tiny");
        if (!Directory.Exists(model)) TinyBert.Write(model, demo);
        var output = temp.Combine($"out-{mode ?? "unset"}");
        var environment = mode is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["PPKM_MALLOC"] = mode };
        var run = PpkmProcess.Run(temp.Path, environment,
            "train", model, "-o", output, "--data", demo, "--epochs", "1", "--lr", "1e-3", "--device", "cpu");
        Assert.True(run.ExitCode == 0, run.Stderr);
        return JsonNode.Parse(File.ReadAllText(Path.Combine(output, "training.json")))!["performance"]!["malloc"]!;
    }

    [Fact]
    public void Reuse_is_the_default_and_glibc_keeps_glibcs_own_settings()
    {
        if (!OperatingSystem.IsLinux()) return; // glibc's mallopt
        using var temp = TestPaths.NewTempFolder();

        var reuse = TrainAndReadHeap(temp, null);
        // 32 MiB: glibc's largest mmap threshold (HEAP_MAX_SIZE / 2 on 64-bit); 2^31 - 1: never trim.
        Assert.Equal(("reuse", 33554432, 2147483647), ((string)reuse["mode"]!, (int)reuse["mmap_threshold_bytes"]!, (int)reuse["trim_threshold_bytes"]!));
        Assert.Null(reuse["failure"]);

        var glibc = TrainAndReadHeap(temp, "glibc");
        Assert.Equal("glibc", (string)glibc["mode"]!);
        Assert.Null(glibc["mmap_threshold_bytes"]);
        Assert.Null(glibc["trim_threshold_bytes"]);
    }

    [Fact]
    public void An_unknown_mode_is_a_one_line_error_before_anything_is_written()
    {
        using var temp = TestPaths.NewTempFolder();
        var demo = temp.Combine("demo.tsv");
        DemoDataset.Write(demo, rowsPerClass: 10);
        var model = TinyBert.Write(temp.Combine("tiny"), demo);
        var output = temp.Combine("out");
        var run = PpkmProcess.Run(temp.Path, new Dictionary<string, string> { ["PPKM_MALLOC"] = "jemalloc" },
            "train", model, "-o", output, "--data", demo, "--epochs", "1", "--device", "cpu");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"ppkm: error: PPKM_MALLOC: expected reuse or glibc, got 'jemalloc'.{Environment.NewLine}", run.Stderr);
        Assert.False(Directory.Exists(output));
    }
}
