using System.Net;
using System.Net.Http.Json;
using Foundation.Callers;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.Callers;

/// <summary><see cref="ICurrentCaller"/> resolved in an endpoint of a host built with AddFoundation.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class CurrentCallerTests
{
    [Fact]
    public async Task An_anonymous_caller_has_no_user_tenant_or_roles()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/caller");
        var caller = await response.Content.ReadFromJsonAsync<CallerView>();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        caller.ShouldNotBeNull();
        caller.UserId.ShouldBeNull();
        caller.TenantId.ShouldBeNull();
        caller.Roles.ShouldBeEmpty();
        caller.IsAuthenticated.ShouldBeFalse();
        caller.IsAdmin.ShouldBeFalse();
        caller.RequestId.ShouldBe(response.Header(HttpAssertions.RequestIdHeader));
    }

    [Fact]
    public async Task An_authenticated_caller_has_user_tenant_and_roles()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/caller");
        request.Headers.Add(TestApp.UserHeader, "user-42");
        request.Headers.Add(TestApp.TenantHeader, "tenant-7");
        request.Headers.Add(TestApp.RolesHeader, "Admin,editor");
        request.Headers.Add(HttpAssertions.RequestIdHeader, "caller-req-1");

        using var response = await client.SendAsync(request);
        var caller = await response.Content.ReadFromJsonAsync<CallerView>();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        caller.ShouldNotBeNull();
        caller.UserId.ShouldBe("user-42");
        caller.TenantId.ShouldBe("tenant-7");
        caller.Roles.ShouldBe(["Admin", "editor"]);
        caller.IsAuthenticated.ShouldBeTrue();
        caller.IsAdmin.ShouldBeTrue("IsInRole is case-insensitive");
        caller.IsAuditor.ShouldBeFalse();
        caller.RequestId.ShouldBe("caller-req-1");
        response.Header(HttpAssertions.RequestIdHeader).ShouldBe("caller-req-1");
    }

    [Fact]
    public async Task The_sample_resolves_the_http_caller_not_the_anonymous_default()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/hello?name=tester");
        request.Headers.Add(HttpAssertions.RequestIdHeader, "hello-req-1");

        using var response = await client.SendAsync(request);
        var body = await response.ReadJsonAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        body.Text("message").ShouldBe("Hello, tester!");
        body.Text("requestId").ShouldBe("hello-req-1");
        factory.Services.GetService(typeof(ICurrentCaller)).ShouldNotBeOfType<AnonymousCaller>();
    }
}
