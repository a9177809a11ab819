using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using L = Foundation.Costing.Storage.CostingColumnLengths;

namespace Foundation.Costing.Storage;

internal sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> b)
    {
        b.ToTable("costing_ledger");
        b.HasKey(e => e.Id).HasName("pk_costing_ledger");
        b.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
        b.Property(e => e.OccurredAt).HasColumnName("occurred_at");
        b.Property(e => e.HourBucket).HasColumnName("hour_bucket");
        b.Property(e => e.TenantId).HasColumnName("tenant_id").HasMaxLength(L.TenantId);
        b.Property(e => e.UserId).HasColumnName("user_id").HasMaxLength(L.UserId);
        b.Property(e => e.ApiKeyId).HasColumnName("api_key_id").HasMaxLength(L.ApiKeyId);
        b.Property(e => e.TeamId).HasColumnName("team_id").HasMaxLength(L.TeamId);
        b.Property(e => e.Roles).HasColumnName("roles").HasMaxLength(L.Roles);
        b.Property(e => e.Provider).HasColumnName("provider").HasMaxLength(L.Provider);
        b.Property(e => e.Model).HasColumnName("model").HasMaxLength(L.Model);
        b.Property(e => e.Deployment).HasColumnName("deployment").HasMaxLength(L.Deployment);
        b.Property(e => e.InputTokens).HasColumnName("input_tokens");
        b.Property(e => e.CachedInputTokens).HasColumnName("cached_input_tokens");
        b.Property(e => e.CacheWriteInputTokens).HasColumnName("cache_write_input_tokens");
        b.Property(e => e.OutputTokens).HasColumnName("output_tokens");
        b.Property(e => e.ReasoningTokens).HasColumnName("reasoning_tokens");
        b.Property(e => e.TotalTokens).HasColumnName("total_tokens");
        b.Property(e => e.CostNanos).HasColumnName("cost_nanos");
        b.Property(e => e.LatencyMs).HasColumnName("latency_ms");
        b.Property(e => e.TimeToFirstTokenMs).HasColumnName("ttft_ms");
        b.Property(e => e.Status).HasColumnName("status");
        b.Property(e => e.ErrorType).HasColumnName("error_type").HasMaxLength(L.ErrorType);
        b.Property(e => e.RequestId).HasColumnName("request_id").HasMaxLength(L.RequestId);
        b.Property(e => e.Estimated).HasColumnName("estimated");
        b.Property(e => e.Streaming).HasColumnName("streaming");
        b.HasIndex(e => new { e.TenantId, e.OccurredAt }).HasDatabaseName("ix_costing_ledger_tenant_id_occurred_at");
        b.HasIndex(e => new { e.TenantId, e.UserId, e.OccurredAt }).HasDatabaseName("ix_costing_ledger_tenant_id_user_id_occurred_at");
        b.HasIndex(e => e.OccurredAt).HasDatabaseName("ix_costing_ledger_occurred_at");
    }
}

internal sealed class BudgetEntityConfiguration : IEntityTypeConfiguration<BudgetEntity>
{
    public void Configure(EntityTypeBuilder<BudgetEntity> b)
    {
        b.ToTable("costing_budgets");
        b.HasKey(e => e.Id).HasName("pk_costing_budgets");
        b.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
        b.Property(e => e.TenantId).HasColumnName("tenant_id").HasMaxLength(L.TenantId);
        b.Property(e => e.Name).HasColumnName("name").HasMaxLength(L.BudgetName);
        b.Property(e => e.ScopeKind).HasColumnName("scope_kind");
        b.Property(e => e.ScopeValue).HasColumnName("scope_value").HasMaxLength(L.ScopeValue);
        b.Property(e => e.Period).HasColumnName("period");
        b.Property(e => e.RollingHours).HasColumnName("rolling_hours");
        b.Property(e => e.LimitCostNanos).HasColumnName("limit_cost_nanos");
        b.Property(e => e.LimitTokens).HasColumnName("limit_tokens");
        b.Property(e => e.Thresholds).HasColumnName("thresholds").HasMaxLength(L.Thresholds);
        b.Property(e => e.HardLimit).HasColumnName("hard_limit");
        b.Property(e => e.Enabled).HasColumnName("enabled");
        b.Property(e => e.CreatedAt).HasColumnName("created_at");
        b.Property(e => e.UpdatedAt).HasColumnName("updated_at");
        b.HasIndex(e => new { e.TenantId, e.Name }).IsUnique().HasDatabaseName("ix_costing_budgets_tenant_id_name");
        b.HasIndex(e => new { e.TenantId, e.ScopeKind, e.ScopeValue }).HasDatabaseName("ix_costing_budgets_tenant_id_scope_kind_scope_value");
    }
}

