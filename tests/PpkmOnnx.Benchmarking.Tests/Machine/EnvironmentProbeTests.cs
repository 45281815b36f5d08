using System.Runtime.Intrinsics.X86;
using PpkmOnnx.Benchmarking.Machine;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Benchmarking.Tests.Machine;

public class EnvironmentProbeTests
{
    [SkippableFact]
    public void Instruction_sets_agree_with_the_kernel_flags()
    {
        Skip.IfNot(File.Exists("/proc/cpuinfo") && X86Base.IsSupported, "needs an x86 Linux machine");
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(':')[1]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var sets = EnvironmentProbe.InstructionSets();
        Assert.Equal(flags.Contains("avx2"), sets.Contains("AVX2"));
        Assert.Equal(flags.Contains("avx512f"), sets.Contains("AVX-512F"));
        Assert.Equal(flags.Contains("avx512_vnni"), sets.Contains("AVX-512-VNNI"));
        Assert.Equal(flags.Contains("avx_vnni"), sets.Contains("AVX-VNNI"));
        Assert.Equal(flags.Contains("avx512_bf16"), sets.Contains("AVX-512-BF16"));
        Assert.Equal(flags.Contains("amx_bf16"), sets.Contains("AMX-BF16"));
        Assert.Equal(flags.Contains("amx_int8"), sets.Contains("AMX-INT8"));
        var vendor = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("vendor_id", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
        Assert.Equal(vendor, Core.Platform.CpuFeatures.Current.Vendor);
        var model = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("model name", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
        Assert.Equal(model, EnvironmentProbe.CpuModel());
    }

    [Fact]
    public void The_record_names_the_requested_and_used_providers_and_the_commit()
    {
        var env = EnvironmentProbe.Capture("auto", ["CPU", "CPU"], 3, "0.107.0", TestPaths.RepositoryRoot);
        Assert.Equal(["CPU"], env.ExecutionProvidersUsed);
        Assert.Equal(3, env.IntraOpThreads);
        Assert.Null(env.GpuName);
        Assert.Equal("0.107.0", env.TorchSharpVersion);
        // A git checkout (.git is a folder, or a file in a worktree) has a commit; only a source copy without .git has none.
        var dotGit = Path.Combine(TestPaths.RepositoryRoot, ".git");
        if (Directory.Exists(dotGit) || File.Exists(dotGit)) Assert.Matches("^[0-9a-f]{40}$", env.GitCommit);
        else Assert.Null(env.GitCommit);
        using var outside = TestPaths.NewTempFolder();
        Assert.Null(EnvironmentProbe.Capture("cpu", ["CPU"], null, null, outside.Path).GitCommit);
    }
}
