using System.Text.Json;
using Foundation.PersonalData;
using Foundation.Storage.Storage;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Storage.PersonalData;

/// <summary>
/// Foundation.Storage's personal data (section <c>storage</c>): the metadata of the files the user uploaded (name, type, size, SHA-256, time).
/// Erasing removes the user as uploader and keeps the files: a file uploaded into a tenant is the tenant's (a contract, an invoice), not the
/// uploader's, and deleting it would destroy other people's data. A tenant that holds files which are the person's own deletes them with
/// <c>DELETE /api/v1/files/{id}</c> after reading the export's list.
/// </summary>
internal sealed class StoragePersonalDataProvider : IPersonalDataProvider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly StorageDbContext _db;

    public StoragePersonalDataProvider(StorageDbContext db) => _db = db;

    public string Name => "storage";

    public async Task<JsonElement?> ExportAsync(PersonalDataSubject subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var user = subject.UserId;
        var files = await _db.Files.AsNoTracking().Where(f => f.TenantId == subject.TenantId && f.CreatedBy == user).ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        if (files.Count == 0)
        {
            return null;
        }

        return JsonSerializer.SerializeToElement(new
        {
            Files = files.OrderBy(f => f.CreatedAt).Select(f => new { f.Id, f.Name, f.ContentType, f.Size, f.Sha256, f.CreatedAt }),
        }, Json);
    }

    public async Task<PersonalDataErasure> EraseAsync(PersonalDataSubject subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var user = subject.UserId;
        var anonymised = await _db.Files.Where(f => f.TenantId == subject.TenantId && f.CreatedBy == user)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.CreatedBy, (string?)null), cancellationToken).ConfigureAwait(false);
        return new PersonalDataErasure(0, anonymised, anonymised == 0 ? null
            : "files kept without their uploader: a file in a tenant is the tenant's; delete the person's own files with DELETE /api/v1/files/{id}");
    }
}
