using Google.Protobuf;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Onnx.Export;
using PpkmOnnx.Onnx.Tests.Support;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests;

/// <summary>
/// The exact bytes <see cref="TransformerGraphWriter"/> writes for tiny checkpoints: a refactor of the writer must not
/// change one byte. The hashes were taken from the writer at main 2cb6e1e (before its steps were made explicit); a
/// deliberate change to the graph updates them together with the reason in the commit.
/// </summary>
public sealed class GraphBytesTests
{
    private static readonly string[] Labels = { "negative", "neutral", "positive" };

    [Theory]
    [InlineData(ModelArchitecture.Bert, GraphFlavour.Standard, "gelu", true, "d2b7e6709481995eef07c5b3745395c62e06782c6c410959d4fae8dcb208ea1b")]
    [InlineData(ModelArchitecture.Bert, GraphFlavour.Fused, "gelu", true, "c5195d78c938960f83186945be7c9148c058980945da60c53b1f85e25e7a632f")]
    [InlineData(ModelArchitecture.DistilBert, GraphFlavour.Standard, "gelu", true, "6056d370c550a650135d79023197a47a89f149ddaad436975d54a80c8f3ccf08")]
    [InlineData(ModelArchitecture.DistilBert, GraphFlavour.Fused, "gelu", true, "3019efeb05e1d8b7009bedbbb2962bf879865702958c22261fa5a9476fdb2696")]
    [InlineData(ModelArchitecture.Bert, GraphFlavour.Standard, "gelu_new", true, "6b4147b576702d52bb557cf4ff5ebbc75f92cf20936d86c7915b5f0424c75d7d")]
    [InlineData(ModelArchitecture.Bert, GraphFlavour.Fused, "gelu_new", true, "6a851210231331033e29fd4724a840fd5c7548da34ffaffd4c078e5bb6a9f8de")]
    [InlineData(ModelArchitecture.DistilBert, GraphFlavour.Standard, "relu", true, "b39197ccdf29e14477237da49582ce55488bb22a3872c9afbde5d543b90a41bc")]
    [InlineData(ModelArchitecture.DistilBert, GraphFlavour.Fused, "relu", true, "703428bf5859e5e801d373477adf1086d42fe2f3ab7a171ee66399be1312efdd")]
    [InlineData(ModelArchitecture.Bert, GraphFlavour.Standard, "gelu", false, "30a2da93ec092af1be5176fc865df093226912cdb0af6084b51594f0c2806830")]
    [InlineData(ModelArchitecture.Bert, GraphFlavour.Fused, "gelu", false, "9f6a8d145b8eed3e3d6dfa324e6921d8af5550a0fdba046b309d631546ce8656")]
    public void Tiny_graph_bytes_are_pinned(ModelArchitecture architecture, GraphFlavour flavour, string activation, bool classifier, string expectedSha256)
    {
        using var temp = TestPaths.NewTempFolder();
        var checkpoint = temp.Combine("ckpt");
        TinyCheckpoint.Write(checkpoint, architecture, classifier ? Labels : null, seed: 11, activation: activation);
        var model = TransformerGraphWriter.Write(CheckpointReader.Read(checkpoint), flavour, "tiny").Build();
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model.ToByteArray()));
        Assert.Equal(expectedSha256, sha);
    }
}
