"""Access policy, pure: roles and actions as data, scopes in two trees (区→街道→社区→网格
and 分局→派出所→社区警务区), one `allowed(actor, action, resource)`, masking, and the audit
log's hash chain. Adapters (SQL audit log, accounts) live in shibei.store."""

from shibei.access.masking import MaskRules, mask_id_number, mask_name, mask_phone
from shibei.access.places import PlaceIndex
from shibei.access.policy import allowed, scope_of, within_codes
from shibei.access.resources import Actor, Place, Resource
from shibei.access.roles import ACTIONS, POLICY, ROLE_LABELS, Role, Scope

__all__ = [
    "ACTIONS",
    "POLICY",
    "ROLE_LABELS",
    "Actor",
    "MaskRules",
    "Place",
    "PlaceIndex",
    "Resource",
    "Role",
    "Scope",
    "allowed",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "scope_of",
    "within_codes",
]
