"""How bad a finding is: one definition for the rules (``validators.base``) and the stored
findings (``models.Finding``). E blocks sign-off until fixed or waived, W must be acknowledged,
I informs."""

from django.db import models


class Severity(models.TextChoices):
    ERROR = "error", "Error"
    WARNING = "warning", "Warning"
    INFO = "info", "Info"

    @property
    def rank(self) -> int:
        """Lower is worse; used to sort worst first."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]
