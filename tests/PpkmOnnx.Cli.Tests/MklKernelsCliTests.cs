using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cli.Tests;

/// <summary>
/// <c>PPKM_MKL_KERNELS</c> end to end, each in its own <c>ppkm train</c> process (oneMKL settles its kernels once per
/// process). <c>generic</c> answers oneMKL's vendor check with "not Intel" and must send it to its generic path (code path
/// 0) even on an Intel CPU: the proof that the redirect reaches libtorch's oneMKL, in the direction every CPU can show.
/// </summary>
public class MklKernelsCliTests
{
    private static JsonNode TrainAndReadMkl(TempFolder temp, string mode)
    {
        var demo = temp.Combine("demo.tsv");
        if (!File.Exists(demo)) DemoDataset.Write(demo, rowsPerClass: 10);
        var model = temp.Combine("tiny");
        if (!Directory.Exists(model)) TinyBert.Write(model, demo);
        var output = temp.Combine($"out-{mode}");
        var run = PpkmProcess.Run(temp.Path, new Dictionary<string, string> { ["PPKM_MKL_KERNELS"] = mode },
            "train", model, "-o", output, "--data", demo, "--epochs", "1", "--lr", "1e-3", "--device", "cpu");
        Assert.True(run.ExitCode == 0, run.Stderr);
        return JsonNode.Parse(File.ReadAllText(Path.Combine(output, "training.json")))!["performance"]!["mkl_kernels"]!;
    }

    [Fact]
    public void Generic_sends_onemkl_to_its_generic_path_and_auto_to_an_instruction_set_path()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !CpuFeatures.Current.Avx2) return; // libtorch's oneMKL is x86-64; auto needs AVX2
        using var temp = TestPaths.NewTempFolder();

        var generic = TrainAndReadMkl(temp, "generic");
        Assert.Equal(("generic", "answered not Intel", 0), ((string)generic["mode"]!, (string)generic["vendor_check"]!, (int)generic["code_path"]!));
        Assert.Null(generic["failure"]);

        var auto = TrainAndReadMkl(temp, "auto");
        var expected = CpuFeatures.Current.Vendor == "GenuineIntel" ? "asked the CPU" : "answered Intel";
        Assert.Equal(("auto", expected), ((string)auto["mode"]!, (string)auto["vendor_check"]!));
        Assert.True((int)auto["code_path"]! > 0, $"oneMKL stayed on its generic path: {auto.ToJsonString()}");
    }

    [Fact]
    public void An_unknown_mode_is_a_one_line_error_before_anything_is_written()
    {
        using var temp = TestPaths.NewTempFolder();
        var demo = temp.Combine("demo.tsv");
        DemoDataset.Write(demo, rowsPerClass: 10);
        var model = TinyBert.Write(temp.Combine("tiny"), demo);
        var output = temp.Combine("out");
        var run = PpkmProcess.Run(temp.Path, new Dictionary<string, string> { ["PPKM_MKL_KERNELS"] = "fastest" },
            "train", model, "-o", output, "--data", demo, "--epochs", "1", "--device", "cpu");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"ppkm: error: PPKM_MKL_KERNELS: expected auto, vendor or generic, got 'fastest'.{Environment.NewLine}", run.Stderr);
        Assert.False(Directory.Exists(output));
    }
}
