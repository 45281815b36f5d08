using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PpkmOnnx.Core;

namespace PpkmOnnx.Server.Access;

/// <summary>Reads the certificate Kestrel serves HTTPS with: a PEM certificate (chain) file and its PEM private key file.</summary>
public static class TlsCertificate
{
    /// <summary>The certificate of <paramref name="certificateFile"/> with the key of <paramref name="keyFile"/>.</summary>
    /// <exception cref="InvalidSettingException">A file is missing (the setting is the <see cref="ServerOptions"/> property that names it).</exception>
    /// <exception cref="UserInputException">A file is unreadable, is not PEM, or the key does not belong to the certificate.</exception>
    public static X509Certificate2 Load(string certificateFile, string keyFile)
    {
        ArgumentNullException.ThrowIfNull(certificateFile);
        ArgumentNullException.ThrowIfNull(keyFile);
        foreach (var (file, setting) in new[] { (certificateFile, nameof(ServerOptions.TlsCertificateFile)), (keyFile, nameof(ServerOptions.TlsKeyFile)) })
            if (!File.Exists(file)) throw new InvalidSettingException(setting, $"{file}: file not found.");
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            if (!certificate.HasPrivateKey)
                throw new UserInputException($"{keyFile}: no private key for the certificate in {certificateFile}.");
            return certificate;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{certificateFile} + {keyFile}: cannot use them as a TLS certificate and key (both PEM; the key must match the certificate): {e.Message}", e);
        }
    }
}
