"""Masking of personal data (ID numbers, phones) for roles that do not need it."""


def mask_id_number(value: str) -> str:
    """Keep the region (first 6) and the check character: 430423********123X → 430423********23X."""
    value = (value or "").strip()
    if len(value) < 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 9) + value[-3:]


def mask_phone(value: str) -> str:
    """138****5678: enough to recognise, not enough to call."""
    digits = (value or "").strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def show_id_number(value: str, user) -> str:
    return value if getattr(user, "sees_personal_data", False) else mask_id_number(value)


def show_phone(value: str, user) -> str:
    return value if getattr(user, "sees_personal_data", False) else mask_phone(value)
