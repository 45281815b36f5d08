using System.Globalization;
using System.Text;
using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Core.Data;

/// <summary>
/// The demo dataset the project ships by writing it itself: synthetic Indonesian PPKM-style tweets in the Kaggle
/// <c>INA_TweetsPPKM_Labeled_Pure.csv</c> format (tab-separated <c>Date, User, Tweet, sentiment</c>, with
/// 0 = positive, 1 = neutral, 2 = negative), balanced across the classes. Tweets are composed from phrase lists
/// (slang, mentions, hashtags, links, emoji) around a shared PPKM vocabulary: sentiment is carried by words, but every
/// class shares topic words, some phrases are mild or mixed, and a few labels are flipped (annotation noise), so a
/// classifier must learn rather than match one keyword. Deterministic: the same seed gives the same bytes.
/// </summary>
public static class DemoDataset
{
    /// <summary>Default number of tweets per class (600 in all).</summary>
    public const int DefaultRowsPerClass = 200;
    /// <summary>Share of rows whose label is deliberately flipped to another class.</summary>
    public const double LabelNoise = 0.05;

    private static readonly string[] Regions = ["Jawa-Bali", "Jakarta", "Surabaya", "Bandung", "Semarang", "Jogja", "Bali", "Medan", "Makassar", "Solo", "Malang", "Bekasi", "Depok", "Tangerang", "Bogor"];
    private static readonly string[] Mentions = ["@jokowi", "@KemenkesRI", "@aniesbaswedan", "@ridwankamil", "@detikcom", "@kompascom", "@CNNIndonesia", "@BNPB_Indonesia", "@DKIJakarta", "@tvOneNews", "@kumparan", "@PikobarJabar"];
    private static readonly string[] Hashtags = ["#PPKM", "#PPKMDarurat", "#PPKMLevel4", "#PPKMLevel3", "#COVID19", "#vaksinasi", "#DiRumahAja", "#prokes", "#IndonesiaSehat", "#PPKMDiperpanjang"];
    private static readonly string[] Users = ["dinda", "rizky", "putri", "bayu", "ajeng", "fajar", "sari", "kevin", "nanda", "yoga", "ayu", "dimas", "tiara", "andre", "wulan", "bima", "citra", "reza", "intan", "galih"];
    private static readonly string[] UserSuffixes = ["", "_", "99", "21", "_id", "x", "07", "_real", "ptr", "zz"];

    // Topic words every class uses: they carry no sentiment by themselves.
    private static readonly string[] Topics =
    [
        "ppkm level {L} di {R}", "ppkm darurat", "perpanjangan ppkm", "ppkm di {R}", "aturan ppkm terbaru", "penyekatan jalan di {R}",
        "vaksinasi di {R}", "jam malam ppkm", "pembatasan mal dan resto", "ppkm level {L}", "kebijakan ppkm pemerintah", "bansos ppkm",
    ];

    private static readonly string[][] Openers =
    [
        // positive
        ["Alhamdulillah", "Syukurlah", "Mantap", "Salut", "Good news", "Akhirnya", "Senang banget", "Terima kasih", "Bersyukur", "Keren"],
        // neutral
        ["Info:", "Update:", "Berita:", "Pemerintah mengumumkan", "Menurut Satgas,", "Hari ini", "Pantauan siang ini:", "Kabar terbaru,", "Catatan:", "Disclaimer:"],
        // negative
        ["Capek", "Kesel banget", "Anjir", "Ya ampun", "Parah", "Miris", "Astaga", "Duh", "Heran deh", "Muak"],
    ];

    private static readonly string[][] Cores =
    [
        // positive
        [
            "{T} bikin kasus covid turun drastis", "{T} berhasil, rumah sakit udah ga penuh lagi", "bansos udah cair, makasih pak",
            "vaksin dosis kedua lancar jaya, petugasnya ramah", "warga {R} kompak jaga prokes selama {T}", "{T} ini efektif, angka positif terus menurun",
            "salut sama nakes yang berjuang selama {T}", "udara {R} jadi bersih banget pas {T}", "umkm dapet bantuan selama {T}, semoga makin kuat",
            "relawan bagi sembako gratis di {R}, baik banget", "setuju {T} diperpanjang demi kebaikan bersama", "kasus di {R} turun, semoga cepat pulih",
            "sekolah tatap muka dibuka lagi setelah {T} sukses", "tetangga saling bantu selama {T}, indahnya gotong royong",
        ],
        // neutral
        [
            "{T} berlaku mulai {D} hingga {D2}", "berikut daftar daerah yang masuk {T}", "jam operasional mal selama {T} sampai pukul 20.00",
            "syarat perjalanan selama {T}: kartu vaksin dan antigen", "{T} sampai kapan ya?", "ada yang tahu {T} diperpanjang atau tidak?",
            "posko penyekatan dipindah ke pintu tol {R}", "pemerintah evaluasi {T} setiap minggu", "kapasitas tempat ibadah 50 persen selama {T}",
            "ojol boleh beroperasi selama {T} dengan prokes", "rapat koordinasi {T} digelar di {R} hari ini", "cek jadwal vaksinasi di {R} lewat aplikasi pedulilindungi",
            "ini aturan makan di tempat selama {T}, maksimal 20 menit", "data kasus harian {R} dirilis sore ini",
        ],
        // negative
        [
            "{T} lagi, rakyat kecil makin susah", "{T} ga jelas, aturannya berubah terus", "usaha gue bangkrut gara2 {T}",
            "bansos ga nyampe, {T} cuma nyusahin", "pemerintah plin plan soal {T}", "di PHK pas {T}, mau makan apa",
            "{T} diperpanjang terus tapi kasus tetap naik", "pedagang di {R} nangis dagangan ga laku selama {T}", "penyekatan di {R} bikin macet parah, kacau",
            "udah {T} tapi pejabat malah jalan2, ga adil", "gaji dipotong selama {T}, cicilan numpuk", "rs di {R} penuh, oksigen langka, {T} gagal",
            "{T} cuma ganti nama doang, hasilnya nol", "ekonomi ambruk gara2 {T} yang ga konsisten",
        ],
    ];

