namespace Foundation.Llm.Routing.Demo;

/// <summary>The demo's answer when JSON is asked for.</summary>
internal sealed record DemoJsonAnswer(bool Demo, string Model, string YouSaid, string Note);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(DemoJsonAnswer))]
internal sealed partial class DemoJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
