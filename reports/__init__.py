"""Documents the bureaus hand out, built from the planning data: the firm checklist (明白纸).

Below the dashboard (imports nothing from ``ui``/``views``) and beside the optimizer, so the
dashboard, the command line and scripts share one writer. Labels come from `data.vocabulary`.
"""
