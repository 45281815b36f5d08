using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Training;

/// <summary>Native addresses of contiguous CPU tensors, for kernels that work on libtorch's memory in place.</summary>
internal static partial class TensorMemory
{
    // TorchSharp wraps at::Tensor::data_ptr() (storage offset included) but keeps the wrapper internal; its native library
    // is already loaded by then, so this binds to the same export TorchSharp's own accessors use.
    [LibraryImport("LibTorchSharp")]
    private static partial IntPtr THSTensor_data(IntPtr handle);

    /// <summary>The address of <paramref name="tensor"/>'s first element; it must be a contiguous float32 CPU tensor.</summary>
    public static IntPtr Float32Address(Tensor tensor)
    {
        if (tensor.device_type != TorchSharp.DeviceType.CPU || tensor.dtype != ScalarType.Float32 || !tensor.is_contiguous())
            throw new ArgumentException($"expected a contiguous float32 CPU tensor, got {tensor.dtype} on {tensor.device}.", nameof(tensor));
        var address = THSTensor_data(tensor.Handle);
        if (address == IntPtr.Zero && tensor.numel() > 0) throw new InvalidOperationException("libtorch returned no data pointer.");
        return address;
    }
}
