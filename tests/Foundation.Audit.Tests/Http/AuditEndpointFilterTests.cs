using System.Net;
using System.Text;
using System.Text.Json;
using Foundation.Audit.Http;
using Foundation.Audit.Tests.Infrastructure;
using Foundation.Audit.Writing;
using Foundation.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Audit.Tests.Http;

/// <summary>
/// <see cref="AuditEndpointFilter"/> on a host's own endpoints, through a real host: what it records for success,
/// a 403, a 400 and a throwing handler, and that it never records bodies or reads requests it should not.
/// </summary>
public abstract class AuditEndpointFilterTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>, IAsyncLifetime
    where TDatabase : AuditTestDatabase
{
    private const string Secret = "hunter2-do-not-record";
    private readonly string _tenant = AuditTestDatabase.NewTenant();
    private AuditTestHost _host = null!;

    private string Admin => $"admin-1;{_tenant};admin";

    public async Task InitializeAsync() => _host = await AuditTestHost.StartAsync(database, app =>
    {
        app.UseExceptionHandler();
        app.Use((context, next) =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
            return next(context);
        });
        var orders = app.MapGroup("/orders");
        orders.MapPost("/{id}", (string id) => Results.Created($"/orders/{id}", new { id }))
            .WithAuditing("orders.create", targetType: "order");
        orders.MapGet("/{id}", (string id) => Results.Ok(new { id }))
            .WithAuditing("orders.read", targetType: "order");
        orders.MapDelete("/{id}", (string id, HttpContext http) => http.User.IsInRole("admin") ? Results.NoContent() : Results.Forbid())
            .WithAuditing("orders.delete", targetType: "order");
        orders.MapPut("/{id}", (string id) => Results.ValidationProblem(new Dictionary<string, string[]> { ["quantity"] = ["must be positive"] }))
            .WithAuditing("orders.update", targetType: "order");
        orders.MapPatch("/{id}", IResult (string id) => throw new InvalidOperationException("database on fire for " + Secret))
            .WithAuditing("orders.patch", targetType: "order");
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_successful_mutation_records_actor_target_request_and_client_but_never_the_body()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders/o-42?token=" + Secret)
        {
            Content = new StringContent($$"""{"password":"{{Secret}}","quantity":3}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(HeaderAuthenticationHandler.Header, $"u-alice;{_tenant};member");
        request.Headers.Add("User-Agent", "orders-client/1.0");
        request.Headers.Add("Authorization", "Bearer " + Secret);
        using var response = await _host.Client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);

        var e = (await EventsAsync("orders.create")).ShouldHaveSingleItem();
        e.GetProperty("outcome").GetString().ShouldBe("success");
        e.GetProperty("actorUserId").GetString().ShouldBe("u-alice");
        e.GetProperty("actorType").GetString().ShouldBe("user");
        e.GetProperty("tenantId").GetString().ShouldBe(_tenant);
        e.GetProperty("targetType").GetString().ShouldBe("order");
        e.GetProperty("targetId").GetString().ShouldBe("o-42");
        e.GetProperty("clientIp").GetString().ShouldBe("203.0.113.7");
        e.GetProperty("userAgent").GetString().ShouldBe("orders-client/1.0");
        e.GetProperty("requestId").GetString().ShouldNotBeNullOrEmpty();
        using var details = JsonDocument.Parse(e.GetProperty("details").GetString()!);
        details.RootElement.GetProperty("method").GetString().ShouldBe("POST");
        details.RootElement.GetProperty("route").GetString().ShouldBe("/orders/{id}");
        details.RootElement.GetProperty("status").GetString().ShouldBe("201");
        e.GetRawText().ShouldNotContain(Secret);
    }

    [Fact]
    public async Task Reads_are_not_audited()
    {
        using var response = await SendAsync(HttpMethod.Get, "/orders/o-1", $"u-alice;{_tenant};member");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);

        (await EventsAsync("orders.read")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_403_is_recorded_as_denied_and_the_allowed_call_as_success()
    {
        using var denied = await SendAsync(HttpMethod.Delete, "/orders/o-7", $"u-bob;{_tenant};member");
        using var allowed = await SendAsync(HttpMethod.Delete, "/orders/o-8", Admin);
        denied.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        allowed.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var events = await EventsAsync("orders.delete");
        events.Count.ShouldBe(2);
        var bob = events.Single(e => e.GetProperty("actorUserId").GetString() == "u-bob");
        bob.GetProperty("outcome").GetString().ShouldBe("denied");
        bob.GetProperty("targetId").GetString().ShouldBe("o-7");
        var admin = events.Single(e => e.GetProperty("actorUserId").GetString() == "admin-1");
        admin.GetProperty("outcome").GetString().ShouldBe("success");
        admin.GetProperty("targetId").GetString().ShouldBe("o-8");
    }

    [Fact]
    public async Task A_rejected_request_is_a_failure_with_its_status()
    {
        using var response = await SendAsync(HttpMethod.Put, "/orders/o-9", $"u-alice;{_tenant};member");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var e = (await EventsAsync("orders.update")).ShouldHaveSingleItem();
        e.GetProperty("outcome").GetString().ShouldBe("failure");
        e.GetProperty("details").GetString()!.ShouldContain("\"status\":\"400\"");
    }

    [Fact]
    public async Task A_throwing_handler_is_a_failure_recorded_once_without_the_exception_message()
    {
        using var response = await SendAsync(HttpMethod.Patch, "/orders/o-10", $"u-alice;{_tenant};member");
        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);

        var e = (await EventsAsync("orders.patch")).ShouldHaveSingleItem();
        e.GetProperty("outcome").GetString().ShouldBe("failure");
        e.GetProperty("targetId").GetString().ShouldBe("o-10");
        using var details = JsonDocument.Parse(e.GetProperty("details").GetString()!);
        details.RootElement.GetProperty("status").GetString().ShouldBe("500");
        details.RootElement.GetProperty("exception").GetString().ShouldBe(nameof(InvalidOperationException));
        e.GetRawText().ShouldNotContain(Secret);
    }

    [Fact]
    public async Task The_chain_verifies_after_audited_requests()
    {
        for (var i = 0; i < 3; i++)
        {
            using var response = await SendAsync(HttpMethod.Post, $"/orders/v-{i}", $"u-alice;{_tenant};member");
            response.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        (await EventsAsync("orders.create")).Count.ShouldBe(3);
        using var verify = await _host.Client.SendAsync(AuditTestHost.Get("/api/v1/audit/verify", Admin));
        verify.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await verify.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("valid").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public void Outcomes_follow_the_status_code()
    {
        AuditEndpointFilter.OutcomeOf(200).ShouldBe(Foundation.Auditing.AuditOutcome.Success);
        AuditEndpointFilter.OutcomeOf(302).ShouldBe(Foundation.Auditing.AuditOutcome.Success);
        AuditEndpointFilter.OutcomeOf(401).ShouldBe(Foundation.Auditing.AuditOutcome.Denied);
        AuditEndpointFilter.OutcomeOf(403).ShouldBe(Foundation.Auditing.AuditOutcome.Denied);
        AuditEndpointFilter.OutcomeOf(404).ShouldBe(Foundation.Auditing.AuditOutcome.Failure);
        AuditEndpointFilter.OutcomeOf(503).ShouldBe(Foundation.Auditing.AuditOutcome.Failure);
        Should.Throw<ArgumentException>(() => new AuditEndpointFilter(" "));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string caller)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Add(HeaderAuthenticationHandler.Header, caller);
        return await _host.Client.SendAsync(request);
    }

    private async Task<List<JsonElement>> EventsAsync(string action)
    {
        await _host.App.Services.GetRequiredService<DurableAuditEventWriter>().FlushAsync();
        using var response = await _host.Client.SendAsync(AuditTestHost.Get("/api/v1/audit/events?action=" + action, Admin));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return page.RootElement.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
    }
}

public sealed class SqliteAuditEndpointFilterTests(SqliteAuditDatabase database) : AuditEndpointFilterTests<SqliteAuditDatabase>(database);

public sealed class PostgresAuditEndpointFilterTests(PostgresAuditDatabase database) : AuditEndpointFilterTests<PostgresAuditDatabase>(database);
