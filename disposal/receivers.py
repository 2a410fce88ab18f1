"""What disposal hears from the rating (connected in ``apps.py``).

The rating announces an approved level (``risklists.signals.rating_approved``); disposal,
the higher layer, answers it: the level decides the actions it requires (区县方案 三是实行
"四级"分类处置), and what the rating found (illegal fundraising, a suspected crime) decides
the conditional ones. The rating itself knows nothing of disposal.
"""

from core import clock

from .services.actions import apply_level, apply_levels


def apply_approved_level(sender, institution, level, assessment, user, changed_at, **kwargs):
    """Inside the approving transaction: if disposal refuses, the approval is not kept."""
    apply_level(
        institution,
        level,
        user=user,
        assessment=assessment,
        today=clock.localdate(changed_at),
    )


def apply_approved_levels(sender, approvals, user, changed_at, **kwargs):
    """Many levels approved at once (``ratings_approved``): applied in bulk, by the same rules."""
    apply_levels(approvals, user=user, today=clock.localdate(changed_at))
