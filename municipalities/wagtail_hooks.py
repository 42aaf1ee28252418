"""Hooks that keep each municipality's subtree its own and network-only material inside the network."""

from django.contrib.auth.views import redirect_to_login
from wagtail import hooks
from wagtail.admin.auth import permission_denied

from core.visibility import document_is_public, is_network_reader


@hooks.register("before_move_page")
def refuse_moves_into_or_out_of_other_municipalities(request, page, destination):
    # Wagtail's move confirmation page only checks permissions when the move is posted; a user who may not make
    # the move (another municipality's page, or a destination they cannot publish in) is turned away at once.
    if not page.permissions_for_user(request.user).can_move_to(destination):
        return permission_denied(request)
    return None


@hooks.register("before_serve_document")
def require_login_for_network_only_documents(document, request):
    if not is_network_reader(request.user) and not document_is_public(document):
        return redirect_to_login(request.get_full_path())
    return None
