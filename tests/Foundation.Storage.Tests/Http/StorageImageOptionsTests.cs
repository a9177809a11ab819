using Foundation.Storage.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Foundation.Storage.Tests.Http;

/// <summary><c>Foundation:Storage:Images</c> is validated at start: a wrong value or an unknown key fails the host naming the key.</summary>
public sealed class StorageImageOptionsTests(SqliteStorageDatabase database) : IClassFixture<SqliteStorageDatabase>
{
    [Theory]
    [InlineData("Foundation:Storage:Images:MaxWidth", "0", "Foundation:Storage:Images:MaxWidth is 0")]
    [InlineData("Foundation:Storage:Images:MaxHeight", "40000", "Foundation:Storage:Images:MaxHeight is 40000")]
    [InlineData("Foundation:Storage:Images:MaxPixels", "0", "Foundation:Storage:Images:MaxPixels is 0")]
    [InlineData("Foundation:Storage:Images:MaxInputBytes", "4294967296", "Foundation:Storage:Images:MaxInputBytes is 4294967296")]
    [InlineData("Foundation:Storage:Images:Quality", "101", "Foundation:Storage:Images:Quality is 101")]
    [InlineData("Foundation:Storage:Images:MaxConcurrentDecodes", "0", "Foundation:Storage:Images:MaxConcurrentDecodes is 0")]
    [InlineData("Foundation:Storage:Images:ThumbnailSizes:0", "0", "Foundation:Storage:Images:ThumbnailSizes:0 is 0")]
    [InlineData("Foundation:Storage:Images:MaxWidht", "100", "Foundation:Storage:Images:MaxWidht")]
    [InlineData("Foundation:Storage:Images:Enabled", "yes", "Foundation:Storage:Images:Enabled")]
    public async Task A_wrong_images_setting_fails_the_start_naming_the_key(string key, string value, string expected)
    {
        var failure = await Should.ThrowAsync<OptionsValidationException>(() => StorageTestHost.StartAsync(database, new Dictionary<string, string?> { [key] = value }));
        failure.Message.ShouldContain(expected);
    }
}
