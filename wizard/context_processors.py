from django.http import HttpRequest


def membership(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {"membership": getattr(user, "membership", None) if user is not None else None}
