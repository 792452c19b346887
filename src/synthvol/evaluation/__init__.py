"""Real-vs-synthetic comparison: return statistics (:mod:`.metrics`), discriminative and
predictive scores (:mod:`.scores`), memorisation checks and copy floors
(:mod:`.memorisation`), ties and copy-floor verdicts (:mod:`.verdicts`), the workflow's
comparison steps (:mod:`.compare`), the report section (:mod:`.report`) and the Stocks
benchmark (:mod:`.stocks`)."""

from synthvol.evaluation.metrics import (
    Moments,
    StylizedFacts,
    mean_acf,
    mean_pacf,
    return_moments,
    stylized_facts,
)
from synthvol.evaluation.scores import (
    ScoreSettings,
    ScoreSummary,
    discriminative_score,
    discriminative_summary,
    predictive_score,
    predictive_summary,
)

__all__ = ["Moments", "ScoreSettings", "ScoreSummary", "StylizedFacts", "discriminative_score",
           "discriminative_summary", "mean_acf", "mean_pacf", "predictive_score",
           "predictive_summary", "return_moments",
           "stylized_facts"]
