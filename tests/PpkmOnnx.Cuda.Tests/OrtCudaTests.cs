using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Runtime;
using PpkmOnnx.Runtime.Sessions;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Cuda.Tests;

/// <summary>ONNX Runtime's CUDA execution provider classifies as the CPU provider does.</summary>
[Trait("Category", "Cuda")]
public sealed class OrtCudaTests
{
    private static readonly string[] Texts =
    [
        "ppkm bagus",
        "kasus corona naik lagi di jakarta!",
        "warga tidak suka pasar sepi",
        "bantuan sosial sangat bagus, senang",
        "pemerintah kerja lagi?",
        "vaksin di rumah aja",
    ];

    /// <summary>
    /// Opens the package with CUDA explicitly; an explicit request that cannot be met throws
    /// <see cref="UserInputException"/> wrapping ONNX Runtime's error (no CUDA 13 / cuDNN libraries, no GPU), which skips the
    /// test with its message.
    /// </summary>
    private static SentimentClassifier LoadOnCudaOrSkip(string folder)
    {
        try
        {
            return SentimentClassifier.Load(folder, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cuda });
        }
        catch (UserInputException e) when (e.InnerException is OnnxRuntimeException)
        {
            throw new SkipException($"SentimentClassifier.Load with ExecutionProvider=Cuda refused: {e.Message} " +
                "(Microsoft.ML.OnnxRuntime.Gpu.Linux needs an NVIDIA GPU plus CUDA 13 and cuDNN 9 libraries on the loader path.)");
        }
    }

    /// <summary>
    /// How many graph nodes each execution provider ran in one inference of the package's model, read from ONNX Runtime's
    /// own profile of a session that <see cref="OrtSessionFactory"/> opened (the factory SentimentClassifier loads through).
    /// The provider label the factory reports is our own claim; the profile is ONNX Runtime's record of the kernels it ran.
    /// </summary>
    private static Dictionary<string, int> NodesRunPerProvider(string folder, TinyPackage package, ExecutionProviderPreference preference, out string reportedProvider)
    {
        string modelPath = ModelPackageLayout.ModelPath(folder, ModelVariant.Fp32);
        using var handle = OrtSessionFactory.Create(new SessionSettings { ExecutionProvider = preference }, (options, provider) =>
        {
            options.EnableProfiling = true;
            options.ProfileOutputPathPrefix = Path.Combine(folder, $"ort-profile-{provider}");
            return new InferenceSession(modelPath, options);
        }, modelPath);
        reportedProvider = handle.Provider;

        long[] ids = package.TokenIds(folder, Texts[1]).Select(i => (long)i).ToArray();
        long[] shape = [1, ids.Length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, ids.Length).ToArray(), shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape);
        var inputs = new Dictionary<string, OrtValue> { ["input_ids"] = idsValue, ["attention_mask"] = maskValue };
        if (package.WithTokenTypeIds) inputs["token_type_ids"] = typesValue;
        using (var runOptions = new RunOptions())
        using (handle.Session.Run(runOptions, inputs, handle.Session.OutputNames)) { }
        string profile = handle.Session.EndProfiling();

        // Chrome trace format: one "Node" event per kernel run, its provider in args.provider.
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in JsonNode.Parse(File.ReadAllText(profile))!.AsArray())
        {
            if ((string?)e?["cat"] != "Node" || e["args"]?["provider"] is not JsonNode provider) continue;
            counts[(string)provider!] = counts.GetValueOrDefault((string)provider!) + 1;
        }
        return counts;
    }

    [SkippableFact]
    public void Cuda_provider_classifies_like_the_cpu_provider()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = TinyPackage.Create(seed: 4);
        package.WriteTo(temp.Path);
        using var cuda = LoadOnCudaOrSkip(temp.Path);
        Assert.Equal(SentimentClassifier.CudaProviderName, cuda.ExecutionProvider);
        // CUDA really ran kernels, by ONNX Runtime's own profile, not only our label.
        var ran = NodesRunPerProvider(temp.Path, package, ExecutionProviderPreference.Cuda, out var reported);
        Assert.Equal(OrtSessionFactory.CudaProviderName, reported);
        Assert.True(ran.GetValueOrDefault(OrtSessionFactory.CudaProviderName) > 0, $"no node ran on CUDA: {string.Join(", ", ran)}");
        using var cpu = SentimentClassifier.Load(temp.Path, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu });
        Assert.Equal(SentimentClassifier.CpuProviderName, cpu.ExecutionProvider);

        var onGpu = cuda.Classify(Texts);
        var onCpu = cpu.Classify(Texts);
        for (int i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(onCpu[i].Label, onGpu[i].Label);
            Assert.True(onCpu[i].Logits.Zip(onGpu[i].Logits).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4, $"logits of '{Texts[i]}' differ between CPU and CUDA");
            // And both against the package's own C# computation of its logits.
            var expected = package.ExpectedLogits(temp.Path, Texts[i]);
            Assert.True(expected.Zip(onGpu[i].Logits).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4, $"CUDA logits of '{Texts[i]}' differ from the reference");
        }
    }

    /// <summary>
    /// Auto picks CUDA exactly where there is a GPU it can use: without an NVIDIA GPU (by the kernel's device nodes) it must
    /// run on CPU; with one, it must run on CUDA, by its label and by ONNX Runtime's profile. A GPU without the CUDA 13 /
    /// cuDNN 9 libraries skips, as the explicit CUDA test does: whether those should be present is not the test's to know.
    /// </summary>
    [SkippableFact]
    public void Auto_provider_runs_on_cuda_where_there_is_a_gpu_and_on_cpu_where_there_is_none()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = TinyPackage.Create(seed: 5);
        package.WriteTo(temp.Path);
        bool gpu = TestMachine.NvidiaGpuPresent();
        if (gpu) LoadOnCudaOrSkip(temp.Path).Dispose();
        string expected = gpu ? OrtSessionFactory.CudaProviderName : OrtSessionFactory.CpuProviderName;

        using var auto = SentimentClassifier.Load(temp.Path, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Auto });
        Assert.Equal(expected, auto.ExecutionProvider);
        var ran = NodesRunPerProvider(temp.Path, package, ExecutionProviderPreference.Auto, out var reported);
        Assert.Equal(expected, reported);
        if (gpu)
            Assert.True(ran.GetValueOrDefault(OrtSessionFactory.CudaProviderName) > 0, $"no node ran on CUDA: {string.Join(", ", ran)}");
        else
            Assert.Equal([OrtSessionFactory.CpuProviderName], ran.Keys);

        var result = auto.Classify(Texts[0]);
        var logits = package.ExpectedLogits(temp.Path, Texts[0]);
        Assert.True(logits.Zip(result.Logits).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4);
    }
}
