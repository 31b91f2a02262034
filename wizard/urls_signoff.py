"""URL patterns (included by wizard/urls.py)."""

urlpatterns: list = []
