using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Server.Models;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Server.Tests;

public sealed class ModelRegistrationTests
{
    [Fact]
    public void Parses_name_path_and_variant()
    {
        Assert.Equal(new ModelRegistration("a", "/m/pkg", ModelVariant.Int8), ModelRegistration.Parse("a=/m/pkg:int8"));
        Assert.Equal(new ModelRegistration("b", "/m/pkg"), ModelRegistration.Parse("b=/m/pkg"));
        Assert.Equal(new ModelRegistration("pkg-fp16", "/m/pkg", ModelVariant.Fp16), ModelRegistration.Parse("/m/pkg:fp16"));
        Assert.Equal(new ModelRegistration("c", "/m/pkg", ModelVariant.Int8Static), ModelRegistration.Parse("c=/m/pkg:int8-static"));
    }

    [Theory]
    [InlineData("a=/m/pkg:int4", "unknown model variant")]
    [InlineData("a=", "Model: 'a=' has no package path")]
    [InlineData("=/m/pkg", "Model: '=/m/pkg' has an empty model name")]
    [InlineData("", "Model: empty value")]
    public void Rejects_bad_specs(string spec, string message) =>
        Assert.Contains(message, Assert.ThrowsAny<UserInputException>(() => ModelRegistration.Parse(spec)).Message);

    [Fact]
    public void Reads_a_models_file_relative_to_itself()
    {
        using var temp = TestPaths.NewTempFolder();
        var file = temp.Combine("models.json");
        File.WriteAllText(file, "{\"models\": [{\"name\": \"x\", \"path\": \"pkg\", \"variant\": \"int8\"}, {\"name\": \"y\", \"path\": \"/abs\"}]}");
        var models = ModelRegistration.LoadFile(file);
        Assert.Equal([new ModelRegistration("x", temp.Combine("pkg"), ModelVariant.Int8), new ModelRegistration("y", "/abs")], models);

        File.WriteAllText(file, "[{\"name\": \"x\"}]");
        Assert.Contains("models[0] has no \"path\"", Assert.Throws<UserInputException>(() => ModelRegistration.LoadFile(file)).Message);
        File.WriteAllText(file, "{");
        Assert.Contains("not valid JSON", Assert.Throws<UserInputException>(() => ModelRegistration.LoadFile(file)).Message);
        File.WriteAllText(file, "[{\"name\": \"x\", \"path\": \"p\", \"variant\": \"bf16\"}]");
        Assert.Contains("unknown model variant", Assert.Throws<UserInputException>(() => ModelRegistration.LoadFile(file)).Message);
        // A field of the wrong type is refused, not read as absent (which would serve fp32 for "variant": 7).
        File.WriteAllText(file, "[{\"name\": \"x\", \"path\": \"p\", \"variant\": 7}]");
        Assert.Equal($"{file}: models[0].variant: must be a string, got 7.", Assert.Throws<UserInputException>(() => ModelRegistration.LoadFile(file)).Message);
        File.WriteAllText(file, "[{\"name\": [\"x\"], \"path\": \"p\"}]");
        Assert.Equal($"{file}: models[0].name: must be a string, got [\"x\"].", Assert.Throws<UserInputException>(() => ModelRegistration.LoadFile(file)).Message);
    }

    [Fact]
    public void Server_options_reject_duplicates_and_empty_model_lists()
    {
        Assert.Equal("Models: no model to serve.", Assert.Throws<InvalidSettingException>(() => new PpkmOnnx.Server.ServerOptions().Validate()).Message);
        var twice = new PpkmOnnx.Server.ServerOptions { Models = [new("a", "/x"), new("a", "/y")] };
        Assert.Contains("given twice", Assert.Throws<UserInputException>(() => twice.Validate()).Message);
        var noSlots = new PpkmOnnx.Server.ServerOptions { Models = [new("a", "/x")], ConcurrentBatches = 0 };
        Assert.Contains("concurrent batches must be at least 1", Assert.Throws<ArgumentException>(() => noSlots.Validate()).Message);
        var negativeRuns = new PpkmOnnx.Server.ServerOptions { Models = [new("a", "/x")], ParallelRuns = -1 };
        Assert.Contains("parallel runs cannot be negative", Assert.Throws<ArgumentException>(() => negativeRuns.Validate()).Message);
    }

    [Theory]
    [InlineData("bert", true)]
    [InlineData("distilbert-int8.v2_b", true)]
    [InlineData("my model", false)]
    [InlineData("../etc", false)]
    [InlineData("-flag", false)]
    [InlineData("naïve", false)]
    [InlineData("a\nb", false)]
    public void Model_names_must_be_safe_identifiers(string name, bool safe)
    {
        Assert.Equal(safe, ModelRegistration.IsSafeName(name));
        var options = new PpkmOnnx.Server.ServerOptions { Models = [new(name, "/x")] };
        if (safe) options.Validate();
        else Assert.Contains("not a safe identifier", Assert.Throws<UserInputException>(options.Validate).Message);
    }

    [Fact]
    public void Automatic_threading_gives_each_processor_one_single_threaded_run_unless_told_otherwise()
    {
        var auto = new PpkmOnnx.Server.ServerOptions();
        Assert.Equal(Environment.ProcessorCount, auto.EffectiveParallelRuns);
        Assert.Equal(Environment.ProcessorCount > 1 ? 1 : 0, auto.EffectiveIntraOpThreads);
        var latency = new PpkmOnnx.Server.ServerOptions { ParallelRuns = 1 };
        Assert.Equal((1, 0), (latency.EffectiveParallelRuns, latency.EffectiveIntraOpThreads));
        var explicitThreads = new PpkmOnnx.Server.ServerOptions { ParallelRuns = 3, IntraOpThreads = 2 };
        Assert.Equal((3, 2), (explicitThreads.EffectiveParallelRuns, explicitThreads.EffectiveIntraOpThreads));
    }
}