internal sealed class BudgetUsageEntityConfiguration : IEntityTypeConfiguration<BudgetUsageEntity>
{
    public void Configure(EntityTypeBuilder<BudgetUsageEntity> b)
    {
        b.ToTable("costing_budget_usage");
        b.HasKey(e => e.Id).HasName("pk_costing_budget_usage");
        b.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
        b.Property(e => e.BudgetId).HasColumnName("budget_id");
        b.Property(e => e.Subject).HasColumnName("subject").HasMaxLength(L.Subject);
        b.Property(e => e.PeriodStart).HasColumnName("period_start");
        b.Property(e => e.PeriodEnd).HasColumnName("period_end");
        b.Property(e => e.SpentCostNanos).HasColumnName("spent_cost_nanos");
        b.Property(e => e.SpentTokens).HasColumnName("spent_tokens");
        b.Property(e => e.ReservedCostNanos).HasColumnName("reserved_cost_nanos");
        b.Property(e => e.ReservedTokens).HasColumnName("reserved_tokens");
        b.Property(e => e.ThresholdsRaised).HasColumnName("thresholds_raised");
        b.Property(e => e.LeasedCostNanos).HasColumnName("leased_cost_nanos");
        b.Property(e => e.LeasedTokens).HasColumnName("leased_tokens");
        b.HasIndex(e => new { e.BudgetId, e.Subject, e.PeriodStart }).IsUnique().HasDatabaseName("ix_costing_budget_usage_budget_id_subject_period_start");
        b.HasOne<BudgetEntity>().WithMany().HasForeignKey(e => e.BudgetId).HasConstraintName("fk_costing_budget_usage_costing_budgets_budget_id").OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReservationEntityConfiguration : IEntityTypeConfiguration<ReservationEntity>
{
    public void Configure(EntityTypeBuilder<ReservationEntity> b)
    {
        b.ToTable("costing_reservations");
        b.HasKey(e => e.Id).HasName("pk_costing_reservations");
        b.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
        b.Property(e => e.ReservationId).HasColumnName("reservation_id");
        b.Property(e => e.BudgetId).HasColumnName("budget_id");
        b.Property(e => e.Subject).HasColumnName("subject").HasMaxLength(L.Subject);
        b.Property(e => e.PeriodStart).HasColumnName("period_start");
        b.Property(e => e.CostNanos).HasColumnName("cost_nanos");
        b.Property(e => e.Tokens).HasColumnName("tokens");
        b.Property(e => e.CreatedAt).HasColumnName("created_at");
        b.Property(e => e.ExpiresAt).HasColumnName("expires_at");
        b.HasIndex(e => e.ReservationId).HasDatabaseName("ix_costing_reservations_reservation_id");
        b.HasIndex(e => e.ExpiresAt).HasDatabaseName("ix_costing_reservations_expires_at");
        b.HasIndex(e => e.BudgetId).HasDatabaseName("ix_costing_reservations_budget_id");
        b.HasOne<BudgetEntity>().WithMany().HasForeignKey(e => e.BudgetId).HasConstraintName("fk_costing_reservations_costing_budgets_budget_id").OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BudgetLeaseEntityConfiguration : IEntityTypeConfiguration<BudgetLeaseEntity>
{
    public void Configure(EntityTypeBuilder<BudgetLeaseEntity> b)
    {
        b.ToTable("costing_budget_leases");
        b.HasKey(e => e.Id).HasName("pk_costing_budget_leases");
        b.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
        b.Property(e => e.BudgetId).HasColumnName("budget_id");
        b.Property(e => e.Subject).HasColumnName("subject").HasMaxLength(L.Subject);
        b.Property(e => e.PeriodStart).HasColumnName("period_start");
        b.Property(e => e.Holder).HasColumnName("holder").HasMaxLength(L.Holder);
        b.Property(e => e.CostNanos).HasColumnName("cost_nanos");
        b.Property(e => e.Tokens).HasColumnName("tokens");
        b.Property(e => e.CreatedAt).HasColumnName("created_at");
        b.Property(e => e.ExpiresAt).HasColumnName("expires_at");
        b.HasIndex(e => e.ExpiresAt).HasDatabaseName("ix_costing_budget_leases_expires_at");
        b.HasIndex(e => e.BudgetId).HasDatabaseName("ix_costing_budget_leases_budget_id");
        b.HasOne<BudgetEntity>().WithMany().HasForeignKey(e => e.BudgetId).HasConstraintName("fk_costing_budget_leases_costing_budgets_budget_id").OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PriceEntityConfiguration : IEntityTypeConfiguration<PriceEntity>
{
    public void Configure(EntityTypeBuilder<PriceEntity> b)
    {
        b.ToTable("costing_prices");
        b.HasKey(e => e.Id).HasName("pk_costing_prices");
        b.Property(e => e.Id).HasColumnName("id").ValueGeneratedNever();
        b.Property(e => e.TenantId).HasColumnName("tenant_id").HasMaxLength(L.TenantId);
        b.Property(e => e.Provider).HasColumnName("provider").HasMaxLength(L.Provider);
        b.Property(e => e.Model).HasColumnName("model").HasMaxLength(L.Model);
        b.Property(e => e.EffectiveFrom).HasColumnName("effective_from");
        b.Property(e => e.InputPerMillion).HasColumnName("input_per_million").HasPrecision(18, 9);
        b.Property(e => e.OutputPerMillion).HasColumnName("output_per_million").HasPrecision(18, 9);
        b.Property(e => e.CachedInputPerMillion).HasColumnName("cached_input_per_million").HasPrecision(18, 9);
        b.Property(e => e.CacheWrite5mPerMillion).HasColumnName("cache_write_5m_per_million").HasPrecision(18, 9);
        b.Property(e => e.CacheWrite1hPerMillion).HasColumnName("cache_write_1h_per_million").HasPrecision(18, 9);
        b.Property(e => e.ReasoningPerMillion).HasColumnName("reasoning_per_million").HasPrecision(18, 9);
        b.Property(e => e.CreatedAt).HasColumnName("created_at");
        b.Property(e => e.CreatedBy).HasColumnName("created_by").HasMaxLength(L.Note);

        // NULL is distinct from NULL in a unique index on both engines, so the global rows get an index of their own (filtered to them)
        // and the tenants' overrides one that includes the tenant.
        b.HasIndex(e => new { e.Provider, e.Model, e.EffectiveFrom }).IsUnique().HasFilter(PriceIndexes.GlobalFilter)
            .HasDatabaseName("ix_costing_prices_provider_model_effective_from");
        b.HasIndex(e => new { e.TenantId, e.Provider, e.Model, e.EffectiveFrom }).IsUnique().HasFilter(PriceIndexes.TenantFilter)
            .HasDatabaseName("ix_costing_prices_tenant_id_provider_model_effective_from");
    }
}

/// <summary>The filters of the two unique price indexes, shared by the model and the migration (the same SQL on SQLite and PostgreSQL).</summary>
internal static class PriceIndexes
{
    public const string GlobalFilter = "tenant_id IS NULL";

    public const string TenantFilter = "tenant_id IS NOT NULL";
}
