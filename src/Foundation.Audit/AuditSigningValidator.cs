using Microsoft.Extensions.Options;

namespace Foundation.Audit;

/// <summary>With a store, checkpoints need a key: configured ones, or an <c>ISecretProtector</c> to keep a generated one. Fails the start otherwise.</summary>
internal sealed class AuditSigningValidator(bool hasProtector) : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PersonalData.EncryptFields == true && !hasProtector)
        {
            return ValidateOptionsResult.Fail($"{AuditOptions.SectionName}:PersonalData:EncryptFields is true but no ISecretProtector is registered to protect the per-person data keys: register one (Foundation.Hosting does) or set it to false.");
        }

        return options.Signing.Keys.Count > 0 || hasProtector
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{AuditOptions.SectionName}:Signing:Keys is empty and no ISecretProtector is registered: set {AuditOptions.SectionName}:Signing:Keys:<keyId> to base64 of 32 random bytes (openssl rand -base64 32), or register an ISecretProtector (Foundation.Hosting does) so a key can be generated and stored protected.");
    }
}
