using Prometheus;

namespace PpkmOnnx.Server.Metrics;

/// <summary>
/// The Prometheus series of one server, in its own registry so several servers in one process (tests, LoadGen)
/// never share counts.
/// </summary>
public sealed class ServerMetrics
{
    /// <summary>Creates the series in a fresh registry.</summary>
    public ServerMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        Requests = factory.CreateCounter("ppkm_http_requests_total", "HTTP requests by route and status code.", "route", "method", "status");
        RequestDuration = factory.CreateHistogram("ppkm_http_request_duration_seconds", "HTTP request latency by route.",
            new HistogramConfiguration { LabelNames = ["route"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
        BatchSize = factory.CreateHistogram("ppkm_batch_size", "Texts per dynamic batch (one session run group).",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        QueueDepth = factory.CreateGauge("ppkm_queue_depth", "Texts waiting or running in a model's batcher.", "model");
        TokensProcessed = factory.CreateCounter("ppkm_tokens_processed_total", "Real (unpadded) tokens classified.", "model");
        TextsProcessed = factory.CreateCounter("ppkm_texts_processed_total", "Texts classified.", "model");
        InferenceDuration = factory.CreateHistogram("ppkm_inference_duration_seconds", "Time of one dynamic batch in the model.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });
        Rejected = factory.CreateCounter("ppkm_rejected_total", "Requests refused because the model's queue was full.", "model");
    }

    /// <summary>The registry /metrics exports.</summary>
    public CollectorRegistry Registry { get; }
    /// <summary>ppkm_http_requests_total{route,method,status}.</summary>
    public Counter Requests { get; }
    /// <summary>ppkm_http_request_duration_seconds{route}.</summary>
    public Histogram RequestDuration { get; }
    /// <summary>ppkm_batch_size{model}.</summary>
    public Histogram BatchSize { get; }
    /// <summary>ppkm_queue_depth{model}.</summary>
    public Gauge QueueDepth { get; }
    /// <summary>ppkm_tokens_processed_total{model}.</summary>
    public Counter TokensProcessed { get; }
    /// <summary>ppkm_texts_processed_total{model}.</summary>
    public Counter TextsProcessed { get; }
    /// <summary>ppkm_inference_duration_seconds{model}.</summary>
    public Histogram InferenceDuration { get; }
    /// <summary>ppkm_rejected_total{model}.</summary>
    public Counter Rejected { get; }
}
