using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;

namespace PpkmOnnx.Training.Performance;

/// <summary>
/// The GOT entry through which a loaded x86-64 ELF shared library calls one of its lazily bound functions (the target of
/// an <c>R_X86_64_JUMP_SLOT</c> relocation in <c>.rela.plt</c>): pointing it elsewhere redirects every call the library
/// makes to that function, as an <c>LD_PRELOAD</c> definition would.
/// </summary>
internal sealed unsafe partial class PltSlot
{
    private const uint ShtRela = 4;
    private const ulong RX8664JumpSlot = 7;
    private const int ProtRead = 1, ProtWrite = 2;

    private readonly IntPtr _address;
    private readonly string _libraryPath;

    private PltSlot(IntPtr address, string libraryPath) => (_address, _libraryPath) = (address, libraryPath);

    /// <summary>
    /// The slot of <paramref name="symbol"/> in the loaded library whose file is named <paramref name="libraryFile"/>, or
    /// null when no such library is mapped into this process or it has no such slot.
    /// </summary>
    public static PltSlot? Find(string libraryFile, string symbol)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return null;
        // The mapping of the file's first page starts at the load address (shared libraries are linked at address 0).
        var mapping = Mappings().FirstOrDefault(m => m.Offset == 0 && Path.GetFileName(m.Path) == libraryFile);
        if (mapping is null) return null;
        using var file = MemoryMappedFile.CreateFromFile(mapping.Path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* image = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref image);
        try
        {
            return FindOffset(image + view.PointerOffset, (long)view.SafeMemoryMappedViewHandle.ByteLength, symbol) is { } found
                ? new PltSlot((IntPtr)(mapping.Start - found.FirstPageAddress + found.SlotAddress), mapping.Path)
                : null;
        }
        finally { view.SafeMemoryMappedViewHandle.ReleasePointer(); }
    }

    /// <summary>
    /// Points the slot at <paramref name="function"/> (making its page writable for the write if it is read-only);
    /// returns null on success, or why it could not.
    /// </summary>
    public string? Point(IntPtr function)
    {
        long page = _address & ~4095L;
        var mapping = Mappings().FirstOrDefault(m => m.Start <= _address && _address < m.End);
        if (mapping is null || mapping.Path != _libraryPath) return $"the slot at 0x{_address:x} is not in {_libraryPath}'s mapping";
        bool readOnly = !mapping.Permissions.Contains('w');
        if (readOnly && mprotect((IntPtr)page, 4096, ProtRead | ProtWrite) != 0) return $"mprotect failed (errno {Marshal.GetLastPInvokeError()})";
        Volatile.Write(ref *(IntPtr*)_address, function);
        if (readOnly) mprotect((IntPtr)page, 4096, ProtRead);
        return null;
    }

    /// <summary>This process's memory mappings, from <c>/proc/self/maps</c>.</summary>
    private static IEnumerable<MapsLine> Mappings() => File.ReadLines("/proc/self/maps").Select(MapsLine.Parse).OfType<MapsLine>();

    /// <summary>
    /// The slot's link-time address and that of the file's first page (the segment at file offset 0, which the mapping
    /// found in <c>/proc/self/maps</c> starts with), read from the ELF image's program and section headers, or null.
    /// </summary>
    private static (long SlotAddress, long FirstPageAddress)? FindOffset(byte* image, long length, string symbol)
    {
        if (length < 64 || *(uint*)image != 0x464C457F || image[4] != 2 || image[5] != 1 || *(ushort*)(image + 18) != 62) return null; // ELF64, little-endian, x86-64
        long programTable = *(long*)(image + 0x20);
        int programSize = *(ushort*)(image + 0x36), programCount = *(ushort*)(image + 0x38);
        long? firstPage = null;
        for (int i = 0; i < programCount && programTable + (long)(i + 1) * programSize <= length; i++)
        {
            byte* header = image + programTable + (long)i * programSize;
            if (*(uint*)header == 1 && *(long*)(header + 8) == 0) { firstPage = *(long*)(header + 16) & ~4095L; break; } // PT_LOAD at offset 0
        }
        if (firstPage is null) return null;
        long sectionTable = *(long*)(image + 0x28);
        int sectionSize = *(ushort*)(image + 0x3A), sectionCount = *(ushort*)(image + 0x3C), namesIndex = *(ushort*)(image + 0x3E);
        if (sectionTable <= 0 || sectionTable + (long)sectionSize * sectionCount > length) return null;
        Section At(int i) => new(image + sectionTable + (long)i * sectionSize);
        var names = At(namesIndex);
        var wanted = Encoding.ASCII.GetBytes(symbol + "\0");
        var pltRelocations = Encoding.ASCII.GetBytes(".rela.plt\0");
        for (int i = 0; i < sectionCount; i++)
        {
            var relocations = At(i);
            if (relocations.Type != ShtRela || !Matches(image + names.Offset + relocations.Name, pltRelocations)) continue;
            var symbols = At((int)relocations.Link);
            var strings = At((int)symbols.Link);
            for (long r = 0; r + 24 <= relocations.Size; r += 24)
            {
                byte* entry = image + relocations.Offset + r;
                ulong info = *(ulong*)(entry + 8);
                if ((info & 0xffffffff) != RX8664JumpSlot) continue;
                uint nameOffset = *(uint*)(image + symbols.Offset + (long)(info >> 32) * 24);
                if (Matches(image + strings.Offset + nameOffset, wanted)) return (*(long*)entry, firstPage.Value);
            }
        }
        return null;
    }

    private static bool Matches(byte* text, byte[] wanted)
    {
        for (int i = 0; i < wanted.Length; i++) if (text[i] != wanted[i]) return false;
        return true;
    }

    private readonly struct Section(byte* header)
    {
        public uint Name { get; } = *(uint*)header;
        public uint Type { get; } = *(uint*)(header + 4);
        public long Offset { get; } = *(long*)(header + 24);
        public long Size { get; } = *(long*)(header + 32);
        public uint Link { get; } = *(uint*)(header + 40);
    }

    private sealed record MapsLine(long Start, long End, string Permissions, long Offset, string Path)
    {
        // "start-end perms offset dev inode path", addresses and offset in hex.
        public static MapsLine? Parse(string line)
        {
            var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 6) return null;
            var range = parts[0].Split('-');
            return new MapsLine(long.Parse(range[0], NumberStyles.HexNumber), long.Parse(range[1], NumberStyles.HexNumber), parts[1],
                long.Parse(parts[2], NumberStyles.HexNumber), parts[5].Trim());
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(IntPtr address, nuint length, int protection);
}
