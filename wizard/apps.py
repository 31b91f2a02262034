from django.apps import AppConfig


class WizardConfig(AppConfig):
    name = "wizard"
    verbose_name = "Onboarding wizard"

    def ready(self) -> None:
        # Connects the product to the engine's signals (audits.signals); imported for that effect.
        from wizard.connect import receivers as connect_receivers  # noqa: F401
        from wizard.runs import receivers as run_receivers  # noqa: F401
        from wizard.uploads import receivers as upload_receivers  # noqa: F401
