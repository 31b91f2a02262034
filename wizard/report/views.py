"""The completion report of an onboarding: PDF, findings as CSV or XLSX, and the name-fix CSV."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from wizard.access import current_onboarding, get_onboarding_of, get_practice_for_user
from wizard.http import HtmxHttpRequest, plain_int
from wizard.report import services as completion


@require_GET
def report(request: HtmxHttpRequest, pk: int, fmt: str) -> HttpResponse:
    practice = get_practice_for_user(request.user, pk)
    wanted = request.GET.get("onboarding", "")
    if wanted:
        # An earlier onboarding (e.g. last year's before a re-check) keeps its report.
        onboarding_id = plain_int(wanted, digits=18)
        if onboarding_id is None:
            raise Http404("No such onboarding.")
        onboarding = get_onboarding_of(practice, onboarding_id)
    else:
        onboarding = current_onboarding(practice)
    if fmt == "pdf":
        body, content_type = completion.render_pdf(onboarding), "application/pdf"
    elif fmt == "csv":
        body, content_type = completion.findings_csv(onboarding), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = completion.findings_xlsx(onboarding)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "fixes.csv":
        body, content_type = completion.fix_file(onboarding), "text/csv; charset=utf-8"
    else:
        raise Http404("No such format.")
    response = HttpResponse(body, content_type=content_type)
    name = completion.file_name(onboarding, fmt)
    # RFC 6266: an ASCII fallback and the UTF-8 name, so "Müller & Co" survives the download.
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
