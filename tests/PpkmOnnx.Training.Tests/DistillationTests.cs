using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Distillation;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;

namespace PpkmOnnx.Training.Tests;

public class DistillationTests
{
    [Fact]
    public void StudentReproducesTheTeachersEmbeddingsAndCopiedLayerForTokenTypeZero()
    {
        torch.manual_seed(21);
        using var teacher = BertForSequenceClassification.Create(TinyModels.Bert(layers: 2));
        using (torch.no_grad()) foreach (var p in teacher.parameters()) p.add_(torch.randn_like(p) * 0.05);
        Assert.Equal(new[] { 0 }, StudentBuilder.DefaultLayers(2));
        Assert.Equal(new[] { 0, 2, 4 }, StudentBuilder.DefaultLayers(6));
        using var student = StudentBuilder.FromTeacher(teacher);
        Assert.Equal(ModelArchitecture.DistilBert, student.Config.Architecture);
        Assert.Equal(1, student.Config.NumHiddenLayers);
        teacher.eval();
        student.eval();
        var ids = torch.tensor(new long[] { 2, 5, 9, 11, 3, 2, 6, 3, 0, 0 }, new long[] { 2, 5 });
        var mask = torch.tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, new long[] { 2, 5 });
        var types = torch.zeros(2, 5, dtype: torch.int64);
        var teacherStates = new List<torch.Tensor>();
        var studentStates = new List<torch.Tensor>();
        using (torch.no_grad())
        {
            teacher.Encode(ids, mask, types, teacherStates);
            student.Encode(ids, mask, types, studentStates);
        }
        Assert.Equal(3, teacherStates.Count);
        Assert.Equal(2, studentStates.Count);
        Assert.True(teacherStates[0].allclose(studentStates[0], rtol: 0, atol: 1e-5), "embedding outputs differ");
        Assert.True(teacherStates[1].allclose(studentStates[1], rtol: 0, atol: 1e-4), "layer-0 outputs differ");
        Assert.False(teacherStates[2].allclose(studentStates[1], rtol: 0, atol: 1e-4)); // layer 1 was not copied
        // Head: pre_classifier ← pooler dense, classifier ← classifier.
        var t = teacher.NamedTensors();
        var s = student.NamedTensors();
        Assert.Equal(t["bert.pooler.dense.weight"].Data, s["pre_classifier.weight"].Data);
        Assert.Equal(t["classifier.bias"].Data, s["classifier.bias"].Data);
    }

    [Fact]
    public void StudentLayerMapPicksTheNamedTeacherLayers()
    {
        torch.manual_seed(22);
        using var teacher = BertForSequenceClassification.Create(TinyModels.Bert(layers: 2));
        using var student = StudentBuilder.FromTeacher(teacher, new[] { 1 });
        Assert.Equal(teacher.NamedTensors()["bert.encoder.layer.1.intermediate.dense.weight"].Data,
            student.NamedTensors()["distilbert.transformer.layer.0.ffn.lin1.weight"].Data);
        Assert.Contains("outside the teacher's 0..1", Assert.Throws<ArgumentException>(() => StudentBuilder.FromTeacher(teacher, new[] { 2 })).Message);
        using var distil = DistilBertForSequenceClassification.Create(TinyModels.DistilBert());
        Assert.Contains("must be a BERT model", Assert.Throws<ArgumentException>(() => StudentBuilder.FromTeacher(distil)).Message);
    }

    [Fact]
    public void DistillationLossMatchesAHandComputation()
    {
        var student = new double[,] { { 1.0, -0.5, 0.25 }, { 0.1, 0.2, 2.0 } };
        var teacher = new double[,] { { 2.0, 0.0, -1.0 }, { -0.3, 0.4, 1.1 } };
        var labels = new[] { 0, 2 };
        double T = 2.0, alpha = 0.3;
        double kl = 0, ce = 0;
        for (int r = 0; r < 2; r++)
        {
            double[] Soft(double[,] z, double temp)
            {
                var e = Enumerable.Range(0, 3).Select(c => Math.Exp(z[r, c] / temp)).ToArray();
                return e.Select(v => v / e.Sum()).ToArray();
            }
            var pt = Soft(teacher, T);
            var ps = Soft(student, T);
            for (int c = 0; c < 3; c++) kl += pt[c] * Math.Log(pt[c] / ps[c]);
            ce += -Math.Log(Soft(student, 1.0)[labels[r]]);
        }
        double expected = alpha * T * T * kl / 2 + (1 - alpha) * ce / 2;

        var s = torch.tensor(new float[] { 1.0f, -0.5f, 0.25f, 0.1f, 0.2f, 2.0f }, new long[] { 2, 3 });
        var t = torch.tensor(new float[] { 2.0f, 0.0f, -1.0f, -0.3f, 0.4f, 1.1f }, new long[] { 2, 3 });
        var loss = DistillationLoss.Compute(s, t, torch.tensor(new long[] { 0, 2 }), T, alpha);
        Assert.Equal(expected, loss.item<float>(), 5);
        // α = 0 is plain cross-entropy; identical logits give zero KL.
        Assert.Equal(ce / 2, DistillationLoss.Compute(s, t, torch.tensor(new long[] { 0, 2 }), T, 0.0).item<float>(), 5);
        Assert.Equal(0.0, DistillationLoss.Compute(s, s, torch.tensor(new long[] { 0, 2 }), T, 1.0).item<float>(), 6);
    }

    [Fact]
    public void DistillingAFineTunedTeacherGivesAnAccurateStudentCheckpoint()
    {
        using var temp = TestPaths.NewTempFolder();
        var baseDir = TinyModels.SaveFresh(TinyModels.Bert(layers: 2), temp.Combine("base"));
        var data = TinyModels.SeparableSplits();
        var teacherOptions = TinyModels.FastOptions(baseDir, temp.Combine("teacher")) with { Epochs = 4, LearningRate = 5e-3 };
        var teacher = SequenceClassifierTrainer.Run(teacherOptions, data);
        Assert.True(teacher.Test!.Accuracy >= 0.9, $"teacher accuracy {teacher.Test.Accuracy}");

        var options = new DistillationRunOptions
        {
            Training = TinyModels.FastOptions(temp.Combine("teacher"), temp.Combine("student")) with { Epochs = 2, LearningRate = 2e-3 },
        };
        var result = Distiller.Run(options, data);
        Assert.True(result.Test!.Accuracy >= 0.85, $"student accuracy {result.Test.Accuracy}");
        Assert.True(result.TrainableParameters < teacher.TrainableParameters);
        var json = JsonNode.Parse(File.ReadAllText(temp.Combine("student", "training.json")))!;
        Assert.Equal("distill", json["stage"]!.GetValue<string>());
        Assert.Equal(Path.GetFullPath(temp.Combine("teacher")), json["teacher"]!.GetValue<string>());
        Assert.Equal(2.0, json["distillation"]!["temperature"]!.GetValue<double>());
        Assert.Equal(0.5, json["distillation"]!["alpha"]!.GetValue<double>());
        using var loaded = CheckpointLoader.Load(temp.Combine("student"));
        Assert.IsType<DistilBertForSequenceClassification>(loaded.Model);
        Assert.Equal(ModelArchitecture.DistilBert, ModelConfig.Load(temp.Combine("student")).Architecture);

        string[] otherNames = ["neg", "pos"];
        var wrongLabels = data with
        {
            Train = data.Train with { LabelNames = otherNames },
            Validation = data.Validation with { LabelNames = otherNames },
            Test = data.Test with { LabelNames = otherNames },
        };
        Assert.Contains("differ from the data's", Assert.Throws<UserInputException>(() => Distiller.Run(options, wrongLabels)).Message);
    }
}
