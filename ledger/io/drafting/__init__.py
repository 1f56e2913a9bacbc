"""Drafting a scenario file from an article (SPEC 9): `draft_scenario` finds the forward-looking
claims of a news text and suggests a question for each; `render_yaml` writes the file.

Modules, in the order text flows through them: `segment` (blocks and sentences), `words`
(tokens and closed word classes), `cue` (the cue type), `modals` and `cues` (forward-looking verb
groups) with `idioms` ("not off the table"), `claims` (one claim per clause with its own cue),
`priors` (ICD 203 terms), `titles` ("Will …?") with `casing` (a title's first word) and `faq`
(question lines), `dates` (published date, closes), `filters`
(calls to action), `draft` (the pure function), `render` (YAML).
"""

from ledger.io.drafting.draft import QuestionDraft, ScenarioDraft, draft_scenario
from ledger.io.drafting.render import render_yaml

__all__ = ["QuestionDraft", "ScenarioDraft", "draft_scenario", "render_yaml"]
