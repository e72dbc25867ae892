"""URLs of the letters app (pages): the register, a letter and its actions, the editor, the
files, and the unit's settings (views/)."""

from django.urls import path

from .views import actions, editor, letter, register, settings

urlpatterns = [
    path("surat/", register.register, name="register"),
    path("surat/buku-agenda.<str:fmt>", register.register_export, name="register_export"),
    path("surat/baru/", editor.letter_new, name="new"),
    path("surat/pengaturan/", settings.letter_settings, name="settings"),
    path("surat/pengaturan/register/", settings.register_save, name="register_save"),
    path("surat/pengaturan/pratinjau-nomor/", settings.register_preview, name="number_preview"),
    path("surat/<posint:letter_id>/", letter.letter_detail, name="letter"),
    path("surat/<posint:letter_id>/ubah/", editor.letter_edit, name="edit"),
    path("surat/<posint:letter_id>/surat.pdf", letter.letter_pdf, name="pdf"),
    path("surat/<posint:letter_id>/surat.docx", letter.letter_docx, name="docx"),
    path("surat/<posint:letter_id>/ajukan/", actions.letter_submit, name="submit"),
    path("surat/<posint:letter_id>/paraf/", actions.letter_initial, name="initial"),
    path("surat/<posint:letter_id>/kembalikan/", actions.letter_return, name="return"),
    path("surat/<posint:letter_id>/beri-nomor/", actions.letter_number, name="number"),
    path("surat/<posint:letter_id>/salinan/", actions.letter_signed_copy, name="signed_copy"),
    path("surat/<posint:letter_id>/tandatangani/", actions.letter_sign, name="sign"),
    path("surat/<posint:letter_id>/tanda-terima/", actions.letter_deliver, name="deliver"),
    path(
        "surat/<posint:letter_id>/tanda-terima/<posint:delivery_id>/foto/",
        letter.delivery_photo,
        name="delivery_photo",
    ),
    path("surat/<posint:letter_id>/kirim-email/", actions.letter_email, name="email"),
    path("surat/<posint:letter_id>/batalkan/", actions.letter_cancel, name="cancel"),
]
