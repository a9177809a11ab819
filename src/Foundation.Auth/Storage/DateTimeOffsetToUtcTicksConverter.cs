using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Foundation.Auth.Storage;

/// <summary>Stores a <see cref="DateTimeOffset"/> as its UTC ticks, so SQLite can compare and order it.</summary>
public sealed class DateTimeOffsetToUtcTicksConverter : ValueConverter<DateTimeOffset, long>
{
    /// <summary>Creates the converter.</summary>
    public DateTimeOffsetToUtcTicksConverter()
        : base(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero))
    {
    }
}
