"""The audit trail's one way of tracking a model (django-pghistory).

`audit_trail(exclude=[...])` decorates a model so that PostgreSQL triggers write an event
row for every insert, update and delete of it, however it is made: the admin, the API, a
service, a bulk `QuerySet.update()` or raw SQL. Each event row is a snapshot of the row
(the new one for an insert or update, the old one for a delete) in `<Model>Audit`, a table
its app's migrations create, with the context of the request that made it (the user's id
and the path, from `pghistory.middleware.HistoryMiddleware`). The admin's "Audit trail"
(tracker/admin_audit.py) shows them with what changed.

`exclude` names the fields never copied into the trail: the personal free text an
artist's erasure removes (docs/privacy.md, "The audit trail"). A change to an excluded
field alone writes no event.
"""

import pghistory


def audit_trail(*, exclude: tuple[str, ...] = ()):
    def decorate(model):
        return pghistory.track(
            pghistory.InsertEvent(),
            pghistory.UpdateEvent(),
            pghistory.DeleteEvent(),
            exclude=list(exclude) or None,
            obj_field=pghistory.ObjForeignKey(related_name="audit_events"),
            model_name=f"{model.__name__}Audit",
        )(model)

    return decorate
