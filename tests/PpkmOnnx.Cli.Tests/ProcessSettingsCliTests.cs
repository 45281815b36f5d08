using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cli.Tests;

/// <summary>
/// The per-process settings a training run applies before its first GEMM and allocation, end to end, each in its own
/// <c>ppkm train</c> process: <c>PPKM_MKL_KERNELS</c> (oneMKL settles its kernels once per process) and
/// <c>PPKM_MALLOC</c> (glibc's heap thresholds). <c>PPKM_MKL_KERNELS=generic</c> answers oneMKL's vendor check with "not
/// Intel" and must send it to its generic path (code path 0) even on an Intel CPU: the proof that the redirect reaches
/// libtorch's oneMKL, in the direction every CPU can show.
/// </summary>
public class ProcessSettingsCliTests
{
    /// <summary>training.json's <c>performance</c> of a one-epoch run of the tiny model under <paramref name="environment"/>.</summary>
    private static JsonNode TrainAndReadPerformance(TempFolder temp, string run, Dictionary<string, string> environment)
    {
        var demo = temp.Combine("demo.tsv");
        if (!File.Exists(demo)) DemoDataset.Write(demo, rowsPerClass: 10);
        var model = temp.Combine("tiny");
        if (!Directory.Exists(model)) TinyBert.Write(model, demo);
        var output = temp.Combine($"out-{run}");
        var result = PpkmProcess.Run(temp.Path, environment,
            "train", model, "-o", output, "--data", demo, "--epochs", "1", "--lr", "1e-3", "--device", "cpu");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonNode.Parse(File.ReadAllText(Path.Combine(output, "training.json")))!["performance"]!;
    }

    [Fact]
    public void Generic_sends_onemkl_to_its_generic_path_and_auto_to_an_instruction_set_path()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !CpuFeatures.Current.Avx2) return; // libtorch's oneMKL is x86-64; auto needs AVX2
        using var temp = TestPaths.NewTempFolder();

        var generic = TrainAndReadPerformance(temp, "generic", new() { ["PPKM_MKL_KERNELS"] = "generic" })["mkl_kernels"]!;
        Assert.Equal(("generic", "answered not Intel", 0), ((string)generic["mode"]!, (string)generic["vendor_check"]!, (int)generic["code_path"]!));
        Assert.Null(generic["failure"]);

        var auto = TrainAndReadPerformance(temp, "auto", new() { ["PPKM_MKL_KERNELS"] = "auto" })["mkl_kernels"]!;
        var expected = CpuFeatures.Current.Vendor == "GenuineIntel" ? "asked the CPU" : "answered Intel";
        Assert.Equal(("auto", expected), ((string)auto["mode"]!, (string)auto["vendor_check"]!));
        Assert.True((int)auto["code_path"]! > 0, $"oneMKL stayed on its generic path: {auto.ToJsonString()}");
    }

    [Fact]
    public void The_heap_reuses_its_pages_by_default_and_glibc_keeps_glibcs_own_settings()
    {
        if (!OperatingSystem.IsLinux()) return; // glibc's mallopt
        using var temp = TestPaths.NewTempFolder();

        var reuse = TrainAndReadPerformance(temp, "unset", new())["malloc"]!;
        // 32 MiB: glibc's largest mmap threshold (HEAP_MAX_SIZE / 2 on 64-bit); 2^31 - 1: never trim.
        Assert.Equal(("reuse", 33554432, 2147483647), ((string)reuse["mode"]!, (int)reuse["mmap_threshold_bytes"]!, (int)reuse["trim_threshold_bytes"]!));
        Assert.Null(reuse["failure"]);

        var glibc = TrainAndReadPerformance(temp, "glibc", new() { ["PPKM_MALLOC"] = "glibc" })["malloc"]!;
        Assert.Equal("glibc", (string)glibc["mode"]!);
        Assert.Null(glibc["mmap_threshold_bytes"]);
        Assert.Null(glibc["trim_threshold_bytes"]);
    }

    [Theory]
    [InlineData("PPKM_MKL_KERNELS", "fastest", "expected auto, vendor or generic, got 'fastest'.")]
    [InlineData("PPKM_MALLOC", "jemalloc", "expected reuse or glibc, got 'jemalloc'.")]
    public void An_unknown_mode_is_a_one_line_error_before_anything_is_written(string variable, string value, string message)
    {
        using var temp = TestPaths.NewTempFolder();
        var demo = temp.Combine("demo.tsv");
        DemoDataset.Write(demo, rowsPerClass: 10);
        var model = TinyBert.Write(temp.Combine("tiny"), demo);
        var output = temp.Combine("out");
        var run = PpkmProcess.Run(temp.Path, new Dictionary<string, string> { [variable] = value },
            "train", model, "-o", output, "--data", demo, "--epochs", "1", "--device", "cpu");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"ppkm: error: {variable}: {message}{Environment.NewLine}", run.Stderr);
        Assert.False(Directory.Exists(output));
    }
}
