"""URL patterns (included by audits/urls.py)."""

urlpatterns: list = []
