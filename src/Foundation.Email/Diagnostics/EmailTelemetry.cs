using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Foundation.Email.Diagnostics;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> named <c>Foundation.Email</c>.</summary>
public sealed class EmailTelemetry : IDisposable
{
    /// <summary>The name of the meter and the activity source.</summary>
    public const string Name = "Foundation.Email";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _messages;

    /// <summary>Creates the instruments, through <paramref name="meterFactory"/> when there is one.</summary>
    public EmailTelemetry(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        _messages = _meter.CreateCounter<long>("foundation.email.messages", unit: "{message}", description: "E-mail messages handed to a sender, by category, transport and outcome.");
    }

    /// <summary>The activity source of deliveries.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Counts one message.</summary>
    public void Record(string category, string transport, bool delivered) =>
        _messages.Add(1, new("email.category", category), new("email.transport", transport), new("outcome", delivered ? "delivered" : "failed"));

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
