from django.utils.translation import pgettext_lazy

# The words of the impact scale (a vote's weight), beside its digits.
VOTE_LEVELS = [
    ("0", pgettext_lazy("impact", "none")),
    ("1", pgettext_lazy("impact", "minor")),
    ("2", pgettext_lazy("impact", "moderate")),
    ("3", pgettext_lazy("impact", "strong")),
    ("4", pgettext_lazy("impact", "decisive")),
]


def vote_levels(request):
    """The impact scale, shared by every vote widget."""
    return {"vote_levels": VOTE_LEVELS}


def _header_counts(request):
    """The header's counts (activity.selectors.header_counts), read once per request: the
    Activity count and the "To review" badge come from the same single query."""
    from debate.activity.selectors import header_counts

    if not hasattr(request, "_header_counts"):
        request._header_counts = header_counts(getattr(request, "user", None))
    return request._header_counts


def unread_notices(request):
    """The count behind the header's Activity link: one query, signed-in users only, and
    only when a template shows it (fragments do not)."""
    from django.utils.functional import SimpleLazyObject

    return {"unread_notices": SimpleLazyObject(lambda: _header_counts(request).unread)}


def review_waiting(request):
    """The header's "To review" badge for moderators (activity.selectors.review_summary):
    lazy like `unread_notices`, so fragments pay nothing, and read in the same query as the
    unread count, so a full page pays nothing more either."""
    from django.utils.functional import SimpleLazyObject

    return {"review_waiting": SimpleLazyObject(lambda: _header_counts(request).review)}


# A "Log in" link brings the reader back where they were, query and all, unless the query is
# longer than any link of ours writes: then only the path, so a page never repeats a huge URL.
RETURN_QUERY_LIMIT = 500


def return_to(request):
    """`return_to`: the `next` of the header's "Log in" and "Sign up" links and the page's."""
    full = request.get_full_path()
    return {"return_to": full if len(full) <= RETURN_QUERY_LIMIT else request.path}


def interface_languages(request):
    """The switcher's choices, each named in its own language ("English", «Українська»):
    Django's `get_available_languages` would translate the names into the current one."""
    from django.conf import settings

    return {"interface_languages": settings.LANGUAGES}
