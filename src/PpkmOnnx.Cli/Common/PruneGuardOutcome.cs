using PpkmOnnx.Onnx.Quantization;

namespace PpkmOnnx.Cli.Common;

/// <summary>What <see cref="PruneGuard"/> measured: one check per split, why it fails (null when it passes), the allowed drop and the time it took.</summary>
internal sealed record PruneGuardOutcome(IReadOnlyList<AccuracyCheck> Checks, string? FailureReason, double MaxDrop, TimeSpan Time);
