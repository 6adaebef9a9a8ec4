"""Why each exposure is, or is not, in each association.

- `explainer`: the explanations (`explain_pool`, `Explainer`);
- `trace`: a matcher that records every condition's outcome;
- `wording`: a rejecting condition as a sentence;
- `drops`: what became of associations that were not written (worded from the reason
  finalisation returns).

Imports the engine, the rules, the model, `asnatlas.generate` and `asnatlas.conventions`;
never pages or the CLI.
"""

from asnatlas.explain.explainer import (
    Explainer,
    ExposureExplanation,
    explain_pool,
    explanations_by_row,
    rule_names,
)

__all__ = ["Explainer", "ExposureExplanation", "explain_pool", "explanations_by_row",
           "rule_names"]
