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
    path("surat/<int:letter_id>/", letter.letter_detail, name="letter"),
    path("surat/<int:letter_id>/ubah/", editor.letter_edit, name="edit"),
    path("surat/<int:letter_id>/surat.pdf", letter.letter_pdf, name="pdf"),
    path("surat/<int:letter_id>/surat.docx", letter.letter_docx, name="docx"),
    path("surat/<int:letter_id>/ajukan/", actions.letter_submit, name="submit"),
    path("surat/<int:letter_id>/paraf/", actions.letter_initial, name="initial"),
    path("surat/<int:letter_id>/kembalikan/", actions.letter_return, name="return"),
    path("surat/<int:letter_id>/beri-nomor/", actions.letter_number, name="number"),
    path("surat/<int:letter_id>/salinan/", actions.letter_signed_copy, name="signed_copy"),
    path("surat/<int:letter_id>/tandatangani/", actions.letter_sign, name="sign"),
    path("surat/<int:letter_id>/tanda-terima/", actions.letter_deliver, name="deliver"),
    path(
        "surat/<int:letter_id>/tanda-terima/<int:delivery_id>/foto/",
        letter.delivery_photo,
        name="delivery_photo",
    ),
    path("surat/<int:letter_id>/kirim-email/", actions.letter_email, name="email"),
    path("surat/<int:letter_id>/batalkan/", actions.letter_cancel, name="cancel"),
]
