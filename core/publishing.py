"""Publishing pages from code as an editor would in the admin, so revisions and the audit log stay complete."""

from wagtail.models import Page


def publish_new_page(parent: Page, page: Page, *, user) -> Page:
    """Add `page` under `parent` as the admin does: created, one revision, published, each in the audit log."""
    page.owner = user
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True).publish(user=user)
    page.refresh_from_db()
    return page
