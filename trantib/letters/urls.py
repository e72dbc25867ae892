"""Every page of the letters app. Each part keeps its own URL module beside its views."""

from . import urls_incoming, urls_pages, urls_sop, urls_verify

app_name = "letters"

urlpatterns = [
    *urls_pages.urlpatterns,  # /surat/…: the register, a letter, its editor, PDF/DOCX, settings
    *urls_incoming.urlpatterns,  # /surat-masuk/…: the agenda of incoming letters, disposisi
    *urls_verify.urlpatterns,  # /verifikasi/<code>/: the public verification page
    *urls_sop.urlpatterns,  # drafting a case's letter from its task
]
