var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "Foundation sample");
app.Run();

/// <summary>The sample's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
