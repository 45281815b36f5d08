using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using PpkmOnnx.Core;
using PpkmOnnx.Runtime;
using PpkmOnnx.Server.Access;
using PpkmOnnx.Server.Models;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Server.Tests;

/// <summary>HTTPS with a PEM certificate and key, as the README's self-signed example makes them.</summary>
public sealed class TlsTests
{
    // What `openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -addext subjectAltName=...` makes, in-process.
    private static X509Certificate2 SelfSigned(string certificateFile, string keyFile)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, rsa.ExportPkcs8PrivateKeyPem());
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    [Fact]
    public async Task The_server_answers_https_with_the_given_certificate_to_a_client_that_trusts_only_it()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = temp.Combine("pkg");
        TinyPackage.Create(1).WriteTo(package);
        using var trusted = SelfSigned(temp.Combine("cert.pem"), temp.Combine("key.pem"));
        var options = new ServerOptions
        {
            Models = [new ModelRegistration("tiny", package)],
            Urls = "https://127.0.0.1:0",
            ExecutionProvider = ExecutionProviderPreference.Cpu,
            IntraOpThreads = 1,
            TlsCertificateFile = temp.Combine("cert.pem"),
            TlsKeyFile = temp.Combine("key.pem"),
        };
        await using var app = ServerApp.Build(options);
        await ServerStartup.StartAsync(app, options, CancellationToken.None);
        var address = app.Urls.Single();
        Assert.StartsWith("https://127.0.0.1:", address);

        X509Certificate2? presented = null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            presented = new X509Certificate2(certificate!);
            // Trust exactly this self-signed certificate: a chain to it as the only root, and the name checked by SslStream.
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(trusted);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(presented);
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(address) };
        var response = await client.PostAsync("/v1/classify", new StringContent("{\"inputs\": [\"PPKM lagi\", \"vaksin\"]}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, body.GetProperty("predictions").GetArrayLength());
        Assert.Equal(trusted.Thumbprint, presented!.Thumbprint);

        // A client that trusts the system's roots only refuses this server: it is really TLS with our certificate.
        using var strict = new HttpClient { BaseAddress = new Uri(address) };
        await Assert.ThrowsAsync<HttpRequestException>(() => strict.GetAsync("/healthz"));
        await app.StopAsync();
    }

    [Fact]
    public void Missing_or_mismatched_pem_files_are_one_user_error_naming_them()
    {
        using var temp = TestPaths.NewTempFolder();
        var cert = temp.Combine("cert.pem");
        var key = temp.Combine("key.pem");
        SelfSigned(cert, key).Dispose();
        UserInputException e = Assert.Throws<InvalidSettingException>(() => TlsCertificate.Load(cert, temp.Combine("nokey.pem")));
        Assert.Equal($"TlsKeyFile: {temp.Combine("nokey.pem")}: file not found.", e.Message);

        var otherKey = temp.Combine("other-key.pem");
        using (var other = RSA.Create(2048)) File.WriteAllText(otherKey, other.ExportPkcs8PrivateKeyPem());
        e = Assert.Throws<UserInputException>(() => TlsCertificate.Load(cert, otherKey));
        Assert.StartsWith($"{cert} + {otherKey}: cannot use them as a TLS certificate and key", e.Message);

        e = Assert.Throws<UserInputException>(() => TlsCertificate.Load(key, cert));
        Assert.StartsWith($"{key} + {cert}: cannot use them", e.Message);
        using var loaded = TlsCertificate.Load(cert, key);
        Assert.True(loaded.HasPrivateKey);
    }
}
