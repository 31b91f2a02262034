"""The Celery app. Settings come from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("liftoff")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # each app's tasks.py (audits)
# The product's tasks live in its feature packages.
app.autodiscover_tasks(["wizard.steps", "wizard.notifications"])
# Pulling from XPM and Xero (audits/xero/tasks.py).
app.autodiscover_tasks(["audits.xero"])