    private static readonly string[][] Closers =
    [
        ["semoga cepat berakhir ya", "tetap semangat semua", "sehat selalu", "kita pasti bisa", "makasih pak", "mantul", "lanjutkan"],
        ["cek info lengkapnya di link", "sumber: satgas", "mohon infonya min", "dibaca sampai habis", "via kompas", "cmiiw", "sekian"],
        ["capek banget sumpah", "kapan selesainya sih", "ga ngotak", "rakyat lagi yang kena", "nyesel percaya", "bener2 deh", "wkwk miris"],
    ];

    private static readonly string[][] Emoji =
    [
        ["😊", "🙏", "👍", "💪", "❤️", "🥰", "😁"],
        ["📢", "📌", "ℹ️", "🗓️", "📍", "🤔", ""],
        ["😡", "😤", "😭", "🙄", "😩", "💔", "🤦"],
    ];

    /// <summary>The Kaggle reading of the demo's sentiment column: 0=positive, 1=neutral, 2=negative.</summary>
    public static LabelMapping Labels => LabelMapping.KagglePpkmDefault;

    /// <summary>Writes the demo file (Kaggle format) to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, int seed = 42, int rowsPerClass = DefaultRowsPerClass) =>
        AtomicFile.WriteAllText(path, ToText(seed, rowsPerClass));

    /// <summary>The demo file's content: header <c>Date\tUser\tTweet\tsentiment</c>, rows newest first, LF line ends.</summary>
    public static string ToText(int seed = 42, int rowsPerClass = DefaultRowsPerClass)
    {
        if (rowsPerClass < 1) throw new ArgumentException($"rowsPerClass must be positive, got {rowsPerClass}.");
        var rng = SplitMix64.Create(seed, 0xDE40);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<(string Tweet, int Sentiment)>();
        for (int sentiment = 0; sentiment < 3; sentiment++)
            for (int i = 0; i < rowsPerClass; i++)
            {
                string tweet;
                do tweet = Compose(rng, sentiment); while (!seen.Add(tweet));
                int label = rng.NextInt(1000) < LabelNoise * 1000 ? (sentiment + 1 + rng.NextInt(2)) % 3 : sentiment;
                rows.Add((tweet, label));
            }
        rng.Shuffle(rows);
        var sb = new StringBuilder("Date\tUser\tTweet\tsentiment\n");
        var time = new DateTime(2022, 3, 31, 14, 32, 4, DateTimeKind.Utc);
        foreach (var (tweet, label) in rows)
        {
            var user = Pick(rng, Users) + Pick(rng, UserSuffixes);
            sb.Append(time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append("+00:00\t")
              .Append(user).Append('\t').Append(tweet).Append('\t').Append(label.ToString(CultureInfo.InvariantCulture)).Append('\n');
            time = time.AddMinutes(-(7 + rng.NextInt(900)));
        }
        return sb.ToString();
    }

    private static string Compose(SplitMix64 rng, int sentiment)
    {
        var parts = new List<string>();
        if (rng.NextInt(100) < 30) parts.Add(Pick(rng, Mentions));
        // A quarter of the tweets borrow the opener of another class: mixed tone, as real tweets are.
        int openerClass = rng.NextInt(100) < 25 ? rng.NextInt(3) : sentiment;
        if (rng.NextInt(100) < 75) parts.Add(Pick(rng, Openers[openerClass]));
        parts.Add(Fill(rng, Pick(rng, Cores[sentiment])));
        if (rng.NextInt(100) < 55) parts.Add(Pick(rng, Closers[rng.NextInt(100) < 20 ? rng.NextInt(3) : sentiment]));
        int tags = rng.NextInt(3);
        for (int i = 0; i < tags; i++) parts.Add(Pick(rng, Hashtags));
        if (rng.NextInt(100) < 20) parts.Add("https://t.co/" + RandomToken(rng, 10));
        if (rng.NextInt(100) < 45) parts.Add(Pick(rng, Emoji[rng.NextInt(100) < 20 ? rng.NextInt(3) : sentiment]));
        var text = string.Join(' ', parts.Where(p => p.Length > 0));
        return rng.NextInt(100) < 30 ? text.ToLowerInvariant() : text;
    }

    private static string Fill(SplitMix64 rng, string template)
    {
        var day = 3 + rng.NextInt(25);
        return template
            .Replace("{T}", Pick(rng, Topics), StringComparison.Ordinal)
            .Replace("{L}", (1 + rng.NextInt(4)).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{R}", Pick(rng, Regions), StringComparison.Ordinal)
            .Replace("{D2}", $"{day + 7} Agustus", StringComparison.Ordinal)
            .Replace("{D}", $"{day} Agustus", StringComparison.Ordinal);
    }

    private static string Pick(SplitMix64 rng, string[] items) => items[rng.NextInt(items.Length)];

    private static string RandomToken(SplitMix64 rng, int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = alphabet[rng.NextInt(alphabet.Length)];
        return new string(chars);
    }
}
