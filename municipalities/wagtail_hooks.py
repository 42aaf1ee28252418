"""Admin hooks that keep each municipality's subtree its own."""

from wagtail import hooks
from wagtail.admin.auth import permission_denied


@hooks.register("before_move_page")
def refuse_moves_into_or_out_of_other_municipalities(request, page, destination):
    # Wagtail's move confirmation page only checks permissions when the move is posted; a user who may not make
    # the move (another municipality's page, or a destination they cannot publish in) is turned away at once.
    if not page.permissions_for_user(request.user).can_move_to(destination):
        return permission_denied(request)
    return None
