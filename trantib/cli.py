"""The ``trantib`` console command: Django's management commands under the product's name.

``trantib sop validate``, ``trantib serve``, ``trantib demo`` … are ``manage.py`` commands;
this entry point only sets the settings module and the working folder's import path.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["trantib", *sys.argv[1:]])


if __name__ == "__main__":
    main()
