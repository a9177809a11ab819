using System.Text.Json;
using Foundation.PersonalData;

namespace Foundation.Audit.PersonalData;

/// <summary>One person's data gathered from every registered <see cref="IPersonalDataProvider"/>.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="UserId">The person.</param>
/// <param name="ExportedAt">When it was gathered.</param>
/// <param name="ErasedAt">When the person was erased (every provider done), or <see langword="null"/>.</param>
/// <param name="Sections">Provider name to its JSON; providers that hold nothing are left out (so an erased person's export is empty).</param>
public sealed record PersonalDataExport(string TenantId, string UserId, DateTimeOffset ExportedAt, DateTimeOffset? ErasedAt,
    IReadOnlyDictionary<string, JsonElement> Sections);

/// <summary>What an erasure did, per provider.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="UserId">The erased person.</param>
/// <param name="RequestedAt">When the erasure was first requested.</param>
/// <param name="CompletedAt">When every provider had erased.</param>
/// <param name="Sections">Provider name to what it deleted or anonymised (on a repeated erasure: what was left to do, usually nothing).</param>
public sealed record PersonalDataErasureReport(string TenantId, string UserId, DateTimeOffset RequestedAt, DateTimeOffset CompletedAt,
    IReadOnlyDictionary<string, PersonalDataErasure> Sections);

/// <summary>A consent granted or withdrawn.</summary>
/// <param name="Id">Time-ordered id.</param>
/// <param name="Purpose">The purpose (<c>marketing.email</c>).</param>
/// <param name="Version">The version of the text the person saw.</param>
/// <param name="Granted">Granted (true) or withdrawn (false).</param>
/// <param name="RecordedAt">When.</param>
public sealed record ConsentRecord(Guid Id, string Purpose, string Version, bool Granted, DateTimeOffset RecordedAt);

/// <summary>A person's consents: every record, newest first, and the current state per purpose (the newest record of each).</summary>
/// <param name="Current">The newest record per purpose, by purpose.</param>
/// <param name="History">Every record, newest first.</param>
public sealed record ConsentState(IReadOnlyList<ConsentRecord> Current, IReadOnlyList<ConsentRecord> History);
