using Onnx;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.Validation;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// Observes float activations by running ONNX Runtime on calibration batches with the wanted intermediate
/// tensors added as graph outputs, and turns what it saw into ranges (MinMax, Percentile or Entropy).
/// Deterministic: fixed batches in a fixed order, fixed histogram bins.
/// </summary>
internal static class ActivationCalibrator
{
    private const int Bins = 2048;

    public static Dictionary<string, (float Min, float Max)> Calibrate(ModelProto source, IReadOnlyList<string> tensors,
        IReadOnlyList<EncodedBatch> batches, CalibrationMethod method, double percentile, CancellationToken cancellationToken = default)
    {
        if (batches.Count == 0) throw new UserInputException("static quantization needs calibration texts (none given).");
        var model = source.Clone();
        var existing = model.Graph.Output.Select(o => o.Name).ToHashSet();
        foreach (var t in tensors)
            if (existing.Add(t)) model.Graph.Output.Add(QuantProto.FloatValueInfo(t));
        using var runner = OnnxModelRunner.Open(QuantProto.ToBytes(model), optimization: Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_BASIC, logSeverity: Microsoft.ML.OnnxRuntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);

        var min = tensors.ToDictionary(t => t, _ => float.PositiveInfinity);
        var max = tensors.ToDictionary(t => t, _ => float.NegativeInfinity);
        foreach (var batch in batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var outs = runner.Run(batch, tensors);
            for (int i = 0; i < tensors.Count; i++)
            {
                float lo = min[tensors[i]], hi = max[tensors[i]];
                foreach (var v in outs[i].Values) { if (v < lo) lo = v; if (v > hi) hi = v; }
                min[tensors[i]] = lo; max[tensors[i]] = hi;
            }
        }
        var ranges = tensors.ToDictionary(t => t, t => (Math.Min(min[t], 0f), Math.Max(max[t], 0f)));
        if (method == CalibrationMethod.MinMax) return ranges;

        // Second pass: histograms over the observed range (signed for Percentile, |x| for Entropy).
        var hist = tensors.ToDictionary(t => t, _ => new long[Bins]);
        foreach (var batch in batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var outs = runner.Run(batch, tensors);
            for (int i = 0; i < tensors.Count; i++)
            {
                var (lo, hi) = ranges[tensors[i]];
                var h = hist[tensors[i]];
                if (method == CalibrationMethod.Percentile)
                {
                    float width = (hi - lo) / Bins;
                    if (width <= 0) continue;
                    foreach (var v in outs[i].Values) h[Math.Clamp((int)((v - lo) / width), 0, Bins - 1)]++;
                }
                else
                {
                    float width = Math.Max(-lo, hi) / Bins;
                    if (width <= 0) continue;
                    foreach (var v in outs[i].Values) h[Math.Clamp((int)(MathF.Abs(v) / width), 0, Bins - 1)]++;
                }
            }
        }
        var result = new Dictionary<string, (float, float)>();
        foreach (var t in tensors)
        {
            var (lo, hi) = ranges[t];
            var h = hist[t];
            if (method == CalibrationMethod.Percentile)
            {
                float width = (hi - lo) / Bins;
                long total = h.Sum();
                if (total == 0 || width <= 0) { result[t] = (lo, hi); continue; }
                double tail = (1 - percentile / 100.0) / 2 * total;
                int first = 0; double acc = 0;
                while (first < Bins - 1 && acc + h[first] <= tail) acc += h[first++];
                int last = Bins - 1; acc = 0;
                while (last > 0 && acc + h[last] <= tail) acc += h[last--];
                float newLo = lo + first * width, newHi = lo + (last + 1) * width;
                result[t] = (Math.Min(newLo, 0f), Math.Max(newHi, 0f));
            }
            else
            {
                float width = Math.Max(-lo, hi) / Bins;
                if (width <= 0) { result[t] = (lo, hi); continue; }
                float threshold = EntropyThreshold(h) * width;
                result[t] = (Math.Max(lo, -threshold), Math.Min(hi, threshold));
            }
        }
        return result;
    }

    /// <summary>
    /// TensorRT's KL-divergence calibration on a histogram of |x|: for each candidate clip bin i ≥ 128, fold the
    /// outliers into bin i−1, requantize the first i bins to 128 levels and keep the i with the smallest KL(P‖Q).
    /// Returns the clip point in bins.
    /// </summary>
    internal static int EntropyThreshold(long[] histogram)
    {
        const int levels = 128;
        int n = histogram.Length;
        int best = n;
        double bestKl = double.PositiveInfinity;
        for (int i = levels; i <= n; i++)
        {
            var p = new double[i];
            for (int j = 0; j < i; j++) p[j] = histogram[j];
            for (int j = i; j < n; j++) p[i - 1] += histogram[j];
            double pSum = p.Sum();
            if (pSum == 0) continue;
            var q = new double[i];
            double binsPerLevel = (double)i / levels;
            for (int level = 0; level < levels; level++)
            {
                int start = (int)(level * binsPerLevel), end = level == levels - 1 ? i : (int)((level + 1) * binsPerLevel);
                double sum = 0; int nonZero = 0;
                for (int j = start; j < end; j++) { sum += histogram[j]; if (histogram[j] != 0) nonZero++; }
                if (nonZero == 0) continue;
                for (int j = start; j < end; j++) if (histogram[j] != 0) q[j] = sum / nonZero;
            }
            double qSum = q.Sum();
            if (qSum == 0) continue;
            double kl = 0;
            for (int j = 0; j < i; j++)
            {
                if (p[j] == 0) continue;
                double pj = p[j] / pSum, qj = q[j] / qSum;
                kl += qj == 0 ? pj * 20 : pj * Math.Log(pj / qj);
            }
            if (kl < bestKl) { bestKl = kl; best = i; }
        }
        return best;
    }
}
