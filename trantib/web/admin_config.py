"""``django.contrib.admin`` with :class:`~trantib.web.admin_site.TrantibAdminSite` (named in
INSTALLED_APPS; apart from the site's module, which needs the apps loaded)."""

from django.contrib.admin.apps import AdminConfig


class TrantibAdminConfig(AdminConfig):
    default_site = "trantib.web.admin_site.TrantibAdminSite"
