using Microsoft.Extensions.Hosting;

namespace PpkmOnnx.Server.Models;

/// <summary>Starts loading the catalog once the host runs, without holding up the start.</summary>
internal sealed class ModelLoaderService(ModelCatalog catalog) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => catalog.LoadAllAsync(stoppingToken);
}
