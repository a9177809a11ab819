using System.Net;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.Llm;

public sealed class SampleChatBoxTests
{
    [Fact]
    public async Task The_home_page_has_the_chat_box_and_its_same_origin_script()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        var html = await client.GetStringAsync("/");
        using var script = await client.GetAsync("/chat.js");
        using var css = await client.GetAsync("/chat.css");

        html.ShouldContain("<section id=\"chat\"");
        html.ShouldContain("<script src=\"/chat.js\" defer></script>");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        script.Content.Headers.ContentType?.MediaType.ShouldBe("text/javascript");
        var js = await script.Content.ReadAsStringAsync();
        js.ShouldContain("/api/v1/llm/chat");
        js.ShouldNotContain("innerHTML", customMessage: "answers are written as text, never as HTML");
        css.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
