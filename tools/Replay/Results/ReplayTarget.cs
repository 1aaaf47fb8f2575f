using System.Globalization;
using Modeling.Cards;
using Modeling.Features;
using Modeling.Scoring;
using Replay.Messages;

namespace Replay.Results;

/// <summary>
/// What the replayed model predicts and how its predictions are judged, from its card: the task (binary, multiclass,
/// regression), the labels, and the label rule that turns an observed outcome into the truth
/// (<see cref="OutcomeLabels.TruthOf"/>, the platform's own rule). Truth and prediction are kept as one number each:
/// binary 1 or 0 and the positive class's probability, multiclass the label's index (−1: a label the card does not
/// have), regression the value.
/// </summary>
public sealed class ReplayTarget
{
    private readonly ModelCard _card;

    private ReplayTarget(ModelCard card)
    {
        _card = card;
    }

    /// <summary>The model's task.</summary>
    public ModelTask Task => _card.Task;

    /// <summary>The card's labels (binary: negative, positive; multiclass: in class order; regression: none).</summary>
    public IReadOnlyList<string> Labels => _card.Output.Labels;

    /// <summary>The raw fields the model reads (the card's features), which a request carries.</summary>
    public IReadOnlyList<FeatureSpec> Features => _card.Features;

    /// <summary>The field of a record that holds its outcome (the card's <c>label.field</c>).</summary>
    public string? LabelField => _card.Label?.Field is { Length: > 0 } name ? name : null;

    /// <summary>The task's name as cards write it: <c>binary</c>, <c>multiclass</c>, <c>regression</c>.</summary>
    public string TaskName => _card.Task switch
    {
        ModelTask.Binary => "binary",
        ModelTask.Multiclass => "multiclass",
        _ => "regression",
    };

    /// <summary>
    /// What the binary truth is, for the report's column: the positive label and its rule, e.g. <c>late (delay &gt; 15)</c>.
    /// </summary>
    public string PositiveDescription =>
        (Labels.Count == 2 ? Labels[1] : "positive")
        + (_card.Label is { PositiveWhenGreaterThan: { } limit, Field: { Length: > 0 } name } ? string.Create(CultureInfo.InvariantCulture, $" ({name} > {limit})") : "");

    /// <summary>The target of the model <paramref name="card"/> describes; the label field may be given apart (<c>--label-field</c>).</summary>
    public static ReplayTarget Of(ModelCard card, string? labelField = null)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (card.Task is ModelTask.Binary or ModelTask.Multiclass && card.Output.Labels.Count < 2)
            throw new InvalidOperationException($"the card of '{card.Name}' names fewer than two labels (output.labels)");
        if (labelField is not null)
            card = card with { Label = (card.Label ?? new LabelSpec()) with { Field = labelField } };
        return new ReplayTarget(card);
    }

    /// <summary>Reads the card in <paramref name="path"/>; the exception names every problem.</summary>
    public static async Task<ReplayTarget> ReadAsync(string path, string? labelField, CancellationToken cancellationToken)
    {
        var read = ModelCardReader.Read(await File.ReadAllTextAsync(path, cancellationToken));
        return read.Card is { } card
            ? Of(card, labelField)
            : throw new InvalidOperationException($"--card {path}: {string.Join("; ", read.Errors)}");
    }

    /// <summary>The truth an observed outcome stands for, or NaN when it has none (missing, or not readable by the rule).</summary>
    public float Truth(RawValue outcome) => OutcomeLabels.TruthOf(_card, outcome) is { } truth ? (float)truth : float.NaN;

    /// <summary>The prediction of a received message, or NaN when it lacks what the task needs (a probability, a label, a value).</summary>
    public float Predicted(PredictionReceived prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return Task switch
        {
            ModelTask.Binary => prediction.Probability is { } probability ? (float)probability : float.NaN,
            ModelTask.Multiclass => prediction.Label is { } label ? IndexOf(label) : float.NaN,
            _ => prediction.Value is { } value ? (float)value : float.NaN,
        };
    }

    /// <summary>The prediction of a score computed in-process (a baseline model).</summary>
    public float Predicted(ModelScore score) => Task switch
    {
        ModelTask.Binary => score.Probability,
        ModelTask.Multiclass => score.LabelIndex,
        _ => score.Value,
    };

    private int IndexOf(string label)
    {
        for (var index = 0; index < Labels.Count; index++)
        {
            if (string.Equals(Labels[index], label, StringComparison.OrdinalIgnoreCase))
                return index;
        }

        return -1;
    }
}
