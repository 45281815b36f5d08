namespace PpkmOnnx.Server.Logging;

/// <summary>
/// What an endpoint adds to its request's log line (a request feature, present only while request logging is on):
/// which model served it and how many texts it held — never the texts.
/// </summary>
internal sealed class RequestLogDetails
{
    /// <summary>The served model's name, once the request was matched to a loaded model.</summary>
    public string? Model { get; set; }
    /// <summary>Texts in the request, once its body was read.</summary>
    public int? Texts { get; set; }
}
