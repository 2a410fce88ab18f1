"""What the rating announces. Declarations only: this module imports nothing of the app,
so every module may send these without a loop.

- ``rating_approved`` is sent (inside the approving transaction) whenever an institution's
  approved level is set: on approval, and when the county raises or lowers a level. The
  apps above listen (disposal creates the actions the level requires, 四级分类处置); the
  rating itself imports none of them.
- ``ratings_approved`` is the same for many approvals at once, sent once per batch.
- ``thresholds_saved`` is sent when a unit saves a new threshold version; the rating's own
  receiver re-rates everything below the unit once the transaction has committed.
"""

from django.dispatch import Signal

# Arguments: institution, level (the approved level now shown), assessment, user,
# changed_at (when the level was set).
rating_approved = Signal()

# Many levels approved at once (``services.approve_many``). Arguments: approvals (a list of
# ``services.Approval``: institution_id, assessment_id, level), user, changed_at.
ratings_approved = Signal()

# Arguments: version (the ThresholdVersion saved).
thresholds_saved = Signal()
