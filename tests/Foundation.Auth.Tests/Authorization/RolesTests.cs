namespace Foundation.Auth.Tests.Authorization;

public class RolesTests
{
    [Theory]
    [InlineData("owner", "admin", true)]
    [InlineData("owner", "viewer", true)]
    [InlineData("admin", "member", true)]
    [InlineData("member", "admin", false)]
    [InlineData("viewer", "member", false)]
    [InlineData("ADMIN", "admin", true)]
    [InlineData("billing", "billing", true)]
    [InlineData("billing", "viewer", false)]
    [InlineData("owner", "billing", false)]
    public void Higher_roles_include_lower_ones(string held, string required, bool expected)
    {
        Roles.Satisfies([held], required).ShouldBe(expected);
    }

    [Fact]
    public void Rank_orders_the_hierarchy()
    {
        Roles.Rank("owner").ShouldBe(0);
        Roles.Rank("viewer").ShouldBe(3);
        Roles.Rank("unknown").ShouldBe(-1);
    }
}
