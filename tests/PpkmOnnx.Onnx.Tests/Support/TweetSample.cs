using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests.Support;

/// <summary>Reads the first tweets of the shared PPKM training CSV with a small quoted-CSV reader.</summary>
internal static class TweetSample
{
    public static IReadOnlyList<string> Read(int count)
    {
        var path = TestPaths.SharedFile("data", "ifest2021_ppkm", "data_latih_sheet1_train.csv");
        var text = File.ReadAllText(path);
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length && rows.Count <= count; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                row.Add(field.ToString()); field.Clear();
                rows.Add(row); row = new List<string>();
            }
            else field.Append(c);
        }
        // First row is the header (Tweet,Class).
        return rows.Skip(1).Take(count).Select(r => r[0]).ToList();
    }
}
