using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Packaging.Records;

/// <summary>A package folder holding one hand-written record file, for the record tests to read through ModelPackage.</summary>
internal static class RecordPackages
{
    /// <summary>A folder <c>pkg</c> in <paramref name="temp"/> with <paramref name="json"/> as its <paramref name="fileName"/>.</summary>
    public static string With(TempFolder temp, string fileName, string json)
    {
        var folder = temp.Combine("pkg");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, fileName), json);
        return folder;
    }
}
