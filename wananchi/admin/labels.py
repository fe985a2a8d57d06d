"""The words the administration pages use for institution kinds, audit actions and changed fields."""

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
}

OBJECT_LABELS = {
    "Institution": _l("Institution"),
    "Category": _l("Service"),
    "RoutingRule": _l("Routing rule"),
    "User": _l("User"),
    "RolePolicy": _l("Role"),
    "CannedResponse": _l("Canned response"),
    "OutboxMessage": _l("Message"),
}
