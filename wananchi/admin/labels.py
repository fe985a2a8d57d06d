"""The words the administration pages use for institution kinds, audit actions (security events among them) and
the objects they concern."""

from flask_babel import lazy_gettext as _l

from wananchi.institutions.models import InstitutionKind

KIND_LABELS = {
    InstitutionKind.NATIONAL: _l("National level"),
    InstitutionKind.MINISTRY: _l("Ministry"),
    InstitutionKind.AGENCY: _l("Agency or authority"),
    InstitutionKind.REGION: _l("Region"),
    InstitutionKind.COUNCIL: _l("Council"),
    InstitutionKind.UNIT: _l("Unit"),
}

LANGUAGE_LABELS = {"sw": "Kiswahili", "en": "English"}

ACTION_LABELS = {
    "create_institution": _l("Institution added"),
    "update_institution": _l("Institution changed"),
    "create_category": _l("Service added"),
    "update_category": _l("Service changed"),
    "deactivate_category": _l("Service withdrawn"),
    "reactivate_category": _l("Service offered again"),
    "create_routing_rule": _l("Routing rule added"),
    "update_routing_rule": _l("Routing rule changed"),
    "delete_routing_rule": _l("Routing rule deleted"),
    "create_user": _l("User added"),
    "update_user": _l("User changed"),
    "deactivate_user": _l("User deactivated"),
    "reactivate_user": _l("User reactivated"),
    "unlock_user": _l("User unlocked"),
    "reset_two_factor": _l("Two-step login reset"),
    "set_role_policy": _l("Role security changed"),
    "create_canned_response": _l("Canned response added"),
    "update_canned_response": _l("Canned response changed"),
    "delete_canned_response": _l("Canned response deleted"),
    "resend_outbox_message": _l("Message sent again"),
    # Security events (wananchi/core/audit.py record_security_event)
    "login_succeeded": _l("Logged in"),
    "login_failed": _l("Login refused"),
    "login_delayed": _l("Logins made to wait"),
    "two_step_failed": _l("Two-step code refused"),
    "two_step_enabled": _l("Two-step login set up"),
    "logout": _l("Logged out"),
    "password_changed": _l("Password changed"),
    "password_change_failed": _l("Password change refused"),
    "password_reset_sent": _l("Password-reset link sent"),
    "password_reset": _l("Password set through a reset link"),
    "api_token_created": _l("API token created"),
    "api_token_revoked": _l("API token revoked"),
    "integration_key_issued": _l("Integration key issued"),
    "integration_key_revoked": _l("Integration key revoked"),
    # Access to citizens' personal data (wananchi/tickets/access.py) and the audit's own export
    "view_ticket": _l("Ticket viewed"),
    "view_contact": _l("Contact details viewed"),
    "view_attachment": _l("Attachment opened"),
    "export_ticket": _l("Ticket exported"),
    "search_contact": _l("Search by phone number or e-mail address"),
    "export_audit": _l("Audit log exported"),
    "decide_data_request": _l("Request about personal data decided"),
    "record_data_request": _l("Request about personal data recorded by staff"),
}

OBJECT_LABELS = {
    "Institution": _l("Institution"),
    "Category": _l("Service"),
    "RoutingRule": _l("Routing rule"),
    "User": _l("User"),
    "RolePolicy": _l("Role"),
    "CannedResponse": _l("Canned response"),
    "OutboxMessage": _l("Message"),
    "ApiToken": _l("API token"),
    "IntegrationKey": _l("Integration key"),
    "LoginAddress": _l("E-mail address without an account (keyed hash)"),
    "ClientAddress": _l("Client address"),
    "Search": _l("Search"),
    "AuditExport": _l("Audit log export"),
}
