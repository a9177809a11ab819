namespace Foundation.Auth.Tests.Authorization;

public class RolesTests
{
    [Theory]
    [InlineData("owner", "admin", true)]
    [InlineData("owner", "viewer", true)]
    [InlineData("admin", "member", true)]
    [InlineData("member", "admin", false)]
    [InlineData("viewer", "member", false)]
    [InlineData("admin", "manager", true)]
    [InlineData("manager", "member", true)]
    [InlineData("member", "manager", false)]
    [InlineData("viewer", "guest", true)]
    [InlineData("guest", "viewer", false)]
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
        Roles.Rank("manager").ShouldBe(2);
        Roles.Rank("viewer").ShouldBe(4);
        Roles.Rank("guest").ShouldBe(5);
        Roles.Rank("unknown").ShouldBe(-1);
    }
}
