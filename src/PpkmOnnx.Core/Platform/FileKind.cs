using System.Runtime.InteropServices;

namespace PpkmOnnx.Core.Platform;

/// <summary>
/// What kind of file system entry a path names, following symbolic links, where .NET does not say: its
/// <see cref="FileSystemInfo"/> reports a character device, a FIFO or a socket as an ordinary file. Read through Linux's
/// <c>statx</c>, whose record has one layout on every architecture; elsewhere every existing non-folder counts as a file.
/// </summary>
public static class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x0001;
    private const int ModeOffset = 28; // stx_mode (u16) in struct statx
    private const int TypeMask = 0xF000, RegularFile = 0x8000, Directory = 0x4000;

    /// <summary>
    /// Whether <paramref name="path"/> exists (after following symbolic links) and is neither a regular file nor a folder:
    /// a device such as <c>/dev/null</c> or <c>/dev/stdout</c>'s terminal, a named pipe, a socket. Such an entry cannot be
    /// replaced by a renamed file without breaking it, and reading it twice does not give the same bytes twice.
    /// </summary>
    public static bool IsSpecial(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux()) return false;
        var record = new byte[256];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType, record) != 0) return false; // absent, dangling, or not ours to see
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // a C library without statx (glibc before 2.28)
        }
        int type = BitConverter.ToUInt16(record, ModeOffset) & TypeMask;
        return type is not (RegularFile or Directory);
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] record);
}
