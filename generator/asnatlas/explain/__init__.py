"""Why each exposure is, or is not, in each association: the explainer, the tracing
matcher, the wording of conditions and the reasons associations were dropped.

Imports the engine, the rules, the model and `asnatlas.generate`; never pages or the CLI.
"""
