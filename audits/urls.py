from audits import urls_runs, urls_uploads

app_name = "audits"

urlpatterns = [*urls_uploads.urlpatterns, *urls_runs.urlpatterns]
