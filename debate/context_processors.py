VOTE_LEVELS = [("0", "none"), ("1", "minor"), ("2", "moderate"), ("3", "strong"), ("4", "decisive")]


def vote_levels(request):
    """The impact scale, shared by every vote widget."""
    return {"vote_levels": VOTE_LEVELS}


def unread_notices(request):
    """The count behind the header's Activity link: one query, signed-in users only, and
    only when a template shows it (fragments do not)."""
    from django.utils.functional import SimpleLazyObject

    from debate.activity.selectors import unread_count

    return {
        "unread_notices": SimpleLazyObject(lambda: unread_count(getattr(request, "user", None)))
    }


# A "Log in" link brings the reader back where they were, query and all, unless the query is
# longer than any link of ours writes: then only the path, so a page never repeats a huge URL.
RETURN_QUERY_LIMIT = 500


def return_to(request):
    """`return_to`: the `next` of the header's "Log in" and "Sign up" links and the page's."""
    full = request.get_full_path()
    return {"return_to": full if len(full) <= RETURN_QUERY_LIMIT else request.path}
