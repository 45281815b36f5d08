namespace PpkmOnnx.Core.Data;

/// <summary>How many rows a class has.</summary>
/// <param name="Id">Class id.</param>
/// <param name="Name">Class name.</param>
/// <param name="Count">Rows.</param>
/// <param name="Share">Rows / all rows.</param>
public sealed record ClassCount(int Id, string Name, int Count, double Share);
