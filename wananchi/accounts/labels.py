"""The words the interface uses for roles."""

from flask_babel import lazy_gettext as _l

from wananchi.accounts.models import Role

ROLE_LABELS = {
    Role.OFFICER: _l("Officer"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.OVERSIGHT: _l("Oversight"),
    Role.ADMIN: _l("Administrator"),
    Role.AUDITOR: _l("Auditor"),
}
